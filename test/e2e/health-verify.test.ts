/**
 * The real bundle, actions/health-verify/dist/index.js, run as the runner runs it: a child node
 * process with INPUT_* variables and the runner's file commands, against the simulator.
 * Build it first: node scripts/build.mjs health-verify
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { listenerUrl } from '../support/sim-listener.js'
import { repoRoot, runAction } from './run-action.js'

const bundle = join(repoRoot, 'actions/health-verify/dist/index.js')
let sim: Sim

beforeAll(async () => {
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} is missing: run node scripts/build.mjs health-verify first.`)
  }
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
}, 60_000)

afterAll(async () => {
  await sim.stop()
})

beforeEach(async () => {
  await sim.reset()
})

test('the bundle reports a healthy service: outputs, report file and summary', async () => {
  const base = await listenerUrl(sim.url)
  const checks = `
- name: web
  http:
    url: ${base}/health
    headers: { authorization: Bearer e2e-secret-token }
    json: [{ path: $.status, equals: ok }]
- name: service
  ecs-service: { cluster: staging, service: web }
- name: alarms
  cloudwatch-alarm: { alarms: [web-staging-5xx] }
`
  const result = await runAction({
    action: 'health-verify',
    inputs: { checks, interval: '100ms', timeout: '20s', 'consecutive-successes': '2' },
    simUrl: sim.url
  })
  try {
    expect(result.stderr).not.toMatch(/Error:/)
    expect(result.exitCode).toBe(0)
    expect(result.outputs.healthy).toBe('true')
    expect(result.outputs['failed-checks']).toBe('[]')
    expect(Number(result.outputs['p95-ms'])).toBeGreaterThan(0)
    expect(result.outputs['error-rate']).toBe('0')
    const report = JSON.parse(readFileSync(result.outputs.report ?? '', 'utf8')) as {
      healthy: boolean
      samples: { check: string }[]
    }
    expect(report.healthy).toBe(true)
    expect(new Set(report.samples.map(s => s.check))).toEqual(new Set(['web', 'service', 'alarms']))
    expect(result.summary).toContain('✅ HEALTHY: 3 of 3 checks passed (verify)')
    expect(result.summary).not.toContain('e2e-secret-token')
    expect(result.stdout).toContain('::add-mask::Bearer e2e-secret-token')
    expect(result.stdout.split('\n').filter(l => l.includes('e2e-secret-token'))).toHaveLength(1)
  } finally {
    if (result.outputs.report) rmSync(dirname(result.outputs.report), { recursive: true })
  }
}, 60_000)

test('the bundle fails the step for an unhealthy service and says why', async () => {
  const base = await listenerUrl(sim.url)
  const result = await runAction({
    action: 'health-verify',
    inputs: {
      url: `${base}/health`,
      'expect-status': '204',
      interval: '200ms',
      timeout: '1s'
    },
    simUrl: sim.url
  })
  try {
    expect(result.exitCode).toBe(1)
    expect(result.outputs.healthy).toBe('false')
    expect(result.outputs['failed-checks']).toBe('["http"]')
    expect(result.stdout).toContain('::error title=Health check http failed::')
    expect(result.stdout).toContain('health-verify failed: UNHEALTHY: http did not pass')
    expect(result.summary).toContain('❌ UNHEALTHY: 0 of 1 checks passed (verify)')
    expect(result.summary).toContain('<details>')
    expect(result.summary).toContain('expected status 204, got 200')
  } finally {
    if (result.outputs.report) rmSync(dirname(result.outputs.report), { recursive: true })
  }
}, 60_000)

test('the bundle refuses bad input before any AWS request', async () => {
  const result = await runAction({
    action: 'health-verify',
    inputs: {
      checks: '- name: service\n  ecs-service: { cluster: staging, service: web, region: x }'
    },
    simUrl: sim.url
  })
  expect(result.exitCode).toBe(1)
  expect(result.stdout).toContain(
    "::error title=Configuration error::health-verify failed: Input 'checks' (line 2, field '[0].ecs-service.region'): unknown key 'region'. Check its spelling against the schema."
  )
  expect(sim.calls()).toEqual([])
  expect(result.outputs).toEqual({})
}, 60_000)

test('the bundle says every 30 s of its clock what it waits for, even when nothing changes', async () => {
  const base = await listenerUrl(sim.url)
  // The action's clock runs 120 times faster (as in a rehearsal): a 2-minute wait in about 1 s.
  const result = await runAction({
    action: 'health-verify',
    inputs: { url: `${base}/health`, 'expect-status': '204', interval: '10s', timeout: '2m' },
    simUrl: sim.url,
    env: { FARGATE_PROMOTE_SIM_CLOCK: `${Date.now()},120` }
  })
  try {
    expect(result.exitCode).toBe(1)
    const beats = result.stdout
      .split('\n')
      .filter(line => line.startsWith('Waiting for 1 health check to pass: '))
    expect(beats.length).toBeGreaterThanOrEqual(3)
    for (const beat of beats) {
      expect(beat).toMatch(
        /: \d+[ms]( \d+s)? elapsed, .+ left — http: 0 of \d+ rounds passed, 0\/3 in a row$/
      )
    }
  } finally {
    if (result.outputs.report) rmSync(dirname(result.outputs.report), { recursive: true })
  }
}, 60_000)

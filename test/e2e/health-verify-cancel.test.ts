/**
 * Cancellation of the real bundle, actions/health-verify/dist/index.js: a monitor run against a
 * healthy service gets SIGINT after 3 s, as the runner sends it on cancel, and must report the
 * partial run and exit well before the runner escalates to SIGTERM 7.5 s later.
 * Build it first: node scripts/build.mjs health-verify
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { listenerUrl } from '../support/sim-listener.js'
import { repoRoot, runAction } from './run-action.js'

const bundle = join(repoRoot, 'actions/health-verify/dist/index.js')
// 3 s: a loaded machine took 1.3 s to start the bundle, and the run must sample a few rounds.
const CANCEL_AFTER_MS = 3_000
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

test('SIGINT mid-monitor: the bundle reports the partial run and exits long before SIGTERM', async () => {
  const base = await listenerUrl(sim.url)
  const checks = `
- name: web
  http: { url: '${base}/health', timeout: 30s }
- name: service
  ecs-service: { cluster: staging, service: web }
`
  const result = await runAction({
    action: 'health-verify',
    inputs: { checks, mode: 'monitor', duration: '10m', interval: '200ms' },
    simUrl: sim.url,
    cancelAfterMs: CANCEL_AFTER_MS,
    timeoutMs: 30_000
  })
  try {
    // durationMs runs from just before the spawn, so this over-estimates SIGINT → exit a little.
    const exitAfterSigintMs = result.durationMs - CANCEL_AFTER_MS
    console.log(`health-verify exited ${exitAfterSigintMs} ms after SIGINT`)
    expect(exitAfterSigintMs).toBeLessThan(3_000)
    // It exited by itself with a failure: no SIGTERM was needed, no signal killed it.
    expect(result.signal).toBeNull()
    expect(result.exitCode).toBe(1)

    expect(result.outputs.healthy).toBe('false')
    expect(result.outputs['failed-checks']).toBe('[]')
    expect(Number(result.outputs['p50-ms'])).toBeGreaterThan(0)
    expect(result.outputs['error-rate']).toBe('0')
    const report = JSON.parse(readFileSync(result.outputs.report ?? '', 'utf8')) as {
      healthy: boolean
      cancelled: boolean
      reason: string
      samples: { check: string }[]
    }
    expect(report).toMatchObject({ healthy: false, cancelled: true })
    // Under a second when the bundle started slowly on a loaded machine: '(705ms)'.
    expect(report.reason).toMatch(/^cancelled after \d+ rounds \(\d+m?s\): web passed \d+ of \d+/)
    // The run sampled from its start-up to the signal, 3 s after the spawn: rounds of each check.
    for (const name of ['web', 'service']) {
      expect(report.samples.filter(s => s.check === name).length).toBeGreaterThanOrEqual(2)
    }

    expect(result.summary).toContain(
      '⏹️ CANCELLED: no verdict, 0 of 2 checks passed before the run was cancelled (monitor)'
    )
    expect(result.summary).toContain(`Reason: ${report.reason}`)
    expect(result.summary).toMatch(/<td>web<\/td><td>[▁▂▃▄▅▆▇█]+<\/td>/)
    expect(result.stdout).toContain('Cancelled: no new round starts')
    expect(result.stdout).toContain('::error title=Cancelled::health-verify was cancelled after ')
    expect(result.stdout).toContain(
      '::error::health-verify failed: cancelled before every check reached a verdict'
    )
  } finally {
    if (result.outputs.report) rmSync(dirname(result.outputs.report), { recursive: true })
  }
}, 60_000)

/**
 * `fargate-promote verify`, `gate` and `rollback` end to end against the sim, in-process as the
 * bin runs them: verify probes the sim's load-balancer listener, the gate refuses and approves
 * on staging's real state and GitHub records, rollback puts the previous revision back.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '@fargate-promote/sim'
import { listenerUrl } from '../support/sim-listener.js'
import { repoRoot } from './run-action.js'
import { RAW_CONTROL, SIM_CONFIG, runCli, simEnv } from './cli-support.js'

let sim: Sim
let ecs: ECSClient
let app: string

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
  ecs = new ECSClient({
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
}, 60_000)

afterAll(async () => {
  ecs.destroy()
  await sim.stop()
})

beforeEach(async () => {
  await sim.reset()
  app = mkdtempSync(join(tmpdir(), 'fp-cli-release-'))
  mkdirSync(join(app, '.github'))
  writeFileSync(join(app, '.github/fargate-promote.yml'), SIM_CONFIG)
})

afterEach(() => rmSync(app, { recursive: true, force: true }))

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { env: simEnv(sim.url, env), cwd: app })

async function liveRevision(): Promise<string> {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })
  )
  return services?.[0]?.taskDefinition ?? ''
}

const deploy = (version: string) =>
  cli([
    'deploy',
    '--environment',
    'staging',
    '--image',
    `registry.example.com/shop/web:${version}`,
    '--version',
    version,
    '--poll-interval',
    '100ms'
  ])

describe('verify', () => {
  test('checks the sim listener and the ECS service until they pass; secrets never shown', async () => {
    const base = await listenerUrl(sim.url)
    writeFileSync(
      join(app, 'checks.yml'),
      [
        '- name: web',
        '  http:',
        `    url: ${base}/health`,
        '    headers: { authorization: Bearer e2e-secret-token }',
        '- name: service',
        '  ecs-service: { cluster: staging, service: web }'
      ].join('\n')
    )
    const result = await cli([
      'verify',
      '--checks',
      'checks.yml',
      '--interval',
      '100ms',
      '--consecutive-successes',
      '2'
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^web\s+http\s+passed\s+2\/2/m)
    expect(result.stdout).toMatch(/^service\s+ecs-service\s+passed/m)
    expect(result.stdout).toContain('HEALTHY: all 2 checks passed.')
    expect(result.stdout + result.stderr).not.toContain('e2e-secret-token')
    expect(result.stderr).not.toMatch(RAW_CONTROL)
  }, 60_000)

  test('an unhealthy URL: exit 1 and the outputs of health-verify with --json', async () => {
    const base = await listenerUrl(sim.url)
    const args = [
      'verify',
      '--url',
      `${base}/health`,
      '--body-contains',
      'never-in-the-body',
      '--interval',
      '100ms',
      '--timeout',
      '1s'
    ]
    const result = await cli(['--json', ...args])
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      healthy: false,
      'failed-checks': ['http'],
      details: { mode: 'verify', failure: expect.stringMatching(/^UNHEALTHY: /) }
    })
    const lenient = await cli([...args, '--no-fail-on-unhealthy'])
    expect(lenient.code).toBe(0)
    expect(lenient.stdout).toContain('UNHEALTHY (--no-fail-on-unhealthy: exit 0)')
  }, 60_000)
})

describe('gate', () => {
  test('refuses a candidate staging does not run: exit 5, recorded as the check run', async () => {
    const result = await cli(['gate', '--version', '9.9.9', '--min-soak', '0s'])
    expect(result.code).toBe(5)
    expect(result.stdout).toMatch(/^identity \(web\)\s+web\s+failed\s/m)
    expect(result.stdout).toMatch(/^BLOCKED: blocked by identity \(web\)/m)
    expect(result.stdout).toMatch(/Recorded as the staging-gate check run \d+ on the commit\./)
    const json = await cli(['gate', '--json', '--version', '9.9.9', '--min-soak', '0s'])
    expect(json.code).toBe(5)
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      approved: false,
      version: '9.9.9',
      emergency: false,
      details: { verdict: { mode: 'blocked' } }
    })
  }, 60_000)

  test('approves the release staging runs, deployed and recorded from main', async () => {
    expect((await deploy('1.1.0')).code).toBe(0)
    const result = await cli(['gate', '--version', '1.1.0', '--min-soak', '0s'])
    expect(result.stdout).toContain('APPROVED: the release may go to production.')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^ {2}web: registry\.example\.com\/shop\/web@sha256:[0-9a-f]{64}$/m
    )
  }, 90_000)
})

describe('rollback', () => {
  test('puts the revision live before the deploy back, and records it', async () => {
    const first = await liveRevision()
    expect((await deploy('1.1.0')).code).toBe(0)
    const result = await cli([
      '--json',
      'rollback',
      '--environment',
      'staging',
      '--reason',
      'errors after 1.1.0',
      '--poll-interval',
      '100ms'
    ])
    expect(result.code).toBe(0)
    expect(await liveRevision()).toBe(first)
    const document = JSON.parse(result.stdout)
    expect(document).toMatchObject({
      ok: true,
      status: 'rolled-back',
      'task-definition-arn': first,
      'from-task-definition-arn': expect.stringMatching(/web:2$/),
      version: '1.0.0',
      healthy: '',
      'github-deployment-id': expect.any(Number),
      details: { reason: 'errors after 1.1.0', to: 'previous' }
    })
  }, 90_000)

  test('without a token it still rolls back and says nothing was recorded', async () => {
    expect((await deploy('1.1.0')).code).toBe(0)
    const result = await cli(['rollback', '--environment', 'staging', '--poll-interval', '100ms'], {
      GH_TOKEN: '',
      GITHUB_TOKEN: ''
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^web\s+rolled-back\s+web:2\s+web:1\s+1\.0\.0/m)
    expect(result.stdout).toContain(
      'Nothing was recorded on GitHub: no token (set GH_TOKEN or GITHUB_TOKEN).'
    )
  }, 90_000)
})

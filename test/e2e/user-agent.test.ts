/**
 * Every AWS request of a bundle run names this project and its version in its User-Agent, so
 * CloudTrail can tell our calls apart: `fargate-promote/<version> action/<name>`. The sim logs
 * each call's User-Agent. Build the bundles first: node scripts/build.mjs (the CLI runs in-process).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { runCli, simEnv } from './cli-support.js'
import { repoRoot, runAction } from './run-action.js'

const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string
}
let sim: Sim

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
}, 60_000)

afterAll(async () => {
  await sim.stop()
})

beforeEach(async () => {
  await sim.reset()
})

/** The User-Agents of the AWS calls the run made, one per distinct value. */
function awsUserAgents(): string[] {
  const calls = sim.calls().filter(call => call.service !== 'github')
  expect(calls.length).toBeGreaterThan(0)
  return [...new Set(calls.map(call => call.userAgent ?? '(none)'))]
}

const ours = (frontEnd: string) =>
  new RegExp(`^aws-sdk-js/\\S+ .* fargate-promote/${version.replace(/\./g, '\\.')} ${frontEnd}$`)

test('deploy-fargate: every AWS call names fargate-promote/<version> and the action', async () => {
  const run = await runAction({
    action: 'deploy-fargate',
    inputs: {
      cluster: 'staging',
      service: 'web',
      images: 'web=registry.example.com/shop/web:1.1.0',
      'poll-interval': '100ms',
      timeout: '2m'
    },
    simUrl: sim.url
  })
  expect(run.exitCode).toBe(0)
  const agents = awsUserAgents()
  expect(agents.length).toBeGreaterThan(0)
  for (const agent of agents) expect(agent).toMatch(ours('action/deploy-fargate'))
  const services = new Set(sim.calls().map(call => call.service))
  expect(services).toEqual(new Set(['ecs', 'elbv2']))
}, 60_000)

test('health-verify: the ECS, ELB and CloudWatch calls of its checks name it too', async () => {
  const checks = `
- name: service
  ecs-service: { cluster: staging, service: web }
- name: alarms
  cloudwatch-alarm: { alarms: [web-staging-5xx] }
`
  const run = await runAction({
    action: 'health-verify',
    inputs: { checks, interval: '100ms', timeout: '20s', 'consecutive-successes': '1' },
    simUrl: sim.url
  })
  if (run.outputs.report) rmSync(dirname(run.outputs.report), { recursive: true })
  expect(run.exitCode).toBe(0)
  for (const agent of awsUserAgents()) expect(agent).toMatch(ours('action/health-verify'))
  const services = new Set(sim.calls().map(call => call.service))
  expect(services).toEqual(new Set(['ecs', 'elbv2', 'cloudwatch']))
}, 60_000)

test('the CLI: every AWS call names fargate-promote/<version> cli', async () => {
  const app = mkdtempSync(join(tmpdir(), 'fp-user-agent-'))
  try {
    writeFileSync(
      join(app, 'checks.yml'),
      '- name: service\n  ecs-service: { cluster: staging, service: web }\n'
    )
    const args = ['verify', '--checks', 'checks.yml', '--interval', '100ms']
    const result = await runCli(args, { env: simEnv(sim.url), cwd: app })
    expect(result.code).toBe(0)
    for (const agent of awsUserAgents()) expect(agent).toMatch(ours('cli'))
  } finally {
    rmSync(app, { recursive: true, force: true })
  }
}, 60_000)

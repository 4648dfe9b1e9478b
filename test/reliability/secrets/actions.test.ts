/**
 * Canary secrets through the four committed action bundles (actions/<name>/dist), run as the
 * runner runs them against the sim, in passing and failing paths. Each run's log as the runner
 * shows it (masks applied), stderr, outputs, state, summary, report files and the sim's GitHub
 * and ECS records must hold no canary in any encoding; and every token and header value the
 * step was given must have been registered with the runner's masker.
 *
 * One sim for the file; the runs build on each other (deploy, gate, roll back), so they run in
 * the order written.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { runAction, type ActionRun } from '../../e2e/run-action.js'
import { basic, findLeaks, makeCanaries, maskedValues, type Purpose } from './canaries.js'
import { simRecords, stepTexts, takeFiles } from './evidence.js'
import {
  createWorkspace,
  scenario,
  startEndpoint,
  type Endpoint,
  type Workspace
} from './fixtures.js'

const canaries = makeCanaries()
const runnerTemp = mkdtempSync(join(tmpdir(), 'secrets-runner-temp-'))
let sim: Sim
let endpoint: Endpoint
let workspace: Workspace

beforeAll(async () => {
  sim = await startSim({ scenario: scenario(canaries), timeScale: 40 })
  endpoint = await startEndpoint()
  workspace = createWorkspace(canaries, endpoint.url)
}, 60_000)

afterAll(async () => {
  await endpoint?.stop()
  await sim?.stop()
  workspace?.remove()
  rmSync(runnerTemp, { recursive: true, force: true })
})

const FAST = { 'poll-interval': '100ms', timeout: '2m' }

async function step(
  action: string,
  inputs: Record<string, string>,
  extra: { entry?: string; state?: Record<string, string> } = {}
): Promise<{ run: ActionRun; texts: Record<string, string> }> {
  const run = await runAction({
    action,
    inputs,
    simUrl: sim.url,
    env: { GITHUB_WORKSPACE: workspace.root, RUNNER_TEMP: runnerTemp },
    timeoutMs: 60_000,
    ...extra
  })
  const label = `${action}${extra.entry === undefined ? '' : ' post'}`
  return { run, texts: { ...stepTexts(label, run), ...takeFiles(runnerTemp), ...simRecords(sim) } }
}

/** No canary anywhere; the values the step was given were registered with the masker. */
function expectNoLeaks(
  { run, texts }: { run: ActionRun; texts: Record<string, string> },
  masked: Purpose[]
): void {
  expect(findLeaks(texts, canaries)).toEqual([])
  const registered = maskedValues(run.stdout)
  // A basic-auth password is given (and masked) as the header's base64 of user:password.
  const given = (purpose: Purpose) => [canaries[purpose], basic(canaries[purpose])]
  const missing = masked.filter(
    purpose => !registered.some(value => given(purpose).some(form => value.includes(form)))
  )
  expect(missing).toEqual([])
}

const CHECK_SECRETS: Purpose[] = ['bearer', 'basic-password', 'url-password', 'command-env']

describe('deploy-fargate', () => {
  const deploy = (inputs: Record<string, string>) =>
    step('deploy-fargate', {
      ...FAST,
      environment: 'staging',
      'task-definition': 'td.json',
      'environment-variables': `web.CACHE_PASSWORD=${canaries['env-input']}`,
      'github-token': canaries['github-token'],
      ...inputs
    })

  test('a dry run: the diff names the variables, never their values', async () => {
    const result = await deploy({
      images: 'web=registry.example.com/shop/web:1.1.0',
      'dry-run': 'true'
    })
    expect(result.run.exitCode).toBe(0)
    expect(result.run.stdout).toMatch(/environment added .*CACHE_PASSWORD/)
    expectNoLeaks(result, ['github-token', 'env-input'])
  }, 60_000)

  test('a failed rollout (-crash), rolled back', async () => {
    const result = await deploy({ images: 'web=registry.example.com/shop/web:2.0.0-crash' })
    expect(result.run.outputs.status).toBe('rolled-back')
    expectNoLeaks(result, ['github-token', 'env-input'])
  }, 60_000)

  test('a successful rollout, and its post step', async () => {
    const result = await deploy({
      images: 'web=registry.example.com/shop/web:1.1.0',
      version: '1.1.0'
    })
    expect(result.run.outputs.status).toBe('succeeded')
    expectNoLeaks(result, ['github-token', 'env-input'])
    const post = await step(
      'deploy-fargate',
      {},
      { entry: 'dist/post/index.js', state: result.run.state }
    )
    expect(post.run.exitCode).toBe(0)
    expectNoLeaks(post, [])
  }, 60_000)
})

describe('health-verify', () => {
  const verify = (inputs: Record<string, string>) =>
    step('health-verify', { interval: '100ms', 'consecutive-successes': '1', ...inputs })

  test('passing checks with a bearer header, basic auth, a URL password and a command', async () => {
    const result = await verify({ checks: 'checks-pass.yml', timeout: '10s' })
    expect(result.run.outputs.healthy).toBe('true')
    expectNoLeaks(result, CHECK_SECRETS)
  }, 60_000)

  test('failing checks whose endpoint echoes the request back', async () => {
    const result = await verify({ checks: 'checks-fail.yml', timeout: '1s' })
    expect(result.run.outputs.healthy).toBe('false')
    expectNoLeaks(result, CHECK_SECRETS)
  }, 60_000)

  test("the config file's checks and URL", async () => {
    const result = await verify({ environment: 'staging', timeout: '10s' })
    expect(result.run.outputs.healthy).toBe('true')
    expectNoLeaks(result, ['config-bearer', 'config-url-password'])
  }, 60_000)
})

describe('staging-gate', () => {
  const gate = (inputs: Record<string, string>) =>
    step('staging-gate', {
      service: 'web',
      'min-soak': '0s',
      'checks-timeout': '10s',
      'github-token': canaries['github-token'],
      ...inputs
    })

  test('passes', async () => {
    const result = await gate({ version: '1.1.0', checks: 'checks-pass.yml' })
    expect(result.run.outputs.approved).toBe('true')
    expectNoLeaks(result, ['github-token', ...CHECK_SECRETS])
  }, 60_000)

  test('fails', async () => {
    const result = await gate({
      version: '1.1.0',
      checks: 'checks-fail.yml',
      'checks-timeout': '1s'
    })
    expect(result.run.exitCode).toBe(1)
    expectNoLeaks(result, ['github-token', ...CHECK_SECRETS])
  }, 60_000)
})

describe('rollback', () => {
  const rollback = (inputs: Record<string, string>) =>
    step('rollback', {
      ...FAST,
      environment: 'staging',
      reason: 'canary release misbehaves',
      'github-token': canaries['github-token'],
      'checks-interval': '100ms',
      ...inputs
    })

  test('rolls back, its checks failing', async () => {
    const result = await rollback({ checks: 'checks-fail.yml', 'checks-timeout': '1s' })
    expect(result.run.outputs.status).toBe('rolled-back')
    expect(result.run.outputs.healthy).toBe('false')
    expectNoLeaks(result, ['github-token', ...CHECK_SECRETS])
  }, 60_000)

  test('rolls back again, its checks passing', async () => {
    const result = await rollback({ checks: 'checks-pass.yml', 'checks-timeout': '10s' })
    expect(result.run.outputs.healthy).toBe('true')
    expectNoLeaks(result, ['github-token', ...CHECK_SECRETS])
  }, 60_000)
})

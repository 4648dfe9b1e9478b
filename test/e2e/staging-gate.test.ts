/**
 * The real bundle (actions/staging-gate/dist/index.js) run as the runner runs it — a child
 * `node` process with INPUT_* variables and file commands — against the simulator. Asserts the
 * exit code, the outputs, the summary, the report file and the check run written in the sim.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot, runAction } from './run-action.js'

const SHA = '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f'
const TOKEN = 'ghs_e2egatetoken'

let sim: Sim
const runnerTemp = mkdtempSync(join(tmpdir(), 'staging-gate-e2e-'))

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
}, 60_000)

afterAll(async () => {
  await sim.stop()
  rmSync(runnerTemp, { recursive: true, force: true })
})

beforeEach(async () => {
  await sim.reset()
})

interface CheckRun {
  name: string
  headSha: string
  conclusion: string
  output: { title: string; summary: string }
  annotations: { annotation_level: string; title: string; message: string }[]
}

function checkRuns(): CheckRun[] {
  const dump = sim.world.github.dump() as { repositories: { checkRuns: CheckRun[] }[] }
  return dump.repositories.flatMap(repo => repo.checkRuns)
}

function gate(inputs: Record<string, string>) {
  return runAction({
    action: 'staging-gate',
    inputs: { cluster: 'staging', service: 'web', 'checks-timeout': '5s', ...inputs },
    simUrl: sim.url,
    env: { RUNNER_TEMP: runnerTemp },
    timeoutMs: 60_000
  })
}

describe('staging-gate bundle', () => {
  test('approves what staging runs and writes a successful check run on the commit', async () => {
    const result = await gate({
      version: '1.0.0',
      'min-soak': '0s',
      alarms: 'web-staging-5xx',
      'require-github-deployment': 'false',
      'github-token': TOKEN
    })
    expect(result.stderr).not.toContain('Error')
    expect(result.exitCode).toBe(0)
    const { outputs } = result
    expect(outputs.approved).toBe('true')
    expect(outputs.image).toMatch(/^registry\.example\.com\/shop\/web@sha256:[0-9a-f]{64}$/)
    expect(JSON.parse(outputs.images ?? '{}')).toEqual({ web: outputs.image })
    expect(outputs['task-definition-arn']).toMatch(/task-definition\/web:1$/)
    expect(outputs.version).toBe('1.0.0')
    expect(outputs.emergency).toBe('false')
    expect(outputs.report?.startsWith(runnerTemp)).toBe(true)
    const report = JSON.parse(readFileSync(outputs.report ?? '', 'utf8')) as { mode: string }
    expect(report.mode).toBe('approved')

    expect(result.summary).toContain('APPROVED: 1.0.0 may go to production')
    expect(result.summary).toContain('Running on staging')
    expect(result.summary).toContain(outputs.image)
    expect(result.stdout).toContain(`::add-mask::${TOKEN}`)

    const runs = checkRuns()
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ name: 'staging-gate', headSha: SHA, conclusion: 'success' })
    expect(outputs['check-run-id']).toMatch(/^\d+$/)
  }, 90_000)

  test('blocks a version staging does not run, fails the step and records the failure', async () => {
    const result = await gate({ version: '9.9.9', 'min-soak': '0s', 'github-token': TOKEN })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.approved).toBe('false')
    expect(result.outputs.images).toBe('{}')
    expect(result.outputs.image).toBeUndefined()
    expect(result.stdout).toMatch(
      /::error::staging-gate failed: blocked by identity \(web\) \(staging runs web:1 .*version differ\); github deployment \(no commit SHA to look up/
    )
    // Without staging running 9.9.9 there is no commit to look up, nor to find on main.
    expect(result.summary).toContain('BLOCKED: 3 of 5 checks failed for 9.9.9')
    expect(result.summary).toContain('What to do next')
    expect(result.summary).toContain('Deploy version 9.9.9 to staging')

    const [run] = checkRuns()
    expect(run).toMatchObject({ name: 'staging-gate', headSha: SHA, conclusion: 'failure' })
    expect(run?.output.title).toBe('Blocked: 3 of 5 checks failed for 9.9.9')
    expect(run?.annotations.map(a => [a.annotation_level, a.title])).toEqual([
      ['failure', 'staging gate: identity (web)'],
      ['failure', 'staging gate: github deployment'],
      ['failure', 'staging gate: protected branch']
    ])
  }, 90_000)

  test('a release built from a commit that is not on main is blocked, even under an emergency bypass', async () => {
    const feature = 'feed'.repeat(10)
    const seeded = await fetch(`${sim.url}/_sim/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        repositories: [{ name: 'acme/shop', branches: { 'feature/x': [SHA, feature] } }]
      })
    })
    expect(seeded.status).toBe(200)
    const deployed = await runAction({
      action: 'deploy-fargate',
      inputs: {
        cluster: 'staging',
        service: 'web',
        images: 'web=registry.example.com/shop/web:1.1.0',
        version: '1.1.0',
        'poll-interval': '100ms'
      },
      simUrl: sim.url,
      env: { GITHUB_SHA: feature, GITHUB_REF: 'refs/heads/feature/x' },
      timeoutMs: 90_000
    })
    expect(deployed.exitCode).toBe(0)

    const result = await gate({
      version: '1.1.0',
      'min-soak': '0s',
      'require-github-deployment': 'false',
      emergency: 'true',
      'emergency-reason': 'INC-7',
      'github-token': TOKEN
    })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.approved).toBe('false')
    expect(result.stdout).toContain(
      `::error::staging-gate failed: blocked by protected branch (${feature.slice(0, 12)} is not on main (GitHub compares them as behind))`
    )
    expect(result.stdout).toContain(
      'The emergency bypass does not skip the protected-branch check.'
    )
    const [run] = checkRuns()
    expect(run).toMatchObject({ name: 'staging-gate', conclusion: 'failure' })
  }, 120_000)
})

/**
 * Command checks in the real bundle, actions/health-verify/dist/index.js: the application's own
 * test run as a child process of the action, its exit code deciding, the end of its output in
 * the report with secrets masked, and the process (and what it started) ended on a timeout or a
 * cancellation. Build it first: node scripts/build.mjs health-verify
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { listenerUrl } from '../support/sim-listener.js'
import { useTempDir } from '../support/temp-dir.js'
import { repoRoot, runAction, type ActionRun } from './run-action.js'

const bundle = join(repoRoot, 'actions/health-verify/dist/index.js')
const tempDir = useTempDir('hv-command-')
let sim: Sim

interface Report {
  healthy: boolean
  cancelled: boolean
  reason?: string
  checks: { name: string; ok: boolean; attempts: number; lastDetail: string; lastOutput?: string }[]
}

beforeAll(async () => {
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} is missing: run node scripts/build.mjs health-verify first.`)
  }
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
}, 60_000)

afterAll(async () => {
  await sim.stop()
})

function reportOf(result: ActionRun): Report {
  return JSON.parse(readFileSync(result.outputs.report ?? '', 'utf8')) as Report
}

function removeReport(result: ActionRun): void {
  if (result.outputs.report) rmSync(dirname(result.outputs.report), { recursive: true })
}

/** The pids a command wrote to a file, one a line. */
function pidsIn(file: string): number[] {
  return readFileSync(file, 'utf8').trim().split('\n').map(Number)
}

/** Still running: a zombie (ended, waiting for its new parent to reap it) is not. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return true
  }
}

test('a passing command passes the run in one round, in the workspace', async () => {
  const checks = `
- name: integration
  command:
    run: |
      test -f package.json
      echo "checked $SMOKE_LEVEL"
    env: { SMOKE_LEVEL: basic }
`
  const result = await runAction({
    action: 'health-verify',
    inputs: { checks, interval: '100ms', timeout: '20s', 'consecutive-successes': '3' },
    simUrl: sim.url
  })
  try {
    expect(result.stderr).not.toMatch(/Error:/)
    expect(result.exitCode).toBe(0)
    expect(result.outputs.healthy).toBe('true')
    expect(reportOf(result).checks).toEqual([
      expect.objectContaining({
        name: 'integration',
        ok: true,
        attempts: 1,
        lastOutput: 'checked basic'
      })
    ])
    expect(result.summary).toContain('✅ HEALTHY: 1 of 1 checks passed (verify)')
    expect(sim.calls()).toEqual([])
  } finally {
    removeReport(result)
  }
}, 60_000)

test("the application's own test runs against the environment: its URL, version and name in its environment", async () => {
  const url = await listenerUrl(sim.url)
  // A smoke test as an application would write it: request the deployed service, fail on non-2xx.
  const smoke =
    "fetch(process.env.FARGATE_PROMOTE_URL + '/health').then(r => { console.log(process.env.FARGATE_PROMOTE_ENVIRONMENT, process.env.FARGATE_PROMOTE_VERSION, r.status); process.exit(r.ok ? 0 : 1) })"
  const checks = `
- name: smoke
  command:
    run: node -e "$SMOKE"
    env: { SMOKE: ${JSON.stringify(smoke)} }
`
  const result = await runAction({
    action: 'health-verify',
    inputs: {
      checks,
      environment: 'staging',
      'environment-url': url,
      version: '1.0.0',
      interval: '100ms',
      timeout: '20s'
    },
    simUrl: sim.url
  })
  try {
    expect(result.exitCode).toBe(0)
    expect(reportOf(result).checks).toEqual([
      expect.objectContaining({ name: 'smoke', ok: true, lastOutput: 'staging 1.0.0 200' })
    ])
    // The sim's load balancer answered 200 from a staging task; no AWS API was called.
    expect(sim.calls()).toEqual([])
  } finally {
    removeReport(result)
  }
}, 60_000)

test('a failing command fails the step with its exit code; its secret env never shows', async () => {
  const checks = `
- name: integration
  command:
    run: echo "calling with $API_TOKEN"; echo 'FAILED test_checkout' >&2; exit 3
    env: { API_TOKEN: e2e-command-secret }
`
  const result = await runAction({
    action: 'health-verify',
    inputs: { checks, interval: '200ms', timeout: '1s' },
    simUrl: sim.url
  })
  try {
    expect(result.exitCode).toBe(1)
    expect(result.outputs.healthy).toBe('false')
    expect(result.outputs['failed-checks']).toBe('["integration"]')
    const [check] = reportOf(result).checks
    expect(check?.lastDetail).toMatch(/^exited with code 3 after \d+m?s: /)
    expect(check?.lastOutput?.split('\n').sort()).toEqual([
      'FAILED test_checkout',
      'calling with ***'
    ])
    // Its exit code decides: one run, though the timeout left room for five.
    expect(check?.attempts).toBe(1)
    expect(result.stdout).toContain(
      'health-verify failed: UNHEALTHY: integration failed (1 of 1 runs allowed); last: exited with code 3'
    )
    expect(result.stdout).toContain('::add-mask::e2e-command-secret')
    const leaks = result.stdout.split('\n').filter(line => line.includes('e2e-command-secret'))
    expect(leaks).toEqual(['::add-mask::e2e-command-secret'])
    expect(readFileSync(result.outputs.report ?? '', 'utf8')).not.toContain('e2e-command-secret')
    expect(result.summary).not.toContain('e2e-command-secret')
  } finally {
    removeReport(result)
  }
}, 60_000)

test('a command past its timeout is ended with everything it started', async () => {
  const pidFile = join(tempDir(), 'pids')
  const checks = `
- name: slow
  command:
    run: sleep 60 & echo $! >> "$PID_FILE"; echo started; wait
    timeout: 500ms
    attempts: 3
    env: { PID_FILE: '${pidFile}' }
`
  const result = await runAction({
    action: 'health-verify',
    inputs: { checks, interval: '100ms', timeout: '2s' },
    simUrl: sim.url
  })
  try {
    expect(result.exitCode).toBe(1)
    expect(reportOf(result).checks[0]?.lastDetail).toBe('timed out after 500ms: started')
    const pids = pidsIn(pidFile)
    expect(pids.length).toBeGreaterThanOrEqual(2)
    expect(pids.filter(running)).toEqual([])
  } finally {
    removeReport(result)
  }
}, 60_000)

test('cancelling the step ends a running command at once', async () => {
  const pidFile = join(tempDir(), 'pids')
  const checks = `
- name: suite
  command:
    run: sleep 60 & echo $! >> "$PID_FILE"; echo started; wait
    env: { PID_FILE: '${pidFile}' }
`
  let cancelledAt = 0
  const result = await runAction({
    action: 'health-verify',
    inputs: { checks, mode: 'monitor', duration: '10m', interval: '1s' },
    simUrl: sim.url,
    onStdout: (chunk, child) => {
      if (cancelledAt === 0 && chunk.includes('suite | started')) {
        cancelledAt = Date.now()
        child.kill('SIGINT')
      }
    },
    timeoutMs: 30_000
  })
  const exitedAfterMs = Date.now() - cancelledAt
  try {
    expect(cancelledAt).toBeGreaterThan(0)
    // Well before the runner's SIGTERM (7.5 s), and not after the command's 60 s.
    expect(exitedAfterMs).toBeLessThan(5000)
    expect(result.signal).toBeNull()
    expect(result.exitCode).toBe(1)
    const report = reportOf(result)
    expect(report).toMatchObject({ healthy: false, cancelled: true })
    expect(report.reason).toMatch(/^cancelled after 0 rounds/)
    expect(pidsIn(pidFile).filter(running)).toEqual([])
  } finally {
    removeReport(result)
  }
}, 60_000)

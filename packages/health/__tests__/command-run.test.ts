import { describe, expect, it } from '@jest/globals'
import { FakeClock, MemoryLogger } from '@fargate-promote/common'
import {
  reportToJson,
  requireClients,
  runHealthChecks,
  type CommandCheckSpec,
  type CommandExit,
  type CommandRequest,
  type CommandRunner,
  type RunHealthChecksOptions
} from '../src/index.js'

const spec: CommandCheckSpec = {
  type: 'command',
  name: 'integration',
  run: 'pytest tests/integration -q',
  shell: 'bash',
  env: { API_TOKEN: 'tok-42' },
  timeoutMs: 600_000,
  attempts: 1
}

/** Plays one scripted round per run: the lines it prints and its exit code. */
class ScriptedRunner implements CommandRunner {
  readonly requests: CommandRequest[] = []

  constructor(private readonly rounds: { lines: string[]; code: number }[]) {}

  run(request: CommandRequest): Promise<CommandExit> {
    this.requests.push(request)
    const round = this.rounds.shift() ?? { lines: [], code: 0 }
    for (const line of round.lines) request.onLine(line)
    return Promise.resolve({ code: round.code, signal: null })
  }
}

function options(overrides: Partial<RunHealthChecksOptions> = {}): RunHealthChecksOptions {
  return {
    checks: [spec],
    mode: 'verify',
    timeoutMs: 60_000,
    intervalMs: 10_000,
    consecutiveSuccesses: 3,
    ...overrides
  }
}

const failing = { lines: ['E   assert 503 == 200', 'FAILED test_health (tok-42)'], code: 1 }

describe('runHealthChecks with a command check', () => {
  it('verify: with attempts a failing run is tried again; one passing round is enough, whatever consecutive-successes says', async () => {
    const runner = new ScriptedRunner([failing, { lines: ['3 passed'], code: 0 }])
    const log = new MemoryLogger()
    const report = await runHealthChecks(
      options({
        checks: [{ ...spec, attempts: 2 }],
        target: { url: 'https://staging.example.com', environment: 'staging' }
      }),
      { clock: new FakeClock(), log, commands: runner }
    )
    expect(report.healthy).toBe(true)
    expect(report.checks).toEqual([
      expect.objectContaining({
        name: 'integration',
        type: 'command',
        target: 'pytest tests/integration -q',
        ok: true,
        attempts: 2,
        passes: 1,
        lastOutput: '3 passed'
      })
    ])
    expect(runner.requests.map(request => request.env.FARGATE_PROMOTE_URL)).toEqual([
      'https://staging.example.com',
      'https://staging.example.com'
    ])
    expect(runner.requests[0]?.env.FARGATE_PROMOTE_ENVIRONMENT).toBe('staging')
    // The failing round's output is shown once, masked, below the line saying it failed.
    const info = log.lines.filter(line => line.level === 'info').map(line => line.message)
    expect(info.slice(0, 3)).toEqual([
      expect.stringMatching(
        /^✗ integration failing: exited with code 1 after \d+ms: FAILED test_health \(\*\*\*\)$/
      ),
      '    E   assert 503 == 200',
      '    FAILED test_health (***)'
    ])
    expect(info[3]).toMatch(/^✓ integration passing: exited with code 0/)
    expect(log.text()).not.toContain('tok-42')
  })

  it('verify: its exit code decides: a failing command runs once and fails the run, with its output in the report', async () => {
    const runner = new ScriptedRunner(Array.from({ length: 10 }, () => failing))
    const log = new MemoryLogger()
    const report = await runHealthChecks(options(), {
      clock: new FakeClock(),
      log,
      commands: runner
    })
    expect(report.healthy).toBe(false)
    expect(report.failedChecks).toEqual(['integration'])
    expect(report.reason).toMatch(
      /^integration failed \(1 of 1 runs allowed\); last: exited with code 1 after \d+ms: FAILED test_health \(\*\*\*\)$/
    )
    expect(report.checks[0]?.lastOutput).toBe('E   assert 503 == 200\nFAILED test_health (***)')
    expect(report.samples[0]?.output).toBe('E   assert 503 == 200\nFAILED test_health (***)')
    // Shown when it started failing, not on every round (debug lines stream every round's).
    const info = log.lines.filter(line => line.level === 'info' && line.message.includes('assert'))
    expect(info).toHaveLength(1)
    // One run only, though the timeout left room for seven.
    expect(runner.requests).toHaveLength(1)
    expect(log.lines.filter(line => line.level === 'debug')).toHaveLength(2)
    const json = reportToJson(report)
    expect(json).toContain('"lastOutput": "E   assert 503 == 200\\nFAILED test_health (***)"')
    expect(json).not.toContain('tok-42')
  })

  it('monitor: every run counts, and failures beyond the limit stop the run', async () => {
    const pass = { lines: [], code: 0 }
    const runner = new ScriptedRunner([pass, failing, pass, failing])
    const report = await runHealthChecks(
      options({ mode: 'monitor', durationMs: 60_000, failureLimit: 1 }),
      { clock: new FakeClock(), log: new MemoryLogger(), commands: runner }
    )
    expect(report.healthy).toBe(false)
    expect(report.checks[0]).toMatchObject({ attempts: 4, passes: 2, failures: 2 })
    expect(report.checks[0]).toHaveProperty('lastOutput')
    expect(report.reason).toMatch(
      /^integration failed 2 of 4 rounds, more than the failure limit 1/
    )
  })

  it('a round that printed nothing clears the output of the one before', async () => {
    const runner = new ScriptedRunner([failing, { lines: [], code: 0 }])
    const report = await runHealthChecks(options({ checks: [{ ...spec, attempts: 2 }] }), {
      clock: new FakeClock(),
      log: new MemoryLogger(),
      commands: runner
    })
    expect(report.checks[0]).not.toHaveProperty('lastOutput')
  })

  it('needs a command runner, and no AWS client', () => {
    expect(() => requireClients([spec], {})).toThrow(
      'the checks need a command runner (deps.commands: createCommandRunner), but none was given'
    )
    expect(() => requireClients([spec], { commands: new ScriptedRunner([]) })).not.toThrow()
  })
})

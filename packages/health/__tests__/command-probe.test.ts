import { describe, expect, it } from '@jest/globals'
import { tmpdir } from 'node:os'
import { FakeClock, MemoryLogger } from '@fargate-promote/common'
import {
  checkTarget,
  createCommandRunner,
  probeCommand,
  type CommandCheckSpec,
  type CommandExit,
  type CommandRequest,
  type CommandRunner
} from '../src/index.js'

function command(overrides: Partial<CommandCheckSpec> = {}): CommandCheckSpec {
  return {
    type: 'command',
    name: 'integration',
    run: 'pytest tests/integration -q',
    shell: 'bash',
    env: {},
    timeoutMs: 600_000,
    attempts: 1,
    ...overrides
  }
}

/** A runner that prints `lines` and ends as `exit` says, or waits for the abort when it is 'hang'. */
class FakeRunner implements CommandRunner {
  readonly requests: CommandRequest[] = []

  constructor(
    private readonly lines: string[],
    private readonly exit: CommandExit | 'hang' | Error
  ) {}

  async run(request: CommandRequest): Promise<CommandExit> {
    this.requests.push(request)
    for (const line of this.lines) request.onLine(line)
    if (this.exit instanceof Error) throw this.exit
    if (this.exit !== 'hang') return this.exit
    await new Promise(resolve => request.signal.addEventListener('abort', resolve))
    return { code: null, signal: 'SIGTERM' }
  }
}

const deps = (runner: CommandRunner, extra: Partial<Parameters<typeof probeCommand>[1]> = {}) => ({
  runner,
  clock: new FakeClock(),
  log: new MemoryLogger(),
  ...extra
})

describe('probeCommand', () => {
  it('runs the script with bash as GitHub does, with the run target in its environment', async () => {
    const runner = new FakeRunner(['5 passed'], { code: 0, signal: null })
    const spec = command({ env: { API_TOKEN: 't0k3n', LEVEL: 'smoke' }, workingDirectory: 'app' })
    const sample = await probeCommand(
      spec,
      deps(runner, {
        target: { url: 'https://staging.example.com', version: 'v1.4.2', environment: 'staging' }
      })
    )
    expect(sample).toMatchObject({ check: 'integration', type: 'command', ok: true })
    expect(sample.detail).toMatch(/^exited with code 0 after \d+ms$/)
    expect(sample.output).toBe('5 passed')
    const [request] = runner.requests
    expect(request).toMatchObject({
      file: 'bash',
      args: ['--noprofile', '--norc', '-eo', 'pipefail', '-c', 'pytest tests/integration -q'],
      workingDirectory: 'app',
      env: {
        API_TOKEN: 't0k3n',
        LEVEL: 'smoke',
        FARGATE_PROMOTE_URL: 'https://staging.example.com',
        FARGATE_PROMOTE_VERSION: 'v1.4.2',
        FARGATE_PROMOTE_ENVIRONMENT: 'staging'
      }
    })
  })

  it('runs sh with -e, and sets no FARGATE_PROMOTE_ variable the run does not know', async () => {
    const runner = new FakeRunner([], { code: 0, signal: null })
    const sample = await probeCommand(command({ shell: 'sh' }), deps(runner))
    expect(runner.requests[0]?.args).toEqual(['-e', '-c', 'pytest tests/integration -q'])
    expect(runner.requests[0]?.env).toEqual({})
    expect(runner.requests[0]).not.toHaveProperty('workingDirectory')
    expect(sample).not.toHaveProperty('output')
  })

  it('fails on another exit code, naming it and the last line printed', async () => {
    const lines = ['collected 12 items', 'FAILED tests/test_orders.py::test_checkout', '']
    const sample = await probeCommand(
      command(),
      deps(new FakeRunner(lines, { code: 1, signal: null }))
    )
    expect(sample.ok).toBe(false)
    expect(sample.detail).toMatch(
      /^exited with code 1 after \d+ms: FAILED tests\/test_orders\.py::test_checkout$/
    )
    expect(sample.output).toBe('collected 12 items\nFAILED tests/test_orders.py::test_checkout')
  })

  it('fails when the process was ended by a signal it did not get from us', async () => {
    const sample = await probeCommand(
      command(),
      deps(new FakeRunner([], { code: null, signal: 'SIGKILL' }))
    )
    expect(sample.detail).toMatch(/^ended by SIGKILL after/)
  })

  it('masks the values of secret-looking env names in output, detail and log', async () => {
    const spec = command({
      env: { API_TOKEN: 't0k3n-value', DB_PASSWORD: 'hunter2', REGION: 'eu' }
    })
    const log = new MemoryLogger()
    const lines = ['using t0k3n-value in eu', 'login hunter2 failed']
    const sample = await probeCommand(
      spec,
      deps(new FakeRunner(lines, { code: 2, signal: null }), { log })
    )
    expect(sample.output).toBe('using *** in eu\nlogin *** failed')
    expect(sample.detail).toContain('login *** failed')
    expect(log.text()).toBe('integration | using *** in eu\nintegration | login *** failed')
    expect(log.lines.every(line => line.level === 'debug')).toBe(true)
  })

  it("masks the runner's inherited secrets (the GitHub token, AWS keys) a test prints", async () => {
    const runner = Object.assign(
      new FakeRunner(['token ghs_fromthestep used', 'ok'], { code: 1, signal: null }),
      { secrets: ['ghs_fromthestep'] }
    )
    const sample = await probeCommand(command(), deps(runner))
    expect(sample.output).toBe('token *** used\nok')
    expect(JSON.stringify(sample)).not.toContain('ghs_fromthestep')
  })

  it('ends the command after its timeout and says so, with the last line it printed', async () => {
    const runner = new FakeRunner(['waiting for the service'], 'hang')
    const sample = await probeCommand(command({ timeoutMs: 30 }), deps(runner))
    expect(sample).toMatchObject({
      ok: false,
      detail: 'timed out after 30ms: waiting for the service'
    })
    expect(sample.output).toBe('waiting for the service')
    expect(runner.requests[0]?.signal.aborted).toBe(true)
  })

  it('ends the command on cancellation: a cancelled sample, not a failure', async () => {
    const controller = new AbortController()
    const runner = new FakeRunner(['running'], 'hang')
    const pending = probeCommand(command(), deps(runner, { signal: controller.signal }))
    controller.abort()
    await expect(pending).resolves.toMatchObject({ ok: false, cancelled: true })
    const before = await probeCommand(command(), deps(runner, { signal: controller.signal }))
    expect(before).toMatchObject({ cancelled: true, detail: 'cancelled before it started' })
    expect(runner.requests).toHaveLength(1)
  })

  it('fails when the command cannot start', async () => {
    const runner = new FakeRunner([], new Error('spawn bash ENOENT'))
    const sample = await probeCommand(command(), deps(runner))
    expect(sample).toMatchObject({
      ok: false,
      detail: 'could not run the command: spawn bash ENOENT'
    })
  })

  it('runs a real command through the process runner', async () => {
    const runner = createCommandRunner({ env: { PATH: process.env.PATH }, workspace: tmpdir() })
    const script = `"${process.execPath}" -e 'console.log(process.env.FARGATE_PROMOTE_URL); console.error("\\u001b[31mboom " + process.env.SECRET_KEY); process.exit(4)'`
    const spec = command({ shell: 'sh', run: script, env: { SECRET_KEY: 'k-123' } })
    const sample = await probeCommand(spec, deps(runner, { target: { url: 'http://app.test' } }))
    expect(sample.ok).toBe(false)
    expect(sample.detail).toMatch(/^exited with code 4 after \d+(ms|s): boom \*\*\*$/)
    expect(sample.output?.split('\n').sort()).toEqual(['boom ***', 'http://app.test'])
  })

  it('ends a real command after its timeout', async () => {
    const runner = createCommandRunner({ env: { PATH: process.env.PATH }, workspace: tmpdir() })
    const spec = command({ shell: 'sh', run: 'echo started; sleep 30', timeoutMs: 200 })
    const started = Date.now()
    const sample = await probeCommand(spec, deps(runner))
    expect(sample).toMatchObject({
      ok: false,
      detail: 'timed out after 200ms: started',
      output: 'started'
    })
    expect(Date.now() - started).toBeLessThan(5000)
  })
})

describe('checkTarget of a command check', () => {
  it('is the first line of the script, cut short, secrets masked', () => {
    expect(checkTarget(command())).toBe('pytest tests/integration -q')
    expect(checkTarget(command({ run: 'cd app\nnpm test\n' }))).toBe('cd app …')
    expect(checkTarget(command({ run: `echo ${'x'.repeat(300)}\nmore` }))).toBe(
      `echo ${'x'.repeat(195)}…`
    )
    expect(
      checkTarget(command({ run: 'curl -H "x-api-key: abc987" $URL', env: { API_KEY: 'abc987' } }))
    ).toBe('curl -H "x-api-key: ***" $URL')
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCommandRunner, type CommandRequest } from '../src/index.js'

/** Real processes: the runner's job is spawning, signalling and reading them. */
let workspace: string

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'command-runner-'))
  mkdirSync(join(workspace, 'tests'))
})

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
})

const runner = (killAfterMs?: number) =>
  createCommandRunner({
    env: { PATH: process.env.PATH, INHERITED: 'from the front end', OVERRIDDEN: 'old' },
    workspace,
    ...(killAfterMs !== undefined && { killAfterMs })
  })

function request(script: string, overrides: Partial<CommandRequest> = {}) {
  const lines: string[] = []
  const controller = new AbortController()
  const req: CommandRequest = {
    file: process.execPath,
    args: ['-e', script],
    env: {},
    signal: controller.signal,
    onLine: line => lines.push(line),
    ...overrides
  }
  return { req, lines, controller }
}

/** Whether a process still runs: a zombie (ended, not yet reaped by its new parent) does not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return true // no /proc: the signal test above is all there is
  }
}

describe('createCommandRunner', () => {
  it('runs node -e, passes on its exit code and reads stdout and stderr line by line', async () => {
    const { req, lines } = request(
      "process.stdout.write('one\\ntw'); setTimeout(() => { process.stdout.write('o\\r\\n'); console.error('three'); process.stdout.write('no end'); process.exitCode = 3 }, 20)"
    )
    await expect(runner().run(req)).resolves.toEqual({ code: 3, signal: null })
    expect(lines.sort()).toEqual(['no end', 'one', 'three', 'two'])
  })

  it('inherits the environment it was given, with the request’s variables on top', async () => {
    const { req, lines } = request(
      'console.log([process.env.INHERITED, process.env.OVERRIDDEN, process.env.ADDED, process.env.HOME ?? "no HOME"].join("|"))',
      { env: { OVERRIDDEN: 'new', ADDED: 'yes' } }
    )
    await runner().run(req)
    expect(lines).toEqual(['from the front end|new|yes|no HOME'])
  })

  it("never hands the action's inputs or the runner's tokens to the command, and masks secret-looking values", async () => {
    const withTokens = createCommandRunner({
      env: {
        PATH: process.env.PATH,
        'INPUT_GITHUB-TOKEN': 'ghs_inputtoken1234',
        INPUT_CLUSTER: 'staging',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
        ACTIONS_RUNTIME_TOKEN: 'runtime-token',
        AWS_SECRET_ACCESS_KEY: 'aws-secret-value',
        APP_MODE: 'smoke'
      },
      workspace
    })
    const { req, lines } = request(
      'console.log(Object.keys(process.env).filter(k => /^(INPUT_|ACTIONS_|AWS_|APP_)/.test(k)).sort().join(","))'
    )
    await withTokens.run(req)
    expect(lines).toEqual(['APP_MODE,AWS_SECRET_ACCESS_KEY'])
    expect([...(withTokens.secrets ?? [])].sort()).toEqual([
      'aws-secret-value',
      'ghs_inputtoken1234',
      'oidc-request-token',
      'runtime-token'
    ])
  })

  it('runs in the workspace, or a directory inside it', async () => {
    const cwd = request('console.log(process.cwd())')
    await runner().run(cwd.req)
    expect(cwd.lines).toEqual([workspace])
    const inside = request('console.log(process.cwd())', { workingDirectory: 'tests' })
    await runner().run(inside.req)
    expect(inside.lines).toEqual([join(workspace, 'tests')])
  })

  it('refuses a working directory that does not exist, and a program that does not', async () => {
    const { req } = request('', { workingDirectory: 'nope' })
    await expect(runner().run(req)).rejects.toThrow("the working directory 'nope' does not exist")
    const missing = request('', { file: 'no-such-program-here', args: [] })
    await expect(runner().run(missing.req)).rejects.toThrow(/ENOENT/)
  })

  it('cuts a line without end into pieces instead of buffering it whole', async () => {
    const { req, lines } = request("process.stdout.write('x'.repeat(40000))")
    await runner().run(req)
    expect(lines.map(line => line.length)).toEqual([16384, 16384, 7232])
  })

  it('ends the command and what it started on abort, with SIGTERM', async () => {
    const pidFile = join(workspace, 'grandchild.pid')
    const { req, controller } = request('', {
      file: 'sh',
      args: ['-c', `sleep 30 & echo $! > ${pidFile}; echo started; wait`],
      onLine: () => controller.abort()
    })
    const started = Date.now()
    await expect(runner().run(req)).resolves.toEqual({ code: null, signal: 'SIGTERM' })
    expect(Date.now() - started).toBeLessThan(5000)
    const grandchild = Number(readFileSync(pidFile, 'utf8'))
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(alive(grandchild)).toBe(false)
  })

  it('kills a command that ignores SIGTERM after the grace time', async () => {
    const { req, controller } = request(
      "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000)",
      { onLine: line => (line === 'ready' ? controller.abort() : undefined) }
    )
    const started = Date.now()
    await expect(runner(300).run(req)).resolves.toEqual({ code: null, signal: 'SIGKILL' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
  })

  it('ends at once when the request is already aborted', async () => {
    const { req, controller } = request('setTimeout(() => {}, 30000)')
    controller.abort()
    await expect(runner().run(req)).resolves.toMatchObject({ code: null })
  })

  it('does not wait for a process left in the background holding the output open', async () => {
    const { req, lines } = request('', {
      file: 'sh',
      args: ['-c', 'echo before; sleep 30 & echo $!']
    })
    const started = Date.now()
    await expect(runner().run(req)).resolves.toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeLessThan(10_000)
    const background = Number(lines[1])
    expect(alive(background)).toBe(true)
    process.kill(background)
    expect(lines[0]).toBe('before')
  })
})

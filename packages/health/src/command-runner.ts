import { spawn, type ChildProcess } from 'node:child_process'
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { isSecretName } from '@fargate-promote/common'

/** One command to run: a program and its arguments, with no shell in between. */
export interface CommandRequest {
  file: string
  args: readonly string[]
  /** Added to the environment the runner was given; these win. */
  env: Readonly<Record<string, string>>
  /** Relative to the runner's workspace; the workspace itself when absent. */
  workingDirectory?: string
  /** Aborting ends the command and everything it started (SIGTERM, then SIGKILL). */
  signal: AbortSignal
  /** Each line of output, stdout and stderr alike, without its line break. */
  onLine: (line: string) => void
}

export interface CommandExit {
  /** The exit code; null when the process was ended by a signal. */
  code: number | null
  signal: NodeJS.Signals | null
}

/** Runs commands for command checks; tests hand in their own. */
export interface CommandRunner {
  /** Resolves when the command has ended, however it ended; rejects when it could not start. */
  run(request: CommandRequest): Promise<CommandExit>
  /**
   * Values of the inherited environment that look secret (tokens, keys, passwords): a test that
   * prints one must not put it into a report, a check-run summary or an annotation.
   */
  readonly secrets?: readonly string[]
}

export interface CommandRunnerOptions {
  /**
   * The environment every command inherits: the front end's own process environment, handed in
   * because library code never reads the environment itself.
   */
  env: Readonly<Record<string, string | undefined>>
  /** Where working directories resolve: the checked-out repository. */
  workspace: string
  /** How long a command may take to end after SIGTERM before it is killed. Default 5 s. */
  killAfterMs?: number
}

export const DEFAULT_KILL_AFTER_MS = 5000

/** A line without an end (a progress bar, a minified blob) is cut here, not buffered whole. */
const MAX_LINE_CHARS = 16_384

/**
 * After the shell exits, how long its output may still take to close. A process it left in the
 * background can hold the pipes open for ever; the check must not wait for that.
 */
const DRAIN_MS = 2000

const IS_WINDOWS = process.platform === 'win32'

/** Splits a stream's text into lines, however the chunks fall. */
function lineSplitter(onLine: (line: string) => void) {
  let partial = ''
  return {
    write(chunk: string): void {
      const parts = (partial + chunk).split(/\r?\n/)
      partial = parts.pop() ?? ''
      for (const part of parts) onLine(part)
      while (partial.length > MAX_LINE_CHARS) {
        onLine(partial.slice(0, MAX_LINE_CHARS))
        partial = partial.slice(MAX_LINE_CHARS)
      }
    },
    end(): void {
      if (partial !== '') onLine(partial)
      partial = ''
    }
  }
}

/**
 * Signals the command's whole process group: a shell's SIGTERM does not reach the test runner it
 * started, and a SIGKILL of the shell alone would leave that running, holding the output open.
 */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (!IS_WINDOWS && child.pid !== undefined) process.kill(-child.pid, signal)
    else child.kill(signal)
  } catch {
    // Already gone.
  }
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true
}

/** Runs one spawned command to its end; see createCommandRunner. */
function runChild(child: ChildProcess, request: CommandRequest, killAfterMs: number) {
  return new Promise<CommandExit>((done, fail) => {
    const streams = [child.stdout, child.stderr].flatMap(stream => (stream ? [stream] : []))
    const splitters = streams.map(stream => {
      const splitter = lineSplitter(request.onLine)
      stream.setEncoding('utf8').on('data', (chunk: string) => splitter.write(chunk))
      return splitter
    })
    const timers: NodeJS.Timeout[] = []
    let exit: CommandExit | undefined
    const onAbort = () => {
      signalGroup(child, 'SIGTERM')
      timers.push(setTimeout(() => signalGroup(child, 'SIGKILL'), killAfterMs))
    }
    const settle = () => {
      for (const timer of timers) clearTimeout(timer)
      request.signal.removeEventListener('abort', onAbort)
      // Whatever an ended command left behind goes too.
      if (request.signal.aborted) signalGroup(child, 'SIGKILL')
      for (const splitter of splitters) splitter.end()
    }
    child.once('error', error => {
      settle()
      fail(error)
    })
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      timers.push(setTimeout(() => streams.forEach(stream => stream.destroy()), DRAIN_MS))
    })
    child.once('close', (code, signal) => {
      settle()
      done(exit ?? { code, signal })
    })
    if (request.signal.aborted) onAbort()
    else request.signal.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * What the application's command inherits: the front end's environment without the action's
 * own inputs (INPUT_*, among them the GitHub token) and the runner's internal tokens
 * (ACTIONS_*: the OIDC request token, the runtime token). A check passes what a test needs in
 * its own `env`. Values under secret-looking names, the dropped ones too, are masked in output.
 */
export function commandEnvironment(env: Readonly<Record<string, string | undefined>>): {
  inherited: Record<string, string>
  secrets: string[]
} {
  const inherited: Record<string, string> = {}
  const secrets: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue
    const own = /^(INPUT_|ACTIONS_)/i.test(name)
    if (!own) inherited[name] = value
    const bare = name.replace(/^INPUT_/i, '')
    if (value.length >= 4 && (isSecretName(bare) || (own && /TOKEN/i.test(name)))) {
      secrets.push(value)
    }
  }
  return { inherited, secrets }
}

/**
 * Runs commands as child processes, each in a process group of its own so that a timeout or a
 * cancellation ends everything it started.
 *
 * Why not @actions/exec (which the issue suggested): it gives no handle on the process it
 * starts, so a command could not be ended on its timeout or on a cancellation, let alone the
 * test processes its shell started.
 */
export function createCommandRunner(options: CommandRunnerOptions): CommandRunner {
  const killAfterMs = options.killAfterMs ?? DEFAULT_KILL_AFTER_MS
  const { inherited, secrets } = commandEnvironment(options.env)
  return {
    secrets,
    run(request) {
      const cwd = resolve(options.workspace, request.workingDirectory ?? '.')
      if (!isDirectory(cwd)) {
        const shown = request.workingDirectory ?? cwd
        return Promise.reject(new Error(`the working directory '${shown}' does not exist`))
      }
      const child = spawn(request.file, [...request.args], {
        cwd,
        env: { ...inherited, ...request.env },
        detached: !IS_WINDOWS,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      return runChild(child, request, killAfterMs)
    }
  }
}

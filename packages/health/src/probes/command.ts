import {
  errorMessage,
  formatDuration,
  isSecretName,
  type Clock,
  type Logger
} from '@fargate-promote/common'
import { probeDeadline } from '../deadline.js'
import { secretMasker } from '@fargate-promote/common'
import { OutputTail } from '../command-output.js'
import type { CommandExit, CommandRequest, CommandRunner } from '../command-runner.js'
import type { CommandCheckSpec, CommandShell, EnvironmentUnderTest, Sample } from '../types.js'

export interface CommandProbeDeps {
  runner: CommandRunner
  clock: Clock
  log: Logger
  /** What the command tests: handed to it as FARGATE_PROMOTE_* variables. */
  target?: EnvironmentUnderTest
  /** Cancellation: the command is ended and the sample is `cancelled`. */
  signal?: AbortSignal
}

/** As GitHub runs `shell: bash` and `shell: sh` steps: stop at the first failing command. */
const SHELL_ARGS: Record<CommandShell, readonly string[]> = {
  bash: ['--noprofile', '--norc', '-eo', 'pipefail', '-c'],
  sh: ['-e', '-c']
}

/** The longest line of a command a report shows as its target, or of output in a detail. */
const MAX_SHOWN = 200

/** The values of a command check's env whose names look secret: masked wherever shown. */
export function commandSecrets(spec: CommandCheckSpec): string[] {
  return Object.entries(spec.env)
    .filter(([name, value]) => isSecretName(name) && value !== '')
    .map(([, value]) => value)
}

/** The variables a command gets on top of the inherited ones. */
export function commandEnv(
  spec: CommandCheckSpec,
  target: EnvironmentUnderTest | undefined
): Record<string, string> {
  const env = { ...spec.env }
  if (target?.url !== undefined) env.FARGATE_PROMOTE_URL = target.url
  if (target?.version !== undefined) env.FARGATE_PROMOTE_VERSION = target.version
  if (target?.environment !== undefined) env.FARGATE_PROMOTE_ENVIRONMENT = target.environment
  return env
}

/** The command's first line, cut short: a script of many lines is named by how it starts. */
export function commandTarget(spec: CommandCheckSpec): string {
  const lines = secretMasker(commandSecrets(spec))(spec.run).trim().split(/\r?\n/)
  const first = (lines[0] as string).trim()
  const cut = first.length > MAX_SHOWN ? `${first.slice(0, MAX_SHOWN)}…` : first
  return lines.length > 1 && cut === first ? `${cut} …` : cut
}

function describeExit(
  exit: CommandExit,
  spec: CommandCheckSpec,
  timedOut: boolean,
  took: string
): string {
  if (timedOut) return `timed out after ${formatDuration(spec.timeoutMs)}`
  if (exit.code === 0) return `exited with code 0 after ${took}`
  if (exit.code !== null) return `exited with code ${exit.code} after ${took}`
  return `ended by ${exit.signal ?? 'a signal'} after ${took}`
}

function withLastLine(detail: string, tail: OutputTail): string {
  const last = tail.lastLine()
  if (last === undefined) return detail
  const cut = last.length > MAX_SHOWN ? `${last.slice(0, MAX_SHOWN)}…` : last
  return `${detail}: ${cut.trim()}`
}

/**
 * Runs the check's command once, ended after its timeout or on cancellation. Passes on exit code
 * 0; the detail says how it ended (with the last output line when it failed) and the sample
 * holds the tail of its output. Never throws.
 */
export async function probeCommand(
  spec: CommandCheckSpec,
  deps: CommandProbeDeps
): Promise<Sample> {
  const at = deps.clock.now()
  const sample = (ok: boolean, detail: string, tail?: OutputTail): Sample => {
    const output = tail?.text() ?? ''
    return { check: spec.name, type: 'command', at, ok, detail, ...(output !== '' && { output }) }
  }
  const { signal } = deps
  if (signal?.aborted) return { ...sample(false, 'cancelled before it started'), cancelled: true }
  const deadline = probeDeadline(spec.timeoutMs, signal)
  const tail = new OutputTail([...commandSecrets(spec), ...(deps.runner.secrets ?? [])])
  const request: CommandRequest = {
    file: spec.shell,
    args: [...SHELL_ARGS[spec.shell], spec.run],
    env: commandEnv(spec, deps.target),
    signal: deadline.signal,
    onLine: line => deps.log.debug(`${spec.name} | ${tail.push(line)}`),
    ...(spec.workingDirectory !== undefined && { workingDirectory: spec.workingDirectory })
  }
  const started = performance.now()
  try {
    const exit = await deps.runner.run(request)
    if (signal?.aborted && !deadline.timedOut()) {
      return { ...sample(false, 'cancelled before the command ended', tail), cancelled: true }
    }
    const detail = describeExit(
      exit,
      spec,
      deadline.timedOut(),
      formatDuration(performance.now() - started)
    )
    const ok = exit.code === 0 && !deadline.timedOut()
    return sample(ok, ok ? detail : withLastLine(detail, tail), tail)
  } catch (error) {
    return sample(false, `could not run the command: ${errorMessage(error)}`, tail)
  } finally {
    deadline.dispose()
  }
}

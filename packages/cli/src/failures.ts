import {
  configurationProblems,
  errorMessage,
  isConfigurationError,
  isSettingsFileError,
  type ConfigurationError,
  type SchemaProblem
} from '@fargate-promote/common'
import { EXIT, type ExitCode } from './exit-codes.js'
import { jsonLine, printable, printableLines } from './text.js'
import type { Ui } from './ui.js'

/** A wrong command line or environment (no repository, no token, a bad flag value): exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** One problem as `--json` reports it; file, line, column and field when they are known. */
export interface Problem {
  message: string
  file?: string
  line?: number
  column?: number
  field?: string
}

/**
 * Options are named as typed (`--timeout`), where the actions say `Input 'timeout'`: the inputs
 * of deploy, verify, gate and rollback are their options. The token is no option.
 */
export function asOption(input: string): string {
  if (input.startsWith('-')) return input
  return input === 'github-token' ? 'GH_TOKEN (or GITHUB_TOKEN)' : `--${input}`
}

/**
 * A problem of the config file (its file named, or the --config option itself: missing,
 * unreadable) is an invalid config; anything else the user gave or left out (a bad option value,
 * no candidate for the gate) is a usage error.
 */
function configurationCode(subject: { input?: string; file?: string }): ExitCode {
  const aboutConfig = subject.input === 'config' || subject.input === '--config'
  return subject.file !== undefined || aboutConfig ? EXIT.invalidConfig : EXIT.usage
}

function problemsOfConfiguration(error: ConfigurationError): {
  code: ExitCode
  problems: Problem[]
} {
  if (isSettingsFileError(error)) {
    return {
      code: EXIT.invalidConfig,
      problems: error.problems.map((p: SchemaProblem) => ({ ...p }))
    }
  }
  const { file, line, field } = error.subject
  const code = configurationCode(error.subject)
  // An option's problem names it (and its line, for a list) in the message itself.
  if (file === undefined) return { code, problems: [{ message: error.describe(asOption) }] }
  return { code, problems: [{ message: error.problem, file, line, field }] }
}

function problemsOf(error: unknown): { code: ExitCode; problems: Problem[] } {
  if (isConfigurationError(error)) {
    // Every problem a command's settings have, each on its own; the config file's decide the code.
    const each = configurationProblems(error).map(problemsOfConfiguration)
    const code = each.some(found => found.code === EXIT.invalidConfig)
      ? EXIT.invalidConfig
      : EXIT.usage
    return { code, problems: each.flatMap(found => found.problems) }
  }
  if (error instanceof UsageError) {
    return { code: EXIT.usage, problems: [{ message: error.message }] }
  }
  return { code: EXIT.failed, problems: [{ message: errorMessage(error) }] }
}

/** `file:line:column: field: message`, as compilers and editors print a problem. */
function formatProblem(problem: Problem): string {
  const place = [problem.file, problem.line, problem.column]
    .filter(part => part !== undefined)
    .join(':')
  const field = problem.field ? `${problem.field}: ` : ''
  return printableLines(`${place === '' ? '' : `${place}: `}${field}${problem.message}`)
}

/**
 * Reports what stopped a command, once, and returns its exit code: each problem on stderr, or
 * with --json one `{ ok: false, exitCode, errors }` document on stdout.
 */
export function reportFailure(
  error: unknown,
  ui: Ui,
  redact: (text: string) => string = text => text
): ExitCode {
  const { code, problems: found } = problemsOf(error)
  const problems = found.map(problem => ({ ...problem, message: redact(problem.message) }))
  if (ui.json) {
    ui.print(jsonLine({ ok: false, exitCode: code, errors: problems }))
    return code
  }
  for (const problem of problems) ui.note(`${ui.err.red('error')} ${formatProblem(problem)}`)
  if (code !== EXIT.failed && problems.length > 1) {
    ui.note(printable(`${problems.length} problems; nothing was changed.`))
  }
  return code
}

/**
 * What a configuration problem is about, in the user's words: a setting (an action input, a
 * CLI option: they share their names, e.g. `to`, `task-definition`), or a file and the line
 * and field in it. Front ends render it their own way (see `describeSubject`) instead of
 * rewriting messages.
 */
export interface ConfigurationSubject {
  /** The setting as the user names it: `cluster`, `to`, `task-definition`. */
  input?: string
  /** A file the value was read from, as the user wrote its path. */
  file?: string
  /** 1-based line in `file`. */
  line?: number
  /** The field in `file`: `environments.production.cluster`. */
  field?: string
}

/** How a front end names a setting: the actions say `Input 'to'`, a CLI would say `--to`. */
export type SettingLabel = (input: string) => string

export const inputLabel: SettingLabel = input => `Input '${input}'`

/** `Input 'checks' (file 'health.yml', line 3, field 'url')`, or '' when nothing is known. */
export function describeSubject(
  subject: ConfigurationSubject,
  label: SettingLabel = inputLabel
): string {
  const place: string[] = []
  if (subject.file !== undefined) place.push(`file '${subject.file}'`)
  if (subject.line !== undefined) place.push(`line ${subject.line}`)
  if (subject.field !== undefined) place.push(`field '${subject.field}'`)
  const setting = subject.input === undefined ? '' : label(subject.input)
  if (place.length === 0) return setting
  return setting === '' ? place.join(', ') : `${setting} (${place.join(', ')})`
}

/**
 * A problem with what the user asked for (an input, a file, a reference), as opposed to a
 * failure of the deployment or of AWS. Raised before any AWS resource is changed; the message
 * names the setting (or file and field), the bad value and what to do.
 *
 * `problem` is the sentence without the subject; `message` is `<subject>: <problem>`, worded
 * for the actions. Another front end renders `subject` with its own label.
 */
export class ConfigurationError extends Error {
  readonly problem: string
  readonly subject: ConfigurationSubject

  constructor(problem: string, subject: ConfigurationSubject = {}) {
    const where = describeSubject(subject)
    super(where === '' ? problem : `${where}: ${problem}`)
    this.name = 'ConfigurationError'
    this.problem = problem
    this.subject = subject
  }

  /** The message with the setting named as `label` names it (`--to` for a command line). */
  describe(label: SettingLabel): string {
    const where = describeSubject(this.subject, label)
    return where === '' ? this.problem : `${where}: ${this.problem}`
  }
}

export function isConfigurationError(error: unknown): error is ConfigurationError {
  return error instanceof ConfigurationError
}

/**
 * A setting that was needed and not given. `missing` names it (a message may be about another
 * setting: `Input 'image': needs 'container' too`), so a reader whose config file failed to load
 * can leave out what that file would have given.
 */
export class MissingSettingError extends ConfigurationError {
  readonly missing: string

  constructor(problem: string, subject: ConfigurationSubject, missing: string) {
    super(problem, subject)
    this.name = 'MissingSettingError'
    this.missing = missing
  }
}

function listProblems(errors: readonly ConfigurationError[], label: SettingLabel): string {
  return `${errors.length} problems:\n${errors.map(error => `- ${error.describe(label)}`).join('\n')}`
}

/**
 * Every problem found in one step's settings, reported together: fixing them one run at a
 * time is slow. Each problem keeps its own subject; front ends show them one by one.
 */
export class ConfigurationErrors extends ConfigurationError {
  readonly errors: readonly ConfigurationError[]

  constructor(errors: readonly ConfigurationError[]) {
    super(listProblems(errors, inputLabel))
    this.name = 'ConfigurationErrors'
    this.errors = errors
  }

  override describe(label: SettingLabel): string {
    return listProblems(this.errors, label)
  }
}

/** The problems an error stands for: a ConfigurationErrors' list, or the error itself. */
export function configurationProblems(error: ConfigurationError): readonly ConfigurationError[] {
  return error instanceof ConfigurationErrors
    ? error.errors.flatMap(configurationProblems)
    : [error]
}

/** One problem as itself, several as a ConfigurationErrors; undefined for none. */
export function combineProblems(
  errors: readonly ConfigurationError[]
): ConfigurationError | undefined {
  const flat = errors.flatMap(configurationProblems)
  if (flat.length <= 1) return flat[0]
  return new ConfigurationErrors(flat)
}

/** The message of anything thrown, including non-Error values. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  if (typeof error === 'string') return error
  try {
    const json = JSON.stringify(error)
    return json === undefined ? String(error) : json
  } catch {
    return String(error)
  }
}

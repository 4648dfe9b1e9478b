import { formatDuration } from '../duration.js'
import { ConfigurationError, MissingSettingError, type ConfigurationSubject } from '../errors.js'
import { urlControlProblem, withoutCredentials } from '../text.js'
import { readSettingFile, type FileRoots, type SettingFile } from './files.js'
import {
  parseBooleanText,
  parseChoiceText,
  parseDurationText,
  parseIntegerText,
  parseKeyValueLines,
  parseListLines,
  parseNumberedLines,
  quoteValue,
  type KeyValueOptions,
  type NumberedLine
} from './parsers.js'
import { SettingProblems } from './problems.js'
import { readStructuredFile } from './structured.js'

/**
 * Where settings come from: an action's inputs (INPUT_* through @actions/core), a command
 * line, a config file. `raw` returns the value exactly as given, '' when it was not given.
 */
export interface InputSource {
  raw(name: string): string
  /** What an error about the setting names; default `{ input: name }`. */
  subject?(name: string): ConfigurationSubject
}

/**
 * `primary`'s values, and `fallback`'s for settings `primary` leaves empty. Settings that go
 * together (`service`/`services`, `image`/`container`/`images`) are taken from one source:
 * when `primary` gives any of a group, `fallback` gives none of it.
 */
export function layeredSource(
  primary: InputSource,
  fallback: InputSource,
  groups: readonly (readonly string[])[] = []
): InputSource {
  const given = (name: string) => primary.raw(name).trim() !== ''
  const fromFallback = (name: string) =>
    !given(name) && !groups.some(group => group.includes(name) && group.some(given))
  return {
    raw: name => (fromFallback(name) ? fallback.raw(name) : primary.raw(name)),
    subject: name =>
      (fromFallback(name) && fallback.raw(name).trim() !== '' ? fallback : primary).subject?.(
        name
      ) ?? { input: name }
  }
}

/** A source from a plain record, for the CLI and for tests. */
export function recordSource(values: Readonly<Record<string, string | undefined>>): InputSource {
  return { raw: name => values[name] ?? '' }
}

export interface IntegerOptions {
  min: number
  max: number
  /** Used when the setting is empty; without it the setting is required. */
  defaultValue?: number
}

export interface DurationOptions {
  /** Duration text such as `10m`, used when the setting is empty; without it it is required. */
  defaultValue?: string
  /** Milliseconds. */
  min?: number
  /** Milliseconds. */
  max?: number
}

export interface PollingOptions {
  /** Setting names, e.g. `timeout` and `poll-interval`. */
  timeout: string
  interval: string
  timeoutDefault: string
  intervalDefault: string
  /** Milliseconds; default 6 h. The interval is at least 100 ms and at most 5 minutes. */
  maxTimeout?: number
}

/**
 * Typed, strict reading of settings. Every method either returns a valid value or throws a
 * ConfigurationError naming the setting, the value and the expected form. An empty value
 * means "not given"; junk is never turned into a default. Values are trimmed, except where
 * line numbers must match what the user wrote (key=value lists).
 */
export class InputReader {
  constructor(private readonly source: InputSource) {}

  /** The source read from, to layer another under it (see layeredSource). */
  get settings(): InputSource {
    return this.source
  }

  /** What an error about the setting names: the input, or the file, line and field it came from. */
  subjectOf(name: string): ConfigurationSubject {
    return this.source.subject?.(name) ?? { input: name }
  }

  /** The trimmed value, or undefined when the setting is empty. */
  optional(name: string): string | undefined {
    const value = this.source.raw(name).trim()
    return value === '' ? undefined : value
  }

  /** `expected` says what to give: `the ECS cluster name or ARN`. */
  required(name: string, expected: string): string {
    const value = this.optional(name)
    if (value === undefined) throw this.notGiven(name, expected)
    return value
  }

  notGiven(name: string, expected: string): MissingSettingError {
    return new MissingSettingError(`not given. Give ${expected}.`, this.subjectOf(name), name)
  }

  /** true/True/TRUE/false/False/FALSE; empty gives the default; yes, 1, on are errors. */
  boolean(name: string, defaultValue: boolean): boolean {
    const value = this.optional(name)
    return value === undefined ? defaultValue : parseBooleanText(value, this.subjectOf(name))
  }

  integer(name: string, options: IntegerOptions): number {
    const value = this.optional(name)
    const range = { min: options.min, max: options.max }
    if (value !== undefined) return parseIntegerText(value, this.subjectOf(name), range)
    if (options.defaultValue !== undefined) return options.defaultValue
    throw this.notGiven(name, `a whole number from ${options.min} to ${options.max}`)
  }

  optionalInteger(name: string, range: { min: number; max: number }): number | undefined {
    const value = this.optional(name)
    return value === undefined ? undefined : parseIntegerText(value, this.subjectOf(name), range)
  }

  /** A duration such as `90s`, `10m`, `1h30m`, in milliseconds. */
  duration(name: string, options: DurationOptions = {}): number {
    const value = this.optional(name) ?? options.defaultValue
    if (value === undefined) throw this.notGiven(name, 'a duration such as 90s, 10m or 1h30m')
    return parseDurationText(value, this.subjectOf(name), { min: options.min, max: options.max })
  }

  optionalDuration(name: string, range: { min?: number; max?: number }): number | undefined {
    const value = this.optional(name)
    return value === undefined ? undefined : parseDurationText(value, this.subjectOf(name), range)
  }

  /** One of `choices`, compared exactly; empty gives the default, or is an error without one. */
  choice<T extends string>(name: string, choices: readonly T[], defaultValue?: T): T {
    const value = this.optional(name)
    if (value !== undefined) return parseChoiceText(value, this.subjectOf(name), choices)
    if (defaultValue !== undefined) return defaultValue
    throw this.notGiven(name, `one of ${choices.map(choice => `'${choice}'`).join(', ')}`)
  }

  /** One item per line, trimmed; blank lines and lines starting with `#` are dropped. */
  list(name: string): string[] {
    return parseListLines(this.source.raw(name))
  }

  /** As list, each item with its line number, for an error about one of them. */
  lines(name: string): NumberedLine[] {
    return parseNumberedLines(this.source.raw(name))
  }

  /**
   * `key=value` lines as a Map (empty gives an empty Map). Read untrimmed so the line numbers
   * in errors match what the user wrote.
   */
  keyValues(name: string, options: KeyValueOptions = {}): Map<string, string> {
    return parseKeyValueLines(this.source.raw(name), this.subjectOf(name), options)
  }

  /**
   * An http or https URL, or undefined when empty. A control character is refused: the URL
   * parser would silently drop a line break and request something other than what was written.
   */
  url(name: string): string | undefined {
    const value = this.optional(name)
    if (value === undefined) return undefined
    const control = urlControlProblem(value)
    if (control !== undefined) throw new ConfigurationError(control, this.subjectOf(name))
    let url: URL
    // Shown without its user and password: masking only knows them once the inputs are read.
    const shown = withoutCredentials(value)
    try {
      url = new URL(value)
    } catch {
      throw new ConfigurationError(
        `${quoteValue(shown)} is not a valid URL. Write it in full: https://host/path.`,
        this.subjectOf(name)
      )
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigurationError(
        `${quoteValue(shown)} uses '${url.protocol}'; only http and https URLs are accepted.`,
        this.subjectOf(name)
      )
    }
    return value
  }

  /** The file the setting names, read safely (see readSettingFile); undefined when empty. */
  file(name: string, roots: FileRoots, maxBytes?: number): SettingFile | undefined {
    const path = this.optional(name)
    return path === undefined
      ? undefined
      : readSettingFile(path, roots, this.subjectOf(name), maxBytes)
  }

  /** The parsed .json/.yaml/.yml file the setting names; undefined when empty. */
  async structuredFile(
    name: string,
    roots: FileRoots,
    maxBytes?: number
  ): Promise<{ path: string; value: unknown } | undefined> {
    const path = this.optional(name)
    if (path === undefined) return undefined
    const subject = this.subjectOf(name)
    return { path, value: await readStructuredFile(path, { roots, subject, maxBytes }) }
  }

  /**
   * A deadline and the fixed interval to poll within it. Polling less often than the deadline
   * is refused rather than silently giving one poll.
   */
  polling(options: PollingOptions): { timeoutMs: number; intervalMs: number } {
    // Both are read, so a bad timeout and a bad interval are reported together.
    const problems = new SettingProblems()
    const read = problems.finish({
      timeoutMs: problems.read(() =>
        this.duration(options.timeout, {
          defaultValue: options.timeoutDefault,
          min: 1000,
          max: options.maxTimeout ?? 6 * 3_600_000
        })
      ),
      intervalMs: problems.read(() =>
        this.duration(options.interval, {
          defaultValue: options.intervalDefault,
          min: 100,
          max: 300_000
        })
      )
    })
    const { timeoutMs, intervalMs } = read
    if (intervalMs > timeoutMs) {
      throw new ConfigurationError(
        `${formatDuration(intervalMs)} is longer than '${options.timeout}' (${formatDuration(timeoutMs)}). Poll more often than the deadline.`,
        this.subjectOf(options.interval)
      )
    }
    return { timeoutMs, intervalMs }
  }
}

import { formatDuration, parseDuration } from '../duration.js'
import {
  combineProblems,
  ConfigurationError,
  configurationProblems,
  type ConfigurationSubject
} from '../errors.js'
import { escapeUnprintable } from '../text.js'
import { isSecretName } from './secret-names.js'

/*
 * Pure parsers for values that come from text: action inputs and CLI options, but also fields
 * of config files, so every front end validates them the same way. `subject` names where the
 * value came from: `{ input: 'wait' }`, or `{ file: 'promote.yml', field: 'soak' }`.
 */

const MAX_VALUE_SHOWN = 200

/**
 * A value as an error message quotes it: control characters escaped (a line break must not
 * start a line of its own in the log), long values cut.
 */
export function quoteValue(text: string): string {
  const cut = text.length > MAX_VALUE_SHOWN ? `${text.slice(0, MAX_VALUE_SHOWN)}…` : text
  return `'${escapeUnprintable(cut)}'`
}

const BOOLEAN_TEXT: Record<string, boolean> = {
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false
}

/** The YAML 1.2 core-schema booleans, as the runner's own getBooleanInput accepts. */
export function parseBooleanText(text: string, subject: ConfigurationSubject): boolean {
  const value = BOOLEAN_TEXT[text]
  if (value === undefined) {
    throw new ConfigurationError(`${quoteValue(text)} is not true or false.`, subject)
  }
  return value
}

export interface IntegerRange {
  min?: number
  max?: number
}

function describeIntegerRange({ min, max }: IntegerRange): string {
  if (min !== undefined && max !== undefined) return `a whole number from ${min} to ${max}`
  if (min !== undefined) return `a whole number of at least ${min}`
  if (max !== undefined) return `a whole number of at most ${max}`
  return 'a whole number'
}

const INTEGER = /^-?\d+$/

/** Decimal digits only: `30s`, `1.5`, `1e3`, `0x10` are refused rather than half-read. */
export function parseIntegerText(
  text: string,
  subject: ConfigurationSubject,
  range: IntegerRange = {}
): number {
  const min = range.min ?? Number.MIN_SAFE_INTEGER
  const max = range.max ?? Number.MAX_SAFE_INTEGER
  const value = INTEGER.test(text) ? Number(text) : Number.NaN
  if (Number.isNaN(value) || value < min || value > max) {
    throw new ConfigurationError(
      `${quoteValue(text)} is not ${describeIntegerRange(range)}.`,
      subject
    )
  }
  // Number('-0') is -0, which prints as 0 but fails Object.is checks downstream.
  return value === 0 ? 0 : value
}

export interface DurationRange {
  /** Milliseconds. */
  min?: number
  /** Milliseconds. */
  max?: number
}

function describeDurationRange({ min, max }: DurationRange): string {
  if (min !== undefined && max !== undefined) {
    return `a duration from ${formatDuration(min)} to ${formatDuration(max)}`
  }
  if (min !== undefined) return `a duration of at least ${formatDuration(min)}`
  return `a duration of at most ${formatDuration(max as number)}`
}

/** `90s`, `10m`, `1h30m` → milliseconds; see common's parseDuration for the accepted forms. */
export function parseDurationText(
  text: string,
  subject: ConfigurationSubject,
  range: DurationRange = {}
): number {
  const ms = parseDuration(text)
  if (ms === undefined) {
    throw new ConfigurationError(
      `${quoteValue(text)} is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.`,
      subject
    )
  }
  if ((range.min !== undefined && ms < range.min) || (range.max !== undefined && ms > range.max)) {
    throw new ConfigurationError(
      `${quoteValue(text)} is not ${describeDurationRange(range)}.`,
      subject
    )
  }
  return ms
}

export function parseChoiceText<T extends string>(
  text: string,
  subject: ConfigurationSubject,
  choices: readonly T[]
): T {
  const choice = choices.find(candidate => candidate === text)
  if (choice === undefined) {
    const allowed = choices.map(candidate => `'${candidate}'`).join(', ')
    throw new ConfigurationError(`${quoteValue(text)} is not one of ${allowed}.`, subject)
  }
  return choice
}

/** One line of a multi-line value, trimmed, with its 1-based number among all the lines. */
export interface NumberedLine {
  text: string
  line: number
}

/**
 * Lines of a multi-line value, each trimmed and numbered as the user wrote them (an error can
 * name the line); blank lines and `#` comments dropped.
 */
export function parseNumberedLines(text: string): NumberedLine[] {
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ text: line.trim(), line: index + 1 }))
    .filter(({ text: line }) => line !== '' && !line.startsWith('#'))
}

/** Lines of a multi-line value, each trimmed; blank lines and `#` comments dropped. */
export function parseListLines(text: string): string[] {
  return parseNumberedLines(text).map(({ text: line }) => line)
}

export interface KeyValueOptions {
  /** Every key must match this, e.g. /^[A-Za-z_][A-Za-z0-9_]*$/ for environment variables. */
  keyPattern?: RegExp
  /** How the error describes a key that fails keyPattern, e.g. "a valid environment variable name". */
  keyDescription?: string
  /** The form a line must have, for errors: `container=image`. Default `key=value`. */
  form?: string
  /** A line of that form, for errors: `web=nginx:1.27`. */
  example?: string
  /**
   * Checks the key and value of each well-formed line, throwing a ConfigurationError about
   * `subject` (the line's) for a bad one. Every well-formed line is checked even when others are
   * malformed, so one bad line hides nothing: all problems come in one run, each naming its line.
   */
  checkEntry?: (key: string, value: string, subject: ConfigurationSubject) => void
}

/** The line as an error message quotes it: values of secret-looking keys are hidden. */
function showLine(line: string, key?: string): string {
  return quoteValue(key !== undefined && isSecretName(key) ? `${key}=***` : line)
}

/** `container=image (one per line, e.g. web=nginx:1.27)`: what every line must look like. */
function expectedLines(options: KeyValueOptions): string {
  const form = options.form ?? 'key=value'
  const example = options.example === undefined ? '' : `, e.g. ${options.example}`
  return `${form} (one per line${example})`
}

/** What is wrong with one non-blank line, or its key and value. */
function checkLine(
  line: string,
  options: KeyValueOptions,
  keyPattern: RegExp | undefined,
  firstSeen: ReadonlyMap<string, number>
): string | { key: string; value: string } {
  const equals = line.indexOf('=')
  if (equals < 0) return `${showLine(line)} is not ${expectedLines(options)}.`
  const key = line.slice(0, equals).trim()
  const value = line.slice(equals + 1).trim()
  if (key === '') {
    return `${showLine(line)} has an empty key before '='; write ${expectedLines(options)}.`
  }
  if (keyPattern !== undefined && !keyPattern.test(key)) {
    const expected = options.keyDescription ?? `a key matching ${String(options.keyPattern)}`
    return `${showLine(line, key)}: key '${key}' is not ${expected}.`
  }
  const earlier = firstSeen.get(key)
  if (earlier !== undefined) {
    return `${showLine(line, key)}: key '${key}' is already set on line ${earlier}. Set each key once.`
  }
  return { key, value }
}

/** What options.checkEntry finds wrong with one entry: its ConfigurationErrors, none if fine. */
function entryProblems(
  key: string,
  value: string,
  subject: ConfigurationSubject,
  check: KeyValueOptions['checkEntry']
): readonly ConfigurationError[] {
  try {
    check?.(key, value, subject)
    return []
  } catch (error) {
    // Anything but a ConfigurationError is a defect: it propagates.
    if (!(error instanceof ConfigurationError)) throw error
    return configurationProblems(error)
  }
}

/**
 * `KEY=value` lines → Map, in order. Splits on the first `=`, so values may contain `=` or be
 * empty; key and value are trimmed. Blank lines and `#` comments are skipped. Line numbers in
 * errors count every line of the text, 1-based. Every bad line is reported, not only the first.
 */
export function parseKeyValueLines(
  text: string,
  subject: ConfigurationSubject,
  options: KeyValueOptions = {}
): Map<string, string> {
  // A /g or /y pattern keeps lastIndex between test() calls and would skip every other key.
  const keyPattern =
    options.keyPattern &&
    new RegExp(options.keyPattern.source, options.keyPattern.flags.replace(/[gy]/g, ''))
  const result = new Map<string, string>()
  const firstSeen = new Map<string, number>()
  const problems: ConfigurationError[] = []
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) return
    const lineSubject = { ...subject, line: index + 1 }
    const checked = checkLine(line, options, keyPattern, firstSeen)
    if (typeof checked === 'string') {
      problems.push(new ConfigurationError(checked, lineSubject))
      return
    }
    firstSeen.set(checked.key, index + 1)
    result.set(checked.key, checked.value)
    problems.push(...entryProblems(checked.key, checked.value, lineSubject, options.checkEntry))
  })
  const problem = combineProblems(problems)
  if (problem !== undefined) throw problem
  return result
}

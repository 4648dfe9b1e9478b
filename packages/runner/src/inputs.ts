import * as core from './toolkit.js'
import { ConfigurationError, formatDuration } from '@fargate-promote/common'
import {
  parseBooleanText,
  parseChoiceText,
  parseDurationText,
  parseIntegerText,
  parseKeyValueLines,
  parseListLines,
  type KeyValueOptions
} from './parsers.js'
import { readStructuredFile } from './structured.js'

/*
 * Typed input readers. Each reads one input through core.getInput (so `INPUT_<NAME>`, hyphens
 * kept) and either returns a valid value or throws a ConfigurationError naming the input, the
 * value and the expected form. An empty input means "not given"; junk is never a default.
 */

function what(name: string): string {
  return `Input '${name}'`
}

function notGiven(name: string, expected: string): ConfigurationError {
  return new ConfigurationError(`${what(name)} is required: give ${expected}.`)
}

export function getRequiredString(name: string): string {
  const value = core.getInput(name)
  if (value === '') {
    throw new ConfigurationError(`${what(name)} is required and was not given.`)
  }
  return value
}

/** The trimmed value, or undefined when the input is empty. */
export function getOptionalString(name: string): string | undefined {
  const value = core.getInput(name)
  return value === '' ? undefined : value
}

/** true/True/TRUE/false/False/FALSE; empty gives the default; yes, 1, on are errors. */
export function getBoolean(name: string, defaultValue: boolean): boolean {
  const value = core.getInput(name)
  return value === '' ? defaultValue : parseBooleanText(value, what(name))
}

export interface IntegerInputOptions {
  min: number
  max: number
  /** Used when the input is empty; without it the input is required. */
  defaultValue?: number
}

export function getInteger(name: string, options: IntegerInputOptions): number {
  const value = core.getInput(name)
  const range = { min: options.min, max: options.max }
  if (value === '') {
    if (options.defaultValue !== undefined) return options.defaultValue
    throw notGiven(name, `a whole number from ${options.min} to ${options.max}`)
  }
  return parseIntegerText(value, what(name), range)
}

export interface DurationInputOptions {
  /** Duration text such as `10m`, used when the input is empty; without it the input is required. */
  defaultValue?: string
  /** Milliseconds. */
  min?: number
  /** Milliseconds. */
  max?: number
}

/** A duration such as `90s`, `10m`, `1h30m`, in milliseconds. */
export function getDuration(name: string, options: DurationInputOptions = {}): number {
  const value = core.getInput(name) || options.defaultValue
  if (value === undefined) {
    throw notGiven(name, 'a duration such as 90s, 10m or 1h30m')
  }
  return parseDurationText(value, what(name), { min: options.min, max: options.max })
}

/** One of `choices`, compared exactly; empty gives the default, or is an error without one. */
export function getChoice<T extends string>(
  name: string,
  choices: readonly T[],
  defaultValue?: T
): T {
  const value = core.getInput(name)
  if (value === '') {
    if (defaultValue !== undefined) return defaultValue
    throw notGiven(name, `one of ${choices.map(choice => `'${choice}'`).join(', ')}`)
  }
  return parseChoiceText(value, what(name), choices)
}

/** One item per line, trimmed; blank lines and lines starting with `#` are dropped. */
export function getList(name: string): string[] {
  return parseListLines(core.getInput(name))
}

/**
 * `key=value` lines as a Map (empty input gives an empty Map). Read untrimmed so the line
 * numbers in errors match what the user wrote.
 */
export function getKeyValueMap(name: string, options: KeyValueOptions = {}): Map<string, string> {
  return parseKeyValueLines(core.getInput(name, { trimWhitespace: false }), what(name), options)
}

export interface StructuredFileInputOptions {
  /** Relative paths resolve against this, e.g. GITHUB_WORKSPACE as the adapter read it. */
  baseDir: string
}

/** The parsed content of the .json/.yaml/.yml file the input names; the input is required. */
export function getStructuredFile(name: string, { baseDir }: StructuredFileInputOptions): unknown {
  const filePath = core.getInput(name)
  if (filePath === '') throw notGiven(name, 'the path of a .json, .yaml or .yml file')
  return readStructuredFile(filePath, { baseDir, what: what(name) })
}

export interface PollingInputOptions {
  /** Input names, e.g. `timeout` and `poll-interval`. */
  timeout: string
  interval: string
  timeoutDefault: string
  intervalDefault: string
  /** Milliseconds; the interval is at least 100 ms and at most 5 minutes. */
  maxTimeout?: number
}

/**
 * A deadline and the fixed interval to poll within it. Polling less often than the deadline is
 * refused rather than silently giving one poll.
 */
export function getPolling(options: PollingInputOptions): {
  timeoutMs: number
  intervalMs: number
} {
  const timeoutMs = getDuration(options.timeout, {
    defaultValue: options.timeoutDefault,
    min: 1000,
    max: options.maxTimeout ?? 6 * 3_600_000
  })
  const intervalMs = getDuration(options.interval, {
    defaultValue: options.intervalDefault,
    min: 100,
    max: 300_000
  })
  if (intervalMs > timeoutMs) {
    throw new ConfigurationError(
      `Input '${options.interval}' (${formatDuration(intervalMs)}) is longer than '${options.timeout}' (${formatDuration(timeoutMs)}). Poll more often than the deadline.`
    )
  }
  return { timeoutMs, intervalMs }
}

/*
 * Text from steps (names, log lines, reasons, outputs) is untrusted: an escape sequence could
 * move the cursor, recolour or clear the screen, and a bidirectional override could reorder what
 * is shown. Terminal sequences are removed (a step's coloured log line reads as its text), and
 * every other control character is shown as its escape (`\x07`, `\n`, `\u202e`).
 *
 * The escaping is packages/common's `escapeUnprintable`, as the CLI's `printable`, plus the
 * removal of whole escape sequences.
 */

import { stripVTControlCharacters } from 'node:util'
import { escapeUnprintable, formatDuration } from '@fargate-promote/common'

/** One line of untrusted text, safe on a terminal: escape sequences removed, controls escaped. */
export function printable(text: string): string {
  return escapeUnprintable(stripVTControlCharacters(text))
}

/** Lines of untrusted text (a log): each line made printable, tabs kept. */
export function printableBlock(text: string): string {
  return stripVTControlCharacters(text)
    .split(/\r\n|\r|\n/)
    .map(line => escapeUnprintable(line, char => char === '\t'))
    .join('\n')
}

/** Columns a code point takes on a terminal: 0 for combining marks, 2 for wide ones. */
function columnsOf(code: number): number {
  if (
    (code >= 0x0300 && code <= 0x036f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x20d0 && code <= 0x20ff) ||
    (code >= 0xfe00 && code <= 0xfe0f)
  ) {
    return 0
  }
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd) ||
    [0x231a, 0x231b, 0x23f0, 0x23f3, 0x2705, 0x274c, 0x2b50, 0x2b55].includes(code) ||
    (code >= 0x23e9 && code <= 0x23ec)
  return wide ? 2 : 1
}

/** The columns `text` (already printable) takes on a terminal. */
export function displayWidth(text: string): number {
  let width = 0
  for (const char of text) width += columnsOf(char.codePointAt(0) as number)
  return width
}

/** `text` cut to at most `width` columns, ending in `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  if (width <= 0) return ''
  let out = ''
  let used = 0
  for (const char of text) {
    const columns = columnsOf(char.codePointAt(0) as number)
    if (used + columns > width - 1) break
    out += char
    used += columns
  }
  return `${out}…`
}

function take(chars: string[], width: number): string[] {
  const taken: string[] = []
  let used = 0
  for (const char of chars) {
    const columns = columnsOf(char.codePointAt(0) as number)
    if (used + columns > width) break
    taken.push(char)
    used += columns
  }
  return taken
}

/**
 * `text` cut in the middle to at most `width` columns: a job key keeps its start and, longer,
 * its end (`Production / …/rollback (web)`), where keys differ.
 */
export function truncateMiddle(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  if (width < 8) return truncate(text, width)
  const chars = [...text]
  const tailWidth = Math.floor(((width - 1) * 2) / 3)
  const tail = take([...chars].reverse(), tailWidth).reverse()
  const head = take(chars, width - 1 - displayWidth(tail.join('')))
  return `${head.join('')}…${tail.join('')}`
}

/** `text` padded with spaces to `width` columns. */
export function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)))
}

/** `2.1s` under a minute, else `2m 30s`: a job's or step's duration for people. */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return ''
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : formatDuration(ms)
}

/** The duration of something with a start and maybe an end; running things count to `now`. */
export function spanOf(item: { startedAt?: number; endedAt?: number }, now?: number): string {
  if (item.startedAt === undefined) return ''
  const end = item.endedAt ?? now
  return end === undefined ? '' : formatSpan(end - item.startedAt)
}

const DURATION_PART =
  /(\d+(?:\.\d+)?)\s*(ms|milliseconds?|h|hours?|hrs?|m|mins?|minutes?|s|secs?|seconds?)(?![a-z])/gi

const UNIT_MS: Record<string, number> = { ms: 1, m: 60_000, h: 3_600_000, s: 1000 }

function unitMs(unit: string): number {
  const lower = unit.toLowerCase()
  if (lower === 'ms' || lower.startsWith('milli')) return UNIT_MS['ms'] as number
  return UNIT_MS[lower.charAt(0)] as number
}

/**
 * The duration written in `text` (`wait timer 5m`, `wait timer 5 min`, `1h 30m`), in
 * milliseconds: every number with a unit, added up.
 */
export function durationIn(text: string): number | undefined {
  let total: number | undefined
  for (const match of text.matchAll(DURATION_PART)) {
    total = (total ?? 0) + Number(match[1]) * unitMs(match[2] as string)
  }
  return total === undefined ? undefined : Math.round(total)
}

export interface WorkflowCommand {
  level: 'error' | 'warning' | 'notice'
  message: string
  /** `file:line:col` from the command's properties, where given. */
  where?: string
  title?: string
}

const COMMAND = /^\s*::(error|warning|notice)(?:\s+([^:]*))?::(.*)$/

function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/gi, ':').replace(/%2C/gi, ',')
}

function properties(text: string | undefined): Record<string, string> {
  const found: Record<string, string> = {}
  for (const part of (text ?? '').split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) found[part.slice(0, eq).trim()] = unescapeProperty(part.slice(eq + 1))
  }
  return found
}

/** An `::error …::message` (or warning, notice) workflow command of a log line, decoded. */
export function parseAnnotationCommand(line: string): WorkflowCommand | undefined {
  const match = COMMAND.exec(line)
  if (match === null) return undefined
  const props = properties(match[2])
  const file = props['file']
  const where =
    file === undefined
      ? undefined
      : [file, props['line'], props['col']].filter(part => part !== undefined).join(':')
  return {
    level: match[1] as WorkflowCommand['level'],
    message: unescapeData(match[3] as string),
    ...(where === undefined ? {} : { where }),
    ...(props['title'] === undefined ? {} : { title: props['title'] })
  }
}

/** `file:line:col` of a problem, as far as it is known. */
export function locationOf(problem: { file?: string; line?: number; column?: number }): string {
  if (problem.file === undefined) return ''
  const line = problem.line === undefined ? '' : `:${problem.line}`
  const column =
    problem.line === undefined || problem.column === undefined ? '' : `:${problem.column}`
  return `${problem.file}${line}${column}`
}

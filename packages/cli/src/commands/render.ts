import type { HealthReport } from '@fargate-promote/health'
import { table, type Colors } from '../ui.js'

/*
 * What the use-case commands print on stdout: borderless tables (grep and awk work on them) of
 * cells already made safe by the caller (Session.safe), coloured by outcome.
 */

const GOOD = new Set(['succeeded', 'noop', 'healthy', 'passed', 'approved'])
const BAD = new Set(['failed', 'timed-out', 'unhealthy', 'blocked', 'cancelled', 'error'])

/** An outcome word in its colour: green good, red bad, yellow anything in between. */
export function outcomeText(word: string, c: Colors): string {
  if (GOOD.has(word)) return c.green(word)
  if (BAD.has(word)) return c.red(word)
  return c.yellow(word)
}

/** `-` for an empty cell, so every row has as many words as the header. */
export const cell = (text: string | undefined): string =>
  text === undefined || text === '' ? '-' : text

/** At most `max` characters, the cut marked with `…`. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** One row per check of a health report. */
export function healthTable(
  report: HealthReport,
  c: Colors,
  safe: (text: string) => string
): string {
  const rows = report.checks.map(check => [
    safe(check.name),
    check.type,
    outcomeText(check.cancelled ? 'cancelled' : check.ok ? 'passed' : 'failed', c),
    `${check.passes}/${check.attempts}`,
    cell(safe(check.lastDetail))
  ])
  return table(['CHECK', 'TYPE', 'RESULT', 'ROUNDS', 'LAST'], rows, c)
}

/** The action's latency outputs: milliseconds to one decimal, a rate to four. */
export function round(value: number | undefined, digits: number): number | undefined {
  if (value === undefined) return undefined
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

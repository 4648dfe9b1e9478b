/** Small pieces of the HTML report: escaped text, state badges, times. */

import { escapeHtml } from '@fargate-promote/common'
import type { RunState } from '../../model.js'
import { formatSpan, printable } from '../text.js'
import { STATE_SYMBOL } from '../vocabulary.js'

/** One line of untrusted text as HTML text: controls shown as escapes, markup escaped. */
export function esc(text: string): string {
  return escapeHtml(printable(text))
}

export function stateBadge(state: RunState): string {
  return `<span class="state s-${state}">${STATE_SYMBOL[state]} ${state}</span>`
}

/** Times are shown from the start of the rehearsal; this is where it started. */
export interface Times {
  origin: number
}

/** Epoch milliseconds from 2000 on: shown as a date too (a simulator's clock may start at 0). */
function isDate(ms: number): boolean {
  return ms >= 946_684_800_000 && ms < 8_640_000_000_000_000
}

export function isoOf(ms: number): string | undefined {
  return isDate(ms) ? new Date(ms).toISOString() : undefined
}

/** `+1m 5s` after the start, with the date and time where the clock gives one. */
export function timeAt(ms: number, times: Times): string {
  const text = `+${formatSpan(Math.max(0, ms - times.origin))}`
  const iso = isoOf(ms)
  return iso === undefined ? text : `<time datetime="${iso}" title="${iso}">${text}</time>`
}

/** A table of escaped cells; `raw` columns hold markup built here. */
export function table(headers: string[], rows: string[][], className = ''): string {
  const head = `<tr>${headers.map(h => `<th>${h}</th>`).join('')}</tr>`
  const body = rows.map(row => `<tr>${row.map(cell => `<td>${cell}</td>`).join('')}</tr>`)
  const cls = className === '' ? '' : ` class="${className}"`
  return `<table${cls}><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`
}

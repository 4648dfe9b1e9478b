/*
 * Text from GitHub, AWS or a config file shown on a terminal: a control character could move
 * the cursor, recolour the screen or start a new table row, and a bidirectional override could
 * reorder what is shown. Each one is shown as its escape (`\x1b`, `\n`, `\u202e`) instead.
 */

import { escapeUnprintable } from '@fargate-promote/common'

/** One line of untrusted text, safe to print: every control character escaped. */
export function printable(text: string): string {
  return escapeUnprintable(text)
}

/** A message that may span lines (an error from GitHub): each line made printable. */
export function printableLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map(line => printable(line))
    .join('\n')
}

/** What JSON.stringify leaves raw that a terminal would act on. */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * One line of JSON for stdout. JSON.stringify escapes C0 controls but leaves DEL, C1 controls
 * (`\u009b` starts a terminal command) and bidi overrides raw; as `\uXXXX` escapes they parse
 * to the same value and cannot act on a terminal that shows the document.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(
    RAW_IN_JSON,
    char => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`
  )
}

import { secretMasker } from '@fargate-promote/common'
import { stripVTControlCharacters } from 'node:util'

/** How much of a command's output a report keeps: enough to see why a test failed. */
export const OUTPUT_TAIL_LINES = 20
export const OUTPUT_TAIL_BYTES = 4096

/** Everything but tab that is still a control character once terminal escapes are gone. */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g

/** The last `maxBytes` (UTF-8) of a line too long to show whole, marked as cut. */
function lineEnd(line: string, maxBytes: number): string {
  const bytes = Buffer.from(line)
  let start = bytes.length - (maxBytes - Buffer.byteLength('…'))
  // Start on a character, not inside one: skip UTF-8 continuation bytes.
  while (start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++
  return `…${bytes.subarray(start).toString()}`
}

/**
 * The last lines of a command's output, as a report may show them: a test's output is text
 * from outside (it may echo an HTTP body, colour its results or print a token), so each line is
 * masked, stripped of terminal escapes and control characters, and only a bounded tail is kept
 * however much the command prints.
 */
export class OutputTail {
  private readonly mask: (text: string) => string
  private readonly lines: string[] = []

  constructor(secrets: readonly string[]) {
    this.mask = secretMasker(secrets)
  }

  /** Keeps one line of output; returns it cleaned, for a log line. */
  push(raw: string): string {
    // Masked before and after escapes are removed: a colour code may sit inside a secret.
    const unescaped = stripVTControlCharacters(this.mask(raw))
    // A carriage return redraws the line on a terminal (progress bars): keep what it shows.
    const shown = unescaped.slice(unescaped.lastIndexOf('\r') + 1)
    const line = this.mask(shown.replace(CONTROL, '')).trimEnd()
    this.lines.push(line)
    if (this.lines.length > OUTPUT_TAIL_LINES) this.lines.shift()
    return line
  }

  /** The last lines, newest last, within OUTPUT_TAIL_BYTES; '' when nothing was printed. */
  text(): string {
    const kept: string[] = []
    let bytes = 0
    for (let index = this.lines.length - 1; index >= 0; index--) {
      const line = this.lines[index] as string
      const size = Buffer.byteLength(line) + (kept.length > 0 ? 1 : 0)
      if (bytes + size > OUTPUT_TAIL_BYTES) {
        if (kept.length === 0) kept.unshift(lineEnd(line, OUTPUT_TAIL_BYTES))
        break
      }
      kept.unshift(line)
      bytes += size
    }
    return kept.join('\n').replace(/^\n+/, '').trimEnd()
  }

  /** The last line with something on it, for a one-line detail. */
  lastLine(): string | undefined {
    return this.lines.findLast(line => line.trim() !== '')
  }
}

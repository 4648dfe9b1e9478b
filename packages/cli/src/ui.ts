import type { WriteStream } from 'node:tty'
import { stripVTControlCharacters } from 'node:util'
import pc from 'picocolors'
import yoctoSpinner from 'yocto-spinner'
import type { CliIo, OutStream } from './io.js'

export type Colors = ReturnType<typeof pc.createColors>

/**
 * Whether to colour a stream: `--color`/`--no-color` win; then NO_COLOR (any non-empty value)
 * and FORCE_COLOR (`0`/`false` off, anything else on); then a terminal that is not `dumb`.
 * picocolors' own guess reads the process's environment and argv, which are not this run's.
 */
export function wantColor(
  stream: OutStream,
  flag: boolean | undefined,
  env: CliIo['env']
): boolean {
  if (flag !== undefined) return flag
  if (env.NO_COLOR) return false
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false
  if (env.FORCE_COLOR !== undefined) return true
  return stream.isTTY === true && env.TERM !== 'dumb'
}

/**
 * A spinner only where a person watches: a real terminal stream (the spinner moves the cursor
 * with its cursorTo/clearLine), not CI, not `dumb`, colours allowed.
 */
export function wantSpinner(io: CliIo, color: boolean | undefined): boolean {
  const terminal =
    io.stderr.isTTY === true && typeof (io.stderr as Partial<WriteStream>).cursorTo === 'function'
  return terminal && io.env.TERM !== 'dumb' && !('CI' in io.env) && color !== false
}

export interface UiOptions {
  color?: boolean
  json?: boolean
}

export interface Ui {
  /** Colours for stdout (none with --json). */
  out: Colors
  /** Colours for stderr. */
  err: Colors
  json: boolean
  /** Writes a line to stdout. */
  print(line: string): void
  /** Writes a line to stderr (nothing with --json: stdout holds the one document). */
  note(line: string): void
  /** Runs one step with progress on stderr: a spinner on a terminal, else a line per step. */
  step<T>(text: string, work: () => Promise<T>): Promise<T>
}

export function createUi(options: UiOptions, io: CliIo): Ui {
  const json = options.json === true
  const out = pc.createColors(!json && wantColor(io.stdout, options.color, io.env))
  const err = pc.createColors(wantColor(io.stderr, options.color, io.env))
  const spin = !json && wantSpinner(io, options.color)
  const note = (line: string) => {
    if (!json) io.stderr.write(`${line}\n`)
  }
  async function step<T>(text: string, work: () => Promise<T>): Promise<T> {
    if (json) return work()
    const spinner = spin ? yoctoSpinner({ text, stream: io.stderr }).start() : undefined
    if (spinner === undefined) note(`- ${text}`)
    const end = (line: string) => (spinner ? spinner.stop(line) : note(line))
    try {
      const result = await work()
      end(`${err.green('✔')} ${text}`)
      return result
    } catch (error) {
      end(`${err.red('✖')} ${text}`)
      throw error
    }
  }
  return { out, err, json, print: line => io.stdout.write(`${line}\n`), note, step }
}

/**
 * Columns separated by two spaces, no borders: readable, and `grep`/`awk` still work on it.
 * Widths ignore colour codes. Cells must already be printable (see text.ts).
 */
export function table(head: string[], rows: string[][], colors: Colors): string {
  const visible = (text: string) => stripVTControlCharacters(text).length
  const widths = head.map((title, i) =>
    Math.max(title.length, ...rows.map(row => visible(row[i] ?? '')))
  )
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - visible(cell))))
      .join('  ')
      .trimEnd()
  return [colors.bold(line(head)), ...rows.map(line)].join('\n')
}

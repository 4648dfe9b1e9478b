import { secretMasker } from '@fargate-promote/common'
import type { Annotation } from '../model.js'

/**
 * `name=value` and `name<<DELIMITER … DELIMITER` entries of a runner file (GITHUB_OUTPUT,
 * GITHUB_ENV, GITHUB_STATE), as the runner reads them.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc !== null) {
      const name = heredoc[1] as string
      const delimiter = heredoc[2] as string
      const body: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '')
      if (i >= lines.length) throw new Error(`Matching delimiter not found '${delimiter}'.`)
      values[name] = body.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      values[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return values
}

function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

/** What a step asked of the runner through its output lines. */
export interface CommandEffects {
  annotations: Annotation[]
  masks: string[]
}

/**
 * Reads `::command props::message` lines as the runner does: annotations, masks, and
 * `::stop-commands::TOKEN` … `::TOKEN::`, during which nothing is a command.
 */
export class CommandReader {
  readonly effects: CommandEffects = { annotations: [], masks: [] }
  private stopToken: string | undefined

  /** Reads one line; returns true when the line is a command hidden from the log (mask, debug). */
  read(line: string): boolean {
    // A stop-commands token may hold digits and _ (GitHub's example is a uuidgen).
    const match = /^::([A-Za-z0-9_-]+)(?: ([^:]*))?::(.*)$/.exec(line.trimEnd())
    if (match === null) return false
    const [, command = '', , message = ''] = match
    if (this.stopToken !== undefined) {
      if (command === this.stopToken) this.stopToken = undefined
      return false
    }
    switch (command) {
      case 'stop-commands':
        this.stopToken = message
        return false
      case 'add-mask':
        if (message.trim() !== '') this.effects.masks.push(unescapeData(message))
        return true
      case 'error':
      case 'warning':
      case 'notice':
        this.effects.annotations.push({ level: command, message: unescapeData(message) })
        return false
      case 'debug':
        return true
      default:
        return false
    }
  }
}

/**
 * Replaces every mask (secrets given, `::add-mask::` values) with `***`, in every form the
 * runner masks it in: a step that pipes a token through base64 or puts it in a URL shows
 * `***` on GitHub too.
 */
export function maskText(text: string, masks: readonly string[]): string {
  return secretMasker(masks)(text)
}

/** Colours for a terminal, written only when the caller asked for colour. */

import { displayWidth, truncate } from './text.js'

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan'

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39]
}

export function paint(text: string, style: Style | undefined, color: boolean): string {
  if (!color || style === undefined || text === '') return text
  const [open, close] = CODES[style]
  return `\u001b[${open}m${text}\u001b[${close}m`
}

/** A piece of a line with its style; a line is printed after it is cut to the terminal's width. */
export interface Part {
  text: string
  style?: Style
}

export type Line = Part[]

/** `line` cut to `width` columns: parts past the width are dropped, the last one ends in `…`. */
export function fitLine(line: Line, width: number): Line {
  const fitted: Line = []
  let left = width
  for (const part of line) {
    const columns = displayWidth(part.text)
    if (columns <= left) {
      fitted.push(part)
      left -= columns
      continue
    }
    if (left > 0) fitted.push({ ...part, text: truncate(part.text, left) })
    break
  }
  return fitted
}

export function renderLine(line: Line, color: boolean): string {
  return line.map(part => paint(part.text, part.style, color)).join('')
}

export function lineText(line: Line): string {
  return line.map(part => part.text).join('')
}

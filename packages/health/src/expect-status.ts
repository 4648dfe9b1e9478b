import type { StatusRange } from './types.js'

const HOW = 'Use codes like 200, ranges like 200-299 or classes like 2xx, each within 100-599.'

/**
 * One `expect-status` entry: `200`, `2xx`, `200-299`. Returns the range, or what is wrong with
 * the entry (the caller adds the check and field).
 */
export function parseStatusEntry(entry: unknown): StatusRange | string {
  const text = typeof entry === 'number' ? String(entry) : typeof entry === 'string' ? entry : ''
  const trimmed = text.trim().toLowerCase()
  let from: number
  let to: number
  const cls = /^([1-5])xx$/.exec(trimmed)
  const range = /^(\d{3})\s*-\s*(\d{3})$/.exec(trimmed)
  if (cls) {
    from = Number(cls[1]) * 100
    to = from + 99
  } else if (range) {
    from = Number(range[1])
    to = Number(range[2])
  } else if (/^\d+$/.test(trimmed)) {
    from = to = Number(trimmed)
  } else {
    const shown = typeof entry === 'string' ? entry : (JSON.stringify(entry) ?? 'nothing')
    return `'${shown}' is not a status code. ${HOW}`
  }
  if (from < 100 || to > 599 || from > 599 || to < 100) {
    return `'${text.trim()}' is outside 100-599. ${HOW}`
  }
  if (from > to) return `'${text.trim()}' is an empty range (${from} > ${to}). ${HOW}`
  return { from, to, text: trimmed }
}

export function statusMatches(status: number, ranges: StatusRange[]): boolean {
  return ranges.some(range => status >= range.from && status <= range.to)
}

export function describeStatusRanges(ranges: StatusRange[]): string {
  return ranges.map(range => range.text).join(', ')
}

export const DEFAULT_EXPECT_STATUS: StatusRange[] = [{ from: 200, to: 299, text: '2xx' }]

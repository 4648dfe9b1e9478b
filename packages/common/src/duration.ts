const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g

/**
 * Parse `500ms`, `90s`, `10m`, `1h`, `1h30m`. A bare number is refused: "30" could be
 * seconds or minutes, and guessing is how a 30-minute timeout becomes 30 seconds.
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim()
  if (!DURATION.test(trimmed)) return undefined
  let total = 0
  for (const match of trimmed.matchAll(PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number)
  }
  return Math.round(total)
}

/** `1h 5m`, `2m 30s`, `45s`, `750ms`: the largest unit and the one below it, for people. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  const sign = ms < 0 ? '-' : ''
  const total = Math.abs(Math.round(ms))
  if (total < 1000) return `${sign}${total}ms`
  const units: [string, number][] = [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000]
  ]
  const first = units.findIndex(([, size]) => total >= size)
  const [bigUnit, bigSize] = units[first] as [string, number]
  const big = Math.floor(total / bigSize)
  const next = units[first + 1]
  const small = next ? Math.floor((total - big * bigSize) / next[1]) : 0
  return `${sign}${big}${bigUnit}` + (next && small > 0 ? ` ${small}${next[0]}` : '')
}

import type { LatencySummary, Sample } from './types.js'

/**
 * Nearest-rank percentile of values sorted ascending: the smallest value such that at least
 * p% of the values are ≤ it, i.e. `sorted[ceil(p/100 × n) − 1]` (p = 0 gives the minimum).
 * Always one of the observed values, never an interpolation: "p95 = 212 ms" means a request
 * really took 212 ms. Undefined for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(rank, sorted.length) - 1]
}

/** p50/p95/p99 over every sample that got a response; error rate over all samples. */
export function summarizeLatency(samples: readonly Sample[]): LatencySummary {
  const latencies: number[] = []
  let failed = 0
  for (const sample of samples) {
    if (!sample.ok) failed++
    if (sample.latencyMs !== undefined) latencies.push(sample.latencyMs)
  }
  latencies.sort((a, b) => a - b)
  return {
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    errorRate: samples.length === 0 ? 0 : failed / samples.length,
    count: samples.length
  }
}

export interface LatencyThresholds {
  p95Ms?: number
  p99Ms?: number
  /** 0..1 */
  maxErrorRate?: number
}

/** One sentence per threshold broken, in the words a person reads in a summary. */
export function thresholdViolations(
  summary: LatencySummary,
  thresholds: LatencyThresholds | undefined
): string[] {
  if (thresholds === undefined || summary.count === 0) return []
  const violations: string[] = []
  const over = (label: string, value: number | undefined, limit: number | undefined) => {
    if (limit !== undefined && value !== undefined && value > limit) {
      violations.push(`${label} latency ${Math.round(value)} ms exceeds ${limit} ms`)
    }
  }
  over('p95', summary.p95Ms, thresholds.p95Ms)
  over('p99', summary.p99Ms, thresholds.p99Ms)
  if (thresholds.maxErrorRate !== undefined && summary.errorRate > thresholds.maxErrorRate) {
    violations.push(
      `error rate ${formatRate(summary.errorRate)} exceeds ${formatRate(thresholds.maxErrorRate)}`
    )
  }
  return violations
}

export function formatRate(rate: number): string {
  const percent = rate * 100
  return `${Number.isInteger(percent) ? percent : percent.toFixed(2)}%`
}

const BLOCKS = '▁▂▃▄▅▆▇█'
export const SPARKLINE_MAX_POINTS = 60

/**
 * A line of block characters scaled from the lowest to the highest value. Longer series are
 * cut into at most 60 buckets and each bucket shows its MAXIMUM: a latency spike must stay
 * visible, and an average would flatten it away. Non-finite values are skipped.
 */
export function sparkline(values: readonly number[]): string {
  const finite = values.filter(value => Number.isFinite(value))
  if (finite.length === 0) return ''
  let points = finite
  if (finite.length > SPARKLINE_MAX_POINTS) {
    points = []
    for (let bucket = 0; bucket < SPARKLINE_MAX_POINTS; bucket++) {
      const from = Math.floor((bucket * finite.length) / SPARKLINE_MAX_POINTS)
      const to = Math.floor(((bucket + 1) * finite.length) / SPARKLINE_MAX_POINTS)
      points.push(Math.max(...finite.slice(from, to)))
    }
  }
  const low = Math.min(...points)
  const high = Math.max(...points)
  const span = high - low
  return points
    .map(value => {
      const level = span === 0 ? 0 : Math.round(((value - low) / span) * (BLOCKS.length - 1))
      return BLOCKS[level] as string
    })
    .join('')
}

import type { TrafficFigures } from './metrics.js'

export interface AnalysisThresholds {
  /** Highest share of 5XX answers the new revision may have, 0–1. */
  maxErrorRate: number
  /** Highest rise of the error rate over the old revision's, in rate points (0.01 = 1 point). */
  maxErrorRateIncrease?: number
  /** Highest p99 latency of the new revision, in ms. */
  maxLatencyMs?: number
  /** How much slower (mean or p99) than the old revision the new one may be, in percent. */
  maxLatencyIncreasePercent?: number
  /** Requests a revision needs in the window before its figures are judged. */
  minRequests: number
}

export interface AnalysisOptions {
  /** The new revision's figures over the window. */
  candidate: TrafficFigures
  /** The old revision's figures over the same window, when it still served traffic. */
  baseline?: TrafficFigures
  thresholds: AnalysisThresholds
}

export type AnalysisVerdict = 'pass' | 'fail' | 'inconclusive'

export interface AnalysisResult {
  verdict: AnalysisVerdict
  /** Why, one sentence each: every threshold broken, or what passed / is missing. */
  reasons: string[]
}

/** A measured share: one decimal, `20.0%`. */
function measured(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`
}

/** A configured share, as written: `5%`, `0.5%`. */
function limit(rate: number): string {
  return `${Number((rate * 100).toFixed(3))}%`
}

function ms(value: number): string {
  return `${Number(value.toFixed(1))} ms`
}

function requestsOf(figures: TrafficFigures): string {
  return `${figures.requests} request${figures.requests === 1 ? '' : 's'}`
}

function errorReasons(options: AnalysisOptions, baseline: TrafficFigures | undefined): string[] {
  const { candidate, thresholds } = options
  const failed = `new revision: ${measured(candidate.errorRate)} of ${requestsOf(candidate)} failed`
  const old = baseline === undefined ? '' : ` (old: ${measured(baseline.errorRate)})`
  const reasons: string[] = []
  if (candidate.errorRate > thresholds.maxErrorRate) {
    reasons.push(`${failed}${old}, above ${limit(thresholds.maxErrorRate)}`)
  }
  const increase = thresholds.maxErrorRateIncrease
  if (baseline !== undefined && increase !== undefined) {
    const rise = candidate.errorRate - baseline.errorRate
    if (rise > increase) {
      reasons.push(
        `${failed}${old}, ${(rise * 100).toFixed(1)} points above the old revision (at most ${Number((increase * 100).toFixed(3))} allowed)`
      )
    }
  }
  return reasons
}

function latencyReasons(options: AnalysisOptions, baseline: TrafficFigures | undefined): string[] {
  const { candidate, thresholds } = options
  const reasons: string[] = []
  const p99 = candidate.p99LatencyMs
  if (thresholds.maxLatencyMs !== undefined && p99 !== undefined && p99 > thresholds.maxLatencyMs) {
    reasons.push(`new revision: p99 latency ${ms(p99)}, above ${ms(thresholds.maxLatencyMs)}`)
  }
  const percent = thresholds.maxLatencyIncreasePercent
  if (baseline === undefined || percent === undefined) return reasons
  const compare = (label: string, mine: number | undefined, theirs: number | undefined) => {
    if (mine === undefined || theirs === undefined || mine <= theirs * (1 + percent / 100)) return
    reasons.push(
      `new revision: ${label} latency ${ms(mine)} (old: ${ms(theirs)}), more than ${percent}% slower`
    )
  }
  compare('mean', candidate.meanLatencyMs, baseline.meanLatencyMs)
  compare('p99', p99, baseline.p99LatencyMs)
  return reasons
}

/**
 * Judges the new revision's traffic against the thresholds and against the old revision's over
 * the same window. Fails on any threshold broken; inconclusive while the new revision has fewer
 * than `minRequests` requests, unless its errors alone already break `maxErrorRate` at
 * `minRequests` (no further success could save it). The old revision is compared with only when
 * it has `minRequests` too.
 */
export function analyse(options: AnalysisOptions): AnalysisResult {
  const { candidate, thresholds } = options
  const enough = (figures: TrafficFigures) => figures.requests >= thresholds.minRequests
  const baseline =
    options.baseline !== undefined && enough(options.baseline) ? options.baseline : undefined
  if (!enough(candidate)) {
    const atBest = candidate.errors / thresholds.minRequests
    if (atBest > thresholds.maxErrorRate) {
      const reason = `new revision: ${candidate.errors} of its first ${requestsOf(candidate)} failed, above ${limit(thresholds.maxErrorRate)} of the ${thresholds.minRequests} requests needed even if all others succeed`
      return { verdict: 'fail', reasons: [reason] }
    }
    const reason = `new revision: ${requestsOf(candidate)}, fewer than the ${thresholds.minRequests} needed for a verdict`
    return { verdict: 'inconclusive', reasons: [reason] }
  }
  const reasons = [...errorReasons(options, baseline), ...latencyReasons(options, baseline)]
  if (reasons.length > 0) return { verdict: 'fail', reasons }
  const latency =
    candidate.p99LatencyMs === undefined ? '' : `, p99 latency ${ms(candidate.p99LatencyMs)}`
  const passed = [
    `new revision: ${measured(candidate.errorRate)} of ${requestsOf(candidate)} failed${latency}, within the thresholds`
  ]
  if (options.baseline !== undefined && baseline === undefined) {
    passed.push(
      `old revision: ${requestsOf(options.baseline)}, too few to compare with (${thresholds.minRequests} needed)`
    )
  }
  return { verdict: 'pass', reasons: passed }
}

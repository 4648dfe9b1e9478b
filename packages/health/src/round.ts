import {
  formatRate,
  summarizeLatency,
  thresholdViolations,
  type LatencyThresholds
} from './analysis.js'
import type { Sample } from './types.js'

export interface RoundVerdict {
  ok: boolean
  detail: string
}

/**
 * One round of one check: a single probe, or a load batch. An HTTP round passes when its error
 * rate is within maxErrorRate (0 unless set) and its p95/p99 within the thresholds; for a single
 * request that means "it passed, fast enough". Other checks pass when their one probe did.
 */
export function judgeRound(
  samples: readonly Sample[],
  thresholds: LatencyThresholds | undefined
): RoundVerdict {
  const first = samples[0]
  if (first === undefined) return { ok: false, detail: 'no sample taken' }
  if (first.type !== 'http') return { ok: first.ok, detail: first.detail }
  const summary = summarizeLatency(samples)
  const maxErrorRate = thresholds?.maxErrorRate ?? 0
  const failed = samples.filter(sample => !sample.ok)
  const problems = thresholdViolations(summary, { ...thresholds, maxErrorRate })
  if (samples.length === 1) {
    const latencyProblems = problems.filter(problem => !problem.startsWith('error rate'))
    if (!first.ok) return { ok: false, detail: first.detail }
    if (latencyProblems.length > 0) {
      return { ok: false, detail: `${first.detail}; ${latencyProblems.join('; ')}` }
    }
    return { ok: true, detail: first.detail }
  }
  const counts = `${samples.length} requests, ${failed.length} failed (${formatRate(summary.errorRate)})`
  const ms = (value: number | undefined) =>
    value === undefined ? 'n/a' : `${Math.round(value)} ms`
  const latency = `p50 ${ms(summary.p50Ms)}, p95 ${ms(summary.p95Ms)}`
  if (problems.length > 0) {
    const example = failed[0] ? `; first failure: ${failed[0].detail}` : ''
    return { ok: false, detail: `${counts}: ${problems.join('; ')}${example}` }
  }
  const example = failed[0] ? `; failures: ${failed[0].detail}` : ''
  return { ok: true, detail: `${counts}, ${latency}${example}` }
}

import { describe, expect, it } from '@jest/globals'
import { analyse, type AnalysisThresholds, type TrafficFigures } from '../src/index.js'

const figures = (
  requests: number,
  errors: number,
  meanLatencyMs?: number,
  p99LatencyMs?: number
): TrafficFigures => ({
  requests,
  errors,
  errorRate: requests === 0 ? 0 : errors / requests,
  meanLatencyMs,
  p99LatencyMs
})

const thresholds: AnalysisThresholds = { maxErrorRate: 0.05, minRequests: 50 }
const healthy = figures(4000, 0, 2, 3)

describe('analyse', () => {
  it('fails a candidate above the error rate, naming the old rate', () => {
    expect(analyse({ candidate: figures(512, 103, 2, 3), baseline: healthy, thresholds })).toEqual({
      verdict: 'fail',
      reasons: ['new revision: 20.1% of 512 requests failed (old: 0.0%), above 5%']
    })
    expect(analyse({ candidate: figures(512, 103), thresholds }).reasons).toEqual([
      'new revision: 20.1% of 512 requests failed, above 5%'
    ])
  })

  it('fails a candidate whose error rate rises above the old one by more than allowed', () => {
    const rising = { ...thresholds, maxErrorRateIncrease: 0.01 }
    const baseline = figures(1000, 5)
    expect(analyse({ candidate: figures(200, 6), baseline, thresholds: rising })).toEqual({
      verdict: 'fail',
      reasons: [
        'new revision: 3.0% of 200 requests failed (old: 0.5%), 2.5 points above the old revision (at most 1 allowed)'
      ]
    })
    expect(analyse({ candidate: figures(200, 2), baseline, thresholds: rising }).verdict).toBe(
      'pass'
    )
    // Without the increase threshold only the absolute one applies.
    expect(analyse({ candidate: figures(200, 6), baseline, thresholds }).verdict).toBe('pass')
  })

  it('fails on p99 latency above the maximum', () => {
    const slow = { ...thresholds, maxLatencyMs: 300 }
    expect(analyse({ candidate: figures(100, 0, 402, 402.25), thresholds: slow })).toEqual({
      verdict: 'fail',
      reasons: ['new revision: p99 latency 402.3 ms, above 300 ms']
    })
    expect(analyse({ candidate: figures(100, 0, 2, 250), thresholds: slow }).verdict).toBe('pass')
    expect(analyse({ candidate: figures(100, 0), thresholds: slow }).verdict).toBe('pass')
  })

  it('fails on latency slower than the old revision by more than the percentage', () => {
    const relative = { ...thresholds, maxLatencyIncreasePercent: 50 }
    expect(
      analyse({ candidate: figures(100, 0, 402, 410), baseline: healthy, thresholds: relative })
    ).toEqual({
      verdict: 'fail',
      reasons: [
        'new revision: mean latency 402 ms (old: 2 ms), more than 50% slower',
        'new revision: p99 latency 410 ms (old: 3 ms), more than 50% slower'
      ]
    })
    const within = figures(100, 0, 3, 4.5)
    expect(analyse({ candidate: within, baseline: healthy, thresholds: relative }).verdict).toBe(
      'pass'
    )
    // Nothing to compare: no latencies, no baseline, or no percentage.
    const quiet = figures(100, 0)
    expect(analyse({ candidate: quiet, baseline: healthy, thresholds: relative }).verdict).toBe(
      'pass'
    )
    expect(
      analyse({
        candidate: figures(100, 0, 400, 400),
        baseline: figures(100, 0),
        thresholds: relative
      }).verdict
    ).toBe('pass')
    expect(analyse({ candidate: figures(100, 0, 400, 400), thresholds: relative }).verdict).toBe(
      'pass'
    )
    expect(
      analyse({ candidate: figures(100, 0, 400, 400), baseline: healthy, thresholds }).verdict
    ).toBe('pass')
  })

  it('passes with a readable summary, noting an old revision too small to compare with', () => {
    expect(
      analyse({ candidate: figures(1, 0, 2, 3), thresholds: { ...thresholds, minRequests: 1 } })
    ).toEqual({
      verdict: 'pass',
      reasons: ['new revision: 0.0% of 1 request failed, p99 latency 3 ms, within the thresholds']
    })
    const relative = { ...thresholds, maxErrorRateIncrease: 0, maxLatencyIncreasePercent: 0 }
    expect(
      analyse({
        candidate: figures(100, 1, 9, 9),
        baseline: figures(10, 0, 1, 1),
        thresholds: relative
      })
    ).toEqual({
      verdict: 'pass',
      reasons: [
        'new revision: 1.0% of 100 requests failed, p99 latency 9 ms, within the thresholds',
        'old revision: 10 requests, too few to compare with (50 needed)'
      ]
    })
  })

  it('is inconclusive below minRequests, unless the errors already decide', () => {
    expect(analyse({ candidate: figures(20, 2), baseline: healthy, thresholds })).toEqual({
      verdict: 'inconclusive',
      reasons: ['new revision: 20 requests, fewer than the 50 needed for a verdict']
    })
    expect(analyse({ candidate: figures(0, 0), thresholds }).verdict).toBe('inconclusive')
    expect(analyse({ candidate: figures(20, 3), thresholds })).toEqual({
      verdict: 'fail',
      reasons: [
        'new revision: 3 of its first 20 requests failed, above 5% of the 50 requests needed even if all others succeed'
      ]
    })
  })
})

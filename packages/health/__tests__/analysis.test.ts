import { describe, expect, it } from '@jest/globals'
import {
  formatRate,
  percentile,
  sparkline,
  summarizeLatency,
  thresholdViolations,
  type Sample
} from '../src/index.js'

function sample(latencyMs: number | undefined, ok = true): Sample {
  return {
    check: 'api',
    type: 'http',
    at: 0,
    ok,
    detail: '',
    ...(latencyMs === undefined ? {} : { latencyMs })
  }
}

describe('percentile (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1)
  it.each<[readonly number[], number, number | undefined]>([
    [[15, 20, 35, 40, 50], 5, 15],
    [[15, 20, 35, 40, 50], 30, 20],
    [[15, 20, 35, 40, 50], 40, 20],
    [[15, 20, 35, 40, 50], 50, 35],
    [[15, 20, 35, 40, 50], 100, 50],
    [[15, 20, 35, 40, 50], 0, 15],
    [oneToHundred, 50, 50],
    [oneToHundred, 95, 95],
    [oneToHundred, 99, 99],
    [[7], 99, 7],
    [[], 50, undefined]
  ])('of %j at p%i is %s', (sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected)
  })
})

describe('summarizeLatency', () => {
  it('computes exact percentiles and the error rate from known samples', () => {
    // 1..200 ms shuffled; 67 and 134 fail with a response, 2 more fail without one.
    const latencies = Array.from({ length: 200 }, (_, i) => ((i * 73) % 200) + 1)
    const samples = [
      ...latencies.map(ms => sample(ms, ms % 67 !== 0)),
      sample(undefined, false),
      sample(undefined, false)
    ]
    expect(summarizeLatency(samples)).toEqual({
      p50Ms: 100,
      p95Ms: 190,
      p99Ms: 198,
      errorRate: 4 / 202,
      count: 202
    })
  })

  it('is empty for no samples', () => {
    expect(summarizeLatency([])).toEqual({
      p50Ms: undefined,
      p95Ms: undefined,
      p99Ms: undefined,
      errorRate: 0,
      count: 0
    })
  })
})

describe('thresholdViolations', () => {
  const summary = { p50Ms: 20, p95Ms: 480.4, p99Ms: 900, errorRate: 0.02, count: 100 }
  it.each<[object | undefined, string[]]>([
    [undefined, []],
    [{}, []],
    [{ p95Ms: 500, p99Ms: 1000, maxErrorRate: 0.05 }, []],
    [{ p95Ms: 400 }, ['p95 latency 480 ms exceeds 400 ms']],
    [{ p99Ms: 899 }, ['p99 latency 900 ms exceeds 899 ms']],
    [{ maxErrorRate: 0.01 }, ['error rate 2% exceeds 1%']],
    [{ maxErrorRate: 0 }, ['error rate 2% exceeds 0%']],
    [
      { p95Ms: 100, p99Ms: 100, maxErrorRate: 0.015 },
      [
        'p95 latency 480 ms exceeds 100 ms',
        'p99 latency 900 ms exceeds 100 ms',
        'error rate 2% exceeds 1.50%'
      ]
    ]
  ])('with %j', (thresholds, expected) => {
    expect(thresholdViolations(summary, thresholds)).toEqual(expected)
  })

  it('says nothing without samples', () => {
    expect(thresholdViolations(summarizeLatency([]), { p95Ms: 1, maxErrorRate: 0 })).toEqual([])
  })

  it('formats rates', () => {
    expect(formatRate(0.125)).toBe('12.50%')
    expect(formatRate(1)).toBe('100%')
  })
})

describe('sparkline', () => {
  it.each<[number[], string]>([
    [[], ''],
    [[1, 2, 3, 4, 5, 6, 7, 8], '▁▂▃▄▅▆▇█'],
    [[8, 1], '█▁'],
    [[5, 5, 5], '▁▁▁'],
    [[0, Number.NaN, 10, Number.POSITIVE_INFINITY], '▁█'],
    [[Number.NaN], '']
  ])('of %j is %s', (values, expected) => {
    expect(sparkline(values)).toBe(expected)
  })

  it('downsamples to 60 points and keeps a spike visible', () => {
    const values = Array.from({ length: 6000 }, () => 10)
    values[3001] = 500
    const line = sparkline(values)
    expect([...line]).toHaveLength(60)
    expect(line.indexOf('█')).toBe(30)
    expect(line.replace('█', '')).toBe('▁'.repeat(59))
    expect([...sparkline(Array.from({ length: 61 }, (_, i) => i))]).toHaveLength(60)
  })
})

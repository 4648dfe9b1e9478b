import type { AlbMetricsPort, AlbTrafficMinute } from '../contract.js'
import type { Dimension } from './alarm-config.js'

/**
 * The AWS/ApplicationELB metrics the sim computes from the requests its listener proxies really
 * forwarded (elbv2/traffic-log.ts), as ALB publishes them
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
 * one datapoint per minute and only while requests flow; a count is reported only when it is
 * not zero; every request is one sample of a count metric (so Minimum, Maximum and Average are
 * 1 and Sum is the count) and one sample, in seconds, of TargetResponseTime. Dimensions:
 * `LoadBalancer` (`app/<name>/<id>`) alone or with `TargetGroup` (`targetgroup/<name>/<id>`)
 * for the target metrics; `LoadBalancer` alone for the load balancer's own codes.
 */

export const ALB_NAMESPACE = 'AWS/ApplicationELB'

/** Weighted samples: value → how many samples have it. */
export type Samples = [value: number, count: number][]

interface AlbMetric {
  unit: 'Count' | 'Seconds'
  /** False: only the LoadBalancer dimension (the load balancer's own answers). */
  perTargetGroup: boolean
  samples(minute: AlbTrafficMinute): Samples
}

const count = (n: number): Samples => (n > 0 ? [[1, n]] : [])

const elbCount = (match: (code: number) => boolean) => (minute: AlbTrafficMinute) =>
  count(
    Object.entries(minute.elbCodes)
      .filter(([code]) => match(Number(code)))
      .reduce((sum, [, n]) => sum + n, 0)
  )

const METRICS: Record<string, AlbMetric> = {
  RequestCount: { unit: 'Count', perTargetGroup: true, samples: m => count(m.requests) },
  HTTPCode_Target_2XX_Count: {
    unit: 'Count',
    perTargetGroup: true,
    samples: m => count(m.targetCodes['2XX'])
  },
  HTTPCode_Target_3XX_Count: {
    unit: 'Count',
    perTargetGroup: true,
    samples: m => count(m.targetCodes['3XX'])
  },
  HTTPCode_Target_4XX_Count: {
    unit: 'Count',
    perTargetGroup: true,
    samples: m => count(m.targetCodes['4XX'])
  },
  HTTPCode_Target_5XX_Count: {
    unit: 'Count',
    perTargetGroup: true,
    samples: m => count(m.targetCodes['5XX'])
  },
  TargetResponseTime: {
    unit: 'Seconds',
    perTargetGroup: true,
    samples: m => [...m.responseTimesMs].map(([ms, n]): [number, number] => [ms / 1000, n])
  },
  HTTPCode_ELB_5XX_Count: {
    unit: 'Count',
    perTargetGroup: false,
    samples: elbCount(c => c >= 500 && c < 600)
  },
  HTTPCode_ELB_502_Count: {
    unit: 'Count',
    perTargetGroup: false,
    samples: elbCount(c => c === 502)
  },
  HTTPCode_ELB_503_Count: {
    unit: 'Count',
    perTargetGroup: false,
    samples: elbCount(c => c === 503)
  }
}

/**
 * The per-minute samples a query reads, oldest first, or undefined when it names no metric the
 * sim publishes (another metric name, unit or dimension set: no data, as in CloudWatch).
 */
export function albMinutes(
  query: { namespace: string; metricName: string; dimensions: Dimension[]; unit?: string },
  port: AlbMetricsPort | undefined
): { minute: number; samples: Samples }[] | undefined {
  const metric = Object.hasOwn(METRICS, query.metricName) ? METRICS[query.metricName] : undefined
  if (query.namespace !== ALB_NAMESPACE || metric === undefined || port === undefined) return
  if (query.unit !== undefined && query.unit !== metric.unit) return
  const names = query.dimensions.map(d => d.Name).sort()
  const value = (name: string) => query.dimensions.find(d => d.Name === name)?.Value ?? ''
  const lbOnly = names.length === 1 && names[0] === 'LoadBalancer'
  const withGroup =
    metric.perTargetGroup &&
    names.length === 2 &&
    names[0] === 'LoadBalancer' &&
    names[1] === 'TargetGroup'
  if (!lbOnly && !withGroup) return
  return port
    .albTraffic(value('LoadBalancer'), withGroup ? value('TargetGroup') : undefined)
    .map(minute => ({ minute: minute.minute, samples: metric.samples(minute) }))
    .filter(m => m.samples.length > 0)
}

/** A statistic over weighted samples; `pNN` percentiles by nearest rank. */
export function statistic(stat: string, samples: Samples): number {
  let n = 0
  let sum = 0
  for (const [value, times] of samples) {
    n += times
    sum += value * times
  }
  switch (stat) {
    case 'SampleCount':
      return n
    case 'Sum':
      return sum
    case 'Average':
      return sum / n
    case 'Minimum':
      return Math.min(...samples.map(([v]) => v))
    case 'Maximum':
      return Math.max(...samples.map(([v]) => v))
  }
  const p = Number(stat.slice(1))
  const sorted = [...samples].sort((a, b) => a[0] - b[0])
  const rank = Math.max(1, Math.ceil((p / 100) * n))
  let seen = 0
  for (const [value, times] of sorted) {
    seen += times
    if (seen >= rank) return value
  }
  return sorted[sorted.length - 1]?.[0] ?? 0
}

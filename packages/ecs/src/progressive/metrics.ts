import type {
  CloudWatchClient,
  MetricDataQuery,
  MetricDataResult
} from '@aws-sdk/client-cloudwatch'

/** What the traffic analysis asks of CloudWatch: GetMetricData requests. */
export type MetricsReader = Pick<CloudWatchClient, 'send'>

/*
 * CloudWatch serves only the progressive strategies' analysis: loaded when first read, so a
 * rolling deployment does not pay for it at start-up.
 */
function loadCloudWatch(): Promise<typeof import('@aws-sdk/client-cloudwatch')> {
  return import('@aws-sdk/client-cloudwatch')
}

const MINUTE_MS = 60_000

/**
 * The `LoadBalancer` dimension of `AWS/ApplicationELB`: `app/<name>/<id>`, the part of an
 * Application Load Balancer ARN after `loadbalancer/` (a dimension value is returned as is).
 */
export function loadBalancerDimension(arnOrDimension: string): string {
  const match =
    /^(?:arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:loadbalancer\/)?(app\/[^/]+\/[^/]+)$/.exec(
      arnOrDimension
    )
  if (match?.[1] === undefined) {
    throw new Error(
      `'${arnOrDimension}' is not an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>); only ALB target groups have AWS/ApplicationELB metrics.`
    )
  }
  return match[1]
}

/** The `TargetGroup` dimension: `targetgroup/<name>/<id>`, the end of a target group ARN. */
export function targetGroupDimension(arnOrDimension: string): string {
  const match =
    /^(?:arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)?(targetgroup\/[^/]+\/[^/]+)$/.exec(
      arnOrDimension
    )
  if (match?.[1] === undefined) {
    throw new Error(
      `'${arnOrDimension}' is not a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>).`
    )
  }
  return match[1]
}

/** One revision's traffic over a stretch of time, as its target group's metrics tell it. */
export interface TrafficFigures {
  /** Requests routed to the target group (RequestCount). */
  requests: number
  /** Of those, answers 500–599 from the targets (HTTPCode_Target_5XX_Count). */
  errors: number
  /** errors / requests; 0 without requests. */
  errorRate: number
  /** Mean TargetResponseTime in ms; undefined without responses. */
  meanLatencyMs?: number
  /** 99th percentile of TargetResponseTime in ms; undefined without responses. */
  p99LatencyMs?: number
}

export interface MinuteTraffic extends TrafficFigures {
  /** Epoch ms of the minute's start. */
  minute: number
}

export interface RevisionTraffic {
  /** Whole minutes analysed: [from, to), both on minute boundaries; from === to when none. */
  from: number
  to: number
  /** Every whole minute of the window, oldest first; one without a datapoint had no requests. */
  minutes: MinuteTraffic[]
  /** The window's totals; its latencies are CloudWatch's over the whole window, not averages. */
  total: TrafficFigures
}

export interface RevisionTrafficOptions {
  /** The load balancer's ARN (or its `app/<name>/<id>` dimension). */
  loadBalancer: string
  /** The revision's target group ARN (or its `targetgroup/<name>/<id>` dimension). */
  targetGroup: string
  /** Epoch ms; the window starts at the first whole minute at or after it. */
  from: number
  /**
   * Epoch ms; the window ends at the last whole minute at or before it. ALB publishes a minute
   * once it is over, so `to` should be no later than now.
   */
  to: number
}

export interface RevisionTrafficDeps {
  cloudwatch: MetricsReader
}

type Series = 'requests' | 'errors' | 'mean' | 'p99' | 'windowMean' | 'windowP99'

function queries(options: RevisionTrafficOptions, windowSeconds: number): MetricDataQuery[] {
  const Dimensions = [
    { Name: 'LoadBalancer', Value: loadBalancerDimension(options.loadBalancer) },
    { Name: 'TargetGroup', Value: targetGroupDimension(options.targetGroup) }
  ]
  const query = (Id: Series, MetricName: string, Stat: string, Period = 60): MetricDataQuery => ({
    Id,
    MetricStat: {
      Metric: { Namespace: 'AWS/ApplicationELB', MetricName, Dimensions },
      Period,
      Stat
    }
  })
  return [
    query('requests', 'RequestCount', 'Sum'),
    query('errors', 'HTTPCode_Target_5XX_Count', 'Sum'),
    query('mean', 'TargetResponseTime', 'Average'),
    query('p99', 'TargetResponseTime', 'p99'),
    // Percentiles do not add up: the window's own come from one period spanning it.
    query('windowMean', 'TargetResponseTime', 'Average', windowSeconds),
    query('windowP99', 'TargetResponseTime', 'p99', windowSeconds)
  ]
}

/** Every page of one GetMetricData request, as timestamp → value per query id. */
async function readSeries(
  deps: RevisionTrafficDeps,
  from: number,
  to: number,
  metricQueries: MetricDataQuery[]
): Promise<Map<string, Map<number, number>>> {
  const { GetMetricDataCommand } = await loadCloudWatch()
  const series = new Map<string, Map<number, number>>()
  let NextToken: string | undefined
  do {
    const page = await deps.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(from),
        EndTime: new Date(to),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: metricQueries,
        NextToken
      })
    )
    for (const result of page.MetricDataResults ?? []) addResult(series, result)
    NextToken = page.NextToken
  } while (NextToken !== undefined)
  return series
}

function addResult(series: Map<string, Map<number, number>>, result: MetricDataResult): void {
  const id = result.Id ?? ''
  const values = series.get(id) ?? new Map<number, number>()
  series.set(id, values)
  const timestamps = result.Timestamps ?? []
  timestamps.forEach((at, i) => {
    const value = result.Values?.[i]
    if (value !== undefined) values.set(at.getTime(), value)
  })
}

function figures(
  requests: number,
  errors: number,
  meanSeconds: number | undefined,
  p99Seconds: number | undefined
): TrafficFigures {
  const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : seconds * 1000)
  return {
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    meanLatencyMs: ms(meanSeconds),
    p99LatencyMs: ms(p99Seconds)
  }
}

/**
 * One revision's requests, 5XX answers and response times from its target group's
 * `AWS/ApplicationELB` metrics, per minute and over the window: only whole minutes, since a
 * minute's datapoint counts only what that minute saw. One GetMetricData request (all pages).
 */
export async function revisionTraffic(
  options: RevisionTrafficOptions,
  deps: RevisionTrafficDeps
): Promise<RevisionTraffic> {
  const from = Math.ceil(options.from / MINUTE_MS) * MINUTE_MS
  const to = Math.max(from, Math.floor(options.to / MINUTE_MS) * MINUTE_MS)
  const metricQueries = queries(options, (to - from) / 1000)
  if (to === from) return { from, to, minutes: [], total: figures(0, 0, undefined, undefined) }
  const series = await readSeries(deps, from, to, metricQueries)
  const at = (id: Series, minute: number) => series.get(id)?.get(minute)
  const minutes: MinuteTraffic[] = []
  for (let minute = from; minute < to; minute += MINUTE_MS) {
    const counts = [at('requests', minute) ?? 0, at('errors', minute) ?? 0] as const
    minutes.push({ minute, ...figures(...counts, at('mean', minute), at('p99', minute)) })
  }
  const sum = (key: 'requests' | 'errors') => minutes.reduce((n, m) => n + m[key], 0)
  const total = figures(
    sum('requests'),
    sum('errors'),
    at('windowMean', from),
    at('windowP99', from)
  )
  return { from, to, minutes, total }
}

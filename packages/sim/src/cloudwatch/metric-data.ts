import { simMsPerClockMs } from '../clock.js'
import { SIM_ACCOUNT_ID } from '../contract.js'
import type { AlbMetricsPort, QueueMetricsPort, QueueMetricsSample, SimClock } from '../contract.js'
import { ALB_NAMESPACE, albMinutes, statistic, type Samples } from './alb-metrics.js'
import { encodePageToken } from './metric-query.js'
import type { MetricDataRequest, MetricStatQuery } from './metric-query.js'

/**
 * GetMetricData over the metrics the sim publishes: AWS/SQS ApproximateAgeOfOldestMessage and
 * ApproximateNumberOfMessagesVisible, per QueueName. SQS publishes one sample per queue every
 * minute, at whole minutes; a datapoint aggregates (Stat) the samples of one Period, and is
 * stamped with the start of that Period. Any other metric has no data, as in CloudWatch for a
 * metric nobody publishes.
 *
 * Time follows the sim's rule: timestamps (StartTime, EndTime, the datapoints') are the clock's
 * (wall-clock by default), durations (Period, the minute between samples, retention ages) are
 * sim time, so at time scale 20 a sample is taken every 3 real seconds and a 60 s Period spans
 * 3 real seconds. With virtual time, timestamps already are sim time and no conversion is made.
 */

const SAMPLE_EVERY_MS = 60_000
const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

const SQS_METRICS: Record<string, { unit: string; value(sample: QueueMetricsSample): number }> = {
  // SQS reports whole seconds.
  ApproximateAgeOfOldestMessage: {
    unit: 'Seconds',
    value: sample => Math.floor(sample.oldestMessageAgeMs / 1000)
  },
  ApproximateNumberOfMessagesVisible: { unit: 'Count', value: sample => sample.visibleMessages }
}

interface Point {
  /** Wall-clock epoch ms. */
  at: number
  value: number
}

/** The queue a query reads, or undefined when the query names no metric the sim publishes. */
function sqsQueueOf(query: MetricStatQuery) {
  const metric = SQS_METRICS[query.metricName]
  const [dimension, ...others] = query.dimensions
  if (query.namespace !== 'AWS/SQS' || metric === undefined) return undefined
  if (query.accountId !== undefined && query.accountId !== SIM_ACCOUNT_ID) return undefined
  // A unit other than the published one, or another dimension set, is another metric: no data.
  if (query.unit !== undefined && query.unit !== metric.unit) return undefined
  if (dimension?.Name !== 'QueueName' || others.length > 0) return undefined
  return { metric, queueName: dimension.Value }
}

/**
 * CloudWatch keeps 1-minute data 15 days, 5-minute data 63 days, then hourly data; sub-minute
 * periods only for 3 hours. A Period finer than what the StartTime's age allows returns no data,
 * and StartTime is rounded down as documented (to the Period below a minute).
 */
function grid(query: MetricStatQuery, simStart: number, simNow: number) {
  const age = simNow - simStart
  const resolutionS =
    age > 63 * DAY_MS ? 3600 : age > 15 * DAY_MS ? 300 : age > 3 * HOUR_MS ? 60 : 1
  if (query.period % resolutionS !== 0) return undefined
  const roundS = resolutionS > 60 ? resolutionS : query.period < 60 ? query.period : 60
  return Math.floor(simStart / (roundS * 1000)) * roundS * 1000
}

interface Sources {
  clock: SimClock
  queues?: QueueMetricsPort
  loadBalancers?: AlbMetricsPort
}

/** Datapoints of period buckets, as clock timestamps (`first`: sim ms of bucket 0). */
function points(
  query: MetricStatQuery,
  buckets: Map<number, Samples>,
  first: number,
  scale: number
): Point[] {
  const periodMs = query.period * 1000
  return [...buckets]
    .sort(([a], [b]) => a - b)
    .map(([bucket, samples]) => ({
      at: Math.round((first + bucket * periodMs) / scale),
      value: statistic(query.stat, samples)
    }))
}

/**
 * AWS/ApplicationELB (alb-metrics.ts): one sample set per sim minute with traffic, published
 * once the minute is over (ALB sends its metrics every 60 seconds).
 */
function albSeries(
  query: MetricStatQuery,
  request: MetricDataRequest,
  now: number,
  sources: Sources
): Point[] {
  const minutes = albMinutes(query, sources.loadBalancers)
  if (minutes === undefined) return []
  const scale = simMsPerClockMs(sources.clock)
  const simNow = now * scale
  const simEnd = request.endMs * scale
  const first = grid(query, request.startMs * scale, simNow)
  if (first === undefined) return []
  const buckets = new Map<number, Samples>()
  for (const { minute, samples } of minutes) {
    const at = minute * MINUTE_MS
    if (at < first || at >= simEnd || at + MINUTE_MS > simNow) continue
    const bucket = Math.floor((at - first) / (query.period * 1000))
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), ...samples])
  }
  return points(query, buckets, first, scale)
}

function series(
  query: MetricStatQuery,
  request: MetricDataRequest,
  now: number,
  sources: Sources
): Point[] {
  if (query.namespace === ALB_NAMESPACE) return albSeries(query, request, now, sources)
  const { clock, queues } = sources
  const source = sqsQueueOf(query)
  const createdAt = source && queues?.queueCreatedAt(source.queueName)
  if (!source || !queues || createdAt === undefined) return []
  // Work in sim milliseconds since the epoch, so samples sit on whole sim minutes.
  const scale = simMsPerClockMs(clock)
  const simNow = now * scale
  const simEnd = request.endMs * scale
  const first = grid(query, request.startMs * scale, simNow)
  if (first === undefined) return []
  const periodMs = query.period * 1000
  const buckets = new Map<number, Samples>()
  const from = Math.max(first, createdAt * scale)
  for (
    let at = Math.ceil(from / SAMPLE_EVERY_MS) * SAMPLE_EVERY_MS;
    at < simEnd && at <= simNow;
    at += SAMPLE_EVERY_MS
  ) {
    const sample = queues.queueMetrics(source.queueName, at / scale)
    if (sample === undefined) continue
    const bucket = Math.floor((at - first) / periodMs)
    const values = buckets.get(bucket) ?? []
    values.push([source.metric.value(sample), 1])
    buckets.set(bucket, values)
  }
  return points(query, buckets, first, scale)
}

export function getMetricData(request: MetricDataRequest, deps: Sources) {
  // Later pages are computed as of the first page's time, so the datapoints do not shift.
  const now = Math.min(request.page.now ?? deps.clock.now(), deps.clock.now())
  const returned = request.queries.filter(q => q.returnData)
  const pageStart = request.page.offset
  const pageEnd = pageStart + request.maxDatapoints
  let before = 0
  const results = returned.map(query => {
    const all = series(query, request, now, deps)
    if (request.scanBy === 'TimestampDescending') all.reverse()
    const from = Math.min(Math.max(pageStart - before, 0), all.length)
    const to = Math.min(Math.max(pageEnd - before, 0), all.length)
    before += all.length
    const page = all.slice(from, to)
    return {
      Id: query.id,
      Label: query.label ?? query.metricName,
      Timestamps: page.map(p => new Date(p.at)),
      Values: page.map(p => p.value),
      StatusCode: to < all.length ? 'PartialData' : 'Complete',
      Messages: []
    }
  })
  return {
    MetricDataResults: results,
    NextToken: pageEnd < before ? encodePageToken(pageEnd, now) : undefined,
    Messages: []
  }
}

import { simMsPerClockMs } from '../clock.js'
import type { AlbTrafficMinute, SimClock } from '../contract.js'

/**
 * What the listener proxies saw, aggregated per sim minute for each load balancer and each
 * (load balancer, target group) pair: the figures CloudWatch's AWS/ApplicationELB metrics are
 * computed from (cloudwatch/alb-metrics.ts). ALB measures and sends its metrics in 60-second
 * intervals and only while requests flow, and excludes health checks
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html);
 * health checks never pass through a proxy here.
 *
 * Memory stays bounded: one record per series and minute with traffic, response times kept as
 * counts per whole sim millisecond, and minutes older than CloudWatch's 15 days of 1-minute
 * data dropped.
 */

const MINUTE_MS = 60_000
const RETENTION_MINUTES = 15 * 24 * 60

/** What happened to one request a listener proxied. */
export type ProxiedOutcome =
  /** A target answered `status` after `responseTimeMs` sim ms. */
  | { kind: 'target'; targetGroupSuffix: string; status: number; responseTimeMs: number }
  /** A target was chosen but could not answer: the ALB wrote 502 (or 504). */
  | { kind: 'target-failed'; targetGroupSuffix: string; status: number }
  /** No healthy target to choose: the ALB wrote 503. */
  | { kind: 'no-target'; status: number }

interface MinuteRec extends AlbTrafficMinute {
  responseTimesMs: Map<number, number>
}

function emptyMinute(minute: number): MinuteRec {
  return {
    minute,
    requests: 0,
    targetCodes: { '2XX': 0, '3XX': 0, '4XX': 0, '5XX': 0 },
    elbCodes: {},
    responseTimesMs: new Map()
  }
}

export class TrafficLog {
  /** Series key (`lb` or `lb|tg`, ARN suffixes) → minute index → figures. */
  private readonly series = new Map<string, Map<number, MinuteRec>>()

  constructor(private readonly clock: SimClock) {}

  /** The sim minute (since the epoch) of the clock's now. */
  private minuteNow(): number {
    return Math.floor((this.clock.now() * simMsPerClockMs(this.clock)) / MINUTE_MS)
  }

  private minuteOf(key: string, minute: number): MinuteRec {
    let minutes = this.series.get(key)
    if (minutes === undefined) {
      minutes = new Map()
      this.series.set(key, minutes)
    }
    let figures = minutes.get(minute)
    if (figures === undefined) {
      figures = emptyMinute(minute)
      minutes.set(minute, figures)
      for (const old of minutes.keys()) {
        if (old <= minute - RETENTION_MINUTES) minutes.delete(old)
      }
    }
    return figures
  }

  record(loadBalancerSuffix: string, outcome: ProxiedOutcome): void {
    const minute = this.minuteNow()
    const keys =
      outcome.kind === 'no-target'
        ? [loadBalancerSuffix]
        : [loadBalancerSuffix, `${loadBalancerSuffix}|${outcome.targetGroupSuffix}`]
    for (const key of keys) {
      const figures = this.minuteOf(key, minute)
      if (outcome.kind !== 'target') {
        const code = String(outcome.status)
        figures.elbCodes[code] = (figures.elbCodes[code] ?? 0) + 1
      }
      if (outcome.kind === 'no-target') continue
      // RequestCount counts requests for which the load balancer chose a target.
      figures.requests++
      if (outcome.kind !== 'target') continue
      const statusClass = `${Math.floor(outcome.status / 100)}XX`
      if (statusClass in figures.targetCodes) {
        figures.targetCodes[statusClass as keyof AlbTrafficMinute['targetCodes']]++
      }
      const ms = Math.max(0, Math.round(outcome.responseTimeMs))
      figures.responseTimesMs.set(ms, (figures.responseTimesMs.get(ms) ?? 0) + 1)
    }
  }

  /** The minutes with traffic of one series, oldest first (`targetGroup` undefined: the whole load balancer). */
  minutes(loadBalancerSuffix: string, targetGroupSuffix?: string): AlbTrafficMinute[] {
    const key =
      targetGroupSuffix === undefined
        ? loadBalancerSuffix
        : `${loadBalancerSuffix}|${targetGroupSuffix}`
    return [...(this.series.get(key)?.values() ?? [])].sort((a, b) => a.minute - b.minute)
  }

  clear(): void {
    this.series.clear()
  }
}

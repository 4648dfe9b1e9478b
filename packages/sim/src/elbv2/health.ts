import { request } from 'node:http'
import type { SimClock, Target, TargetHealthView } from '../contract.js'
import type { HealthCheckSettings } from './model.js'

/**
 * Real health checks against a registered target, with the states, reason codes and
 * descriptions of the ALB user guide (aws-behaviour.md §5):
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * A new target passes to `healthy` on its first successful check; after that the healthy
 * threshold applies to unhealthy→healthy and the unhealthy threshold to any →unhealthy.
 * Real health is reported for every registered target, whether or not a listener uses its
 * group (AWS would say `unused`/`Target.NotInUse`); the sim keeps that case out for simplicity.
 */

export const HEALTH_CHECKER_AGENT = 'ELB-HealthChecker/2.0'

/** Sim ms a registration takes before the first health check. */
export const REGISTRATION_MS = 2_000

export const REGISTRATION_IN_PROGRESS: TargetHealthView = {
  state: 'initial',
  reason: 'Elb.RegistrationInProgress',
  description: 'Target registration is in progress'
}
export const INITIAL_HEALTH_CHECKING: TargetHealthView = {
  state: 'initial',
  reason: 'Elb.InitialHealthChecking',
  description: 'Initial health checks in progress'
}
export const DRAINING: TargetHealthView = {
  state: 'draining',
  reason: 'Target.DeregistrationInProgress',
  description: 'Target deregistration is in progress'
}
export const NOT_REGISTERED: TargetHealthView = {
  state: 'unused',
  reason: 'Target.NotRegistered',
  description: 'Target is not registered to the target group'
}
export const HEALTH_CHECK_DISABLED: TargetHealthView = {
  state: 'unavailable',
  reason: 'Target.HealthCheckDisabled',
  description: 'Health checks are disabled'
}

export type ProbeResult =
  { ok: true } | { ok: false; failure: TargetHealthView & { state: 'unhealthy' } }

export interface ProbeOptions {
  host: string
  port: number
  path: string
  matcher: string
  /** Real milliseconds. */
  timeoutMs: number
}

/** `200`, `200,202`, `200-299` (the Matcher.HttpCode grammar). */
export function matchesHttpCode(matcher: string, status: number): boolean {
  return matcher.split(',').some(part => {
    const [low, high] = part.trim().split('-').map(Number)
    return high === undefined ? status === low : status >= (low ?? 0) && status <= high
  })
}

export function probe(options: ProbeOptions): Promise<ProbeResult> {
  return new Promise(resolve => {
    let settled = false
    const done = (result: ProbeResult): void => {
      if (settled) return
      settled = true
      resolve(result)
    }
    // A fresh connection per check, as an ALB health checker opens one.
    const req = request(
      {
        host: options.host,
        port: options.port,
        path: options.path,
        method: 'GET',
        agent: false,
        headers: { 'user-agent': HEALTH_CHECKER_AGENT, connection: 'close' }
      },
      res => {
        res.resume()
        const status = res.statusCode ?? 0
        done(
          matchesHttpCode(options.matcher, status)
            ? { ok: true }
            : {
                ok: false,
                failure: {
                  state: 'unhealthy',
                  reason: 'Target.ResponseCodeMismatch',
                  description: `Health checks failed with these codes: [${status}]`
                }
              }
        )
      }
    )
    req.setTimeout(options.timeoutMs, () => {
      done({
        ok: false,
        failure: { state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' }
      })
      req.destroy()
    })
    req.on('error', () =>
      done({
        ok: false,
        failure: {
          state: 'unhealthy',
          reason: 'Target.FailedHealthChecks',
          description: 'Health checks failed'
        }
      })
    )
    req.end()
  })
}

export interface HealthTrackerOptions {
  clock: SimClock
  target: Target
  settings: () => HealthCheckSettings
  /** Lower bound for the real probe timeout, so loopback jitter at high time scales is no timeout. */
  minTimeoutMs: number
}

/** The health of one registered target, kept current by periodic probes. */
export class TargetHealthTracker {
  private view: TargetHealthView = REGISTRATION_IN_PROGRESS
  private passes = 0
  private failures = 0
  private inFlight = false
  private cancels: (() => void)[] = []
  private cancelInterval: (() => void) | undefined
  private intervalSeconds = 0
  private stopped = false

  constructor(private readonly options: HealthTrackerOptions) {
    this.cancels.push(options.clock.setTimer(() => this.begin(), REGISTRATION_MS))
  }

  current(): TargetHealthView {
    if (!this.options.settings().enabled && this.view.state !== 'draining') {
      return HEALTH_CHECK_DISABLED
    }
    return this.view
  }

  /** Stop probing and report draining until `stop()`. */
  drain(): void {
    this.cancelTimers()
    this.view = DRAINING
  }

  stop(): void {
    this.stopped = true
    this.cancelTimers()
  }

  private cancelTimers(): void {
    for (const cancel of this.cancels.splice(0)) cancel()
    this.cancelInterval?.()
    this.cancelInterval = undefined
  }

  private begin(): void {
    this.view = INITIAL_HEALTH_CHECKING
    void this.check()
  }

  /** (Re)schedule probes so a ModifyTargetGroup interval change applies to live targets. */
  private schedule(intervalSeconds: number): void {
    if (intervalSeconds === this.intervalSeconds && this.cancelInterval !== undefined) return
    this.cancelInterval?.()
    this.intervalSeconds = intervalSeconds
    this.cancelInterval = this.options.clock.setInterval(
      () => void this.check(),
      intervalSeconds * 1000
    )
  }

  private async check(): Promise<void> {
    const settings = this.options.settings()
    this.schedule(settings.intervalSeconds)
    if (this.inFlight || !settings.enabled) return
    this.inFlight = true
    const { target, clock, minTimeoutMs } = this.options
    const result = await probe({
      host: target.id,
      port: settings.port === 'traffic-port' ? target.port : Number(settings.port),
      path: settings.path,
      matcher: settings.matcher,
      timeoutMs: Math.max(minTimeoutMs, (settings.timeoutSeconds * 1000) / clock.scale)
    })
    this.inFlight = false
    if (this.stopped || this.view.state === 'draining') return
    this.record(result, settings)
  }

  private record(result: ProbeResult, settings: HealthCheckSettings): void {
    if (result.ok) {
      this.passes++
      this.failures = 0
      const isNew = this.view.state === 'initial'
      if (isNew || this.view.state === 'healthy' || this.passes >= settings.healthyThreshold) {
        this.view = { state: 'healthy' }
      }
      return
    }
    this.failures++
    this.passes = 0
    if (this.view.state === 'unhealthy' || this.failures >= settings.unhealthyThreshold) {
      this.view = result.failure
    }
  }
}

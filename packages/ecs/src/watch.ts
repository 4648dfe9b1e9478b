import type { ECSClient } from '@aws-sdk/client-ecs'
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  ConfigurationError,
  errorMessage,
  formatDuration,
  type Clock,
  type Logger
} from '@fargate-promote/common'
import { describeServices, findService } from './services.js'
import { isThrottlingError, PollPacer } from './throttle.js'
import type { RolloutResult } from './types-rollout.js'
import { ServiceWatch } from './watch-service.js'

export interface WatchTarget {
  service: string
  deploymentId: string
  taskDefinitionArn: string
}

export interface WatchOptions {
  cluster: string
  /** 1..n services of one cluster. */
  targets: WatchTarget[]
  timeoutMs: number
  pollIntervalMs: number
  /** auto = when the service has load balancers. */
  waitForTargetHealth: boolean | 'auto'
  /** When ECS rolls back, keep watching that rollback until it completes/fails/times out. */
  followRollback: boolean
  /** Only events with createdAt > since are streamed; default: the newest event at the first poll. */
  since?: number
}

export interface WatchDeps {
  ecs: ECSClient
  elb: ElasticLoadBalancingV2Client
  clock: Clock
  log: Logger
  /** Stop early (cancellation): resolve with outcome 'timed-out' and reason 'cancelled'. */
  signal?: AbortSignal
}

/** A poll that fails for another reason than throttling is retried this many times in a row. */
export const MAX_POLL_RETRIES = 3

/**
 * AWS failed on more than MAX_POLL_RETRIES consecutive polls: we cannot tell what the rollout
 * did. `results` holds what was seen so far; services without a verdict are 'timed-out'.
 */
export class RolloutWatchError extends Error {
  constructor(
    message: string,
    readonly results: RolloutResult[],
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'RolloutWatchError'
  }
}

function validate(options: WatchOptions): void {
  if (options.cluster.trim() === '') {
    throw new ConfigurationError(
      `cluster: '${options.cluster}' is empty. Give the ECS cluster name or ARN.`
    )
  }
  if (options.targets.length === 0) {
    throw new ConfigurationError(
      'targets: the list is empty. Give at least one service and deployment to watch.'
    )
  }
  const seen = new Set<string>()
  options.targets.forEach((target, index) => {
    for (const field of ['service', 'deploymentId'] as const) {
      if (target[field].trim() === '') {
        throw new ConfigurationError(
          `targets[${index}].${field}: '${target[field]}' is empty. ` +
            (field === 'service'
              ? 'Give the ECS service name.'
              : 'Give the deployment id UpdateService returned (ecs-svc/…).')
        )
      }
    }
    if (seen.has(target.service)) {
      throw new ConfigurationError(
        `targets[${index}].service: '${target.service}' is listed twice. Watch each service once.`
      )
    }
    seen.add(target.service)
  })
  for (const field of ['timeoutMs', 'pollIntervalMs'] as const) {
    const value = options[field]
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigurationError(
        `${field}: '${value}' is not a positive duration. Give a number of milliseconds above 0.`
      )
    }
  }
  if (![true, false, 'auto'].includes(options.waitForTargetHealth)) {
    throw new ConfigurationError(
      `waitForTargetHealth: '${String(options.waitForTargetHealth)}' is not valid. Use true, false or 'auto'.`
    )
  }
  if (options.since !== undefined && !Number.isFinite(options.since)) {
    throw new ConfigurationError(
      `since: '${options.since}' is not a time. Give epoch milliseconds, or leave it out.`
    )
  }
}

/**
 * Sleep, but wake up as soon as the signal aborts. The signal goes to the clock, so a real
 * clock clears its timer (nothing stays pending after a cancellation); the race covers clocks
 * that ignore it.
 */
async function pause(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return clock.sleep(ms)
  if (signal.aborted) return
  let onAbort: (() => void) | undefined
  const aborted = new Promise<void>(resolve => {
    onAbort = () => resolve()
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    await Promise.race([clock.sleep(ms, signal), aborted])
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

/*
 * Call budget. Every poll makes ONE DescribeServices call per 10 services still without a
 * verdict: at a 5 s interval that is 12 calls a minute however many services (up to 10) are
 * watched. Everything else is fetched on a signal, never on every poll:
 *   - stopped tasks (ListTasks + DescribeTasks of the new ones): when failedTasks rises or an
 *     event says our tasks stopped, at most every 15 s, and once before a failure verdict;
 *   - running tasks (ListTasks + DescribeTasks): only right before a target health check, and
 *     only when the running count changed or a `has started` event named an unknown task;
 *   - target health (one DescribeTargetHealth per target group): when the deployment first
 *     looks complete, after an `is unhealthy in` / `failed to register targets` event (at most
 *     every 30 s), and while a complete deployment's targets are not healthy yet, every 15 s
 *     (targets still `initial`) or 30 s, stretched when many services are watched.
 * A healthy rollout of one service (about 2.5 minutes behind an ALB) costs about 13 calls a
 * minute; five services about 18 (watch-polling.test.ts measures both). Throttling doubles
 * the wait between polls (PollPacer), which only lowers the rate.
 */
function targetRecheck(baseMs: number, services: number, pollIntervalMs: number): number {
  return Math.max(pollIntervalMs, baseMs * Math.max(1, Math.ceil(services / 2)))
}

/**
 * Watch the deployments of 1..n services of one cluster until each reaches a verdict, at a
 * fixed poll interval, with one overall deadline. Never reports success it did not observe:
 * see ServiceWatch for the verdicts. Throws ConfigurationError on bad options before any AWS
 * call, and RolloutWatchError when AWS keeps failing.
 */
export async function watchRollout(
  options: WatchOptions,
  deps: WatchDeps
): Promise<RolloutResult[]> {
  validate(options)
  const { clock, log, signal } = deps
  const startedAt = clock.now()
  const deadline = startedAt + options.timeoutMs
  let awsCalls = 0
  let lastOperation = 'DescribeServices'
  const onAwsCall = (operation: string) => {
    awsCalls += 1
    lastOperation = operation
  }
  const count = options.targets.length
  const watches = options.targets.map(
    target =>
      new ServiceWatch(target, {
        options,
        deps: { ...deps, onAwsCall },
        prefixEvents: count > 1,
        targetRecheckMs: targetRecheck(30_000, count, options.pollIntervalMs),
        initialTargetRecheckMs: targetRecheck(15_000, count, options.pollIntervalMs)
      })
  )
  const pacer = new PollPacer(options.pollIntervalMs, log)
  let polls = 0
  let failures = 0
  const results = () => watches.map(watch => watch.result({ startedAt, polls, awsCalls }))
  log.info(
    `Watching ${options.targets.map(t => `${t.service} (${t.deploymentId})`).join(', ')} in cluster ${options.cluster}: every ${formatDuration(options.pollIntervalMs)}, for up to ${formatDuration(options.timeoutMs)}`
  )

  for (;;) {
    if (signal?.aborted) {
      log.warning('Rollout watch cancelled')
      for (const watch of watches) watch.cancel()
      break
    }
    polls += 1
    try {
      const pending = watches.filter(watch => !watch.done)
      const names = pending.map(watch => watch.target.service)
      const { services } = await describeServices(
        { ecs: deps.ecs, onAwsCall },
        options.cluster,
        names
      )
      for (const watch of pending) {
        await watch.observe(findService(services, watch.target.service))
      }
      pacer.onSuccess()
      failures = 0
    } catch (error) {
      if (isThrottlingError(error)) {
        pacer.onThrottled(lastOperation, error)
      } else {
        failures += 1
        const what = `${lastOperation} failed: ${errorMessage(error)}`
        if (failures > MAX_POLL_RETRIES) {
          const reason = `could not watch the rollout: ${what} (${failures} polls in a row)`
          for (const watch of watches) watch.abandon(reason)
          throw new RolloutWatchError(reason, results(), { cause: error })
        }
        log.warning(`${what}; retrying (${failures}/${MAX_POLL_RETRIES})`)
      }
    }
    if (watches.every(watch => watch.done)) break
    const now = clock.now()
    if (now >= deadline) {
      for (const watch of watches) {
        try {
          await watch.refreshBeforeTimeout()
        } catch (error) {
          log.debug(
            `${watch.target.service}: last target health check failed: ${errorMessage(error)}`
          )
        }
        watch.timeOut(options.timeoutMs)
      }
      break
    }
    await pause(clock, Math.min(pacer.waitMs, deadline - now), signal)
  }
  return results()
}

/** A watch that could not finish (AWS kept failing) still reports what it saw. */
export async function watchRolloutQuietly(
  options: WatchOptions,
  deps: WatchDeps
): Promise<RolloutResult[]> {
  try {
    return await watchRollout(options, deps)
  } catch (error) {
    if (error instanceof RolloutWatchError) return error.results
    throw error
  }
}

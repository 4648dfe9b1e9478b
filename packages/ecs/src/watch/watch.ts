import { errorMessage, formatDuration, startWaiting } from '@fargate-promote/common'
import { describeServices, findService } from '../observe/services.js'
import { PollFailures } from './poll-failures.js'
import type { RolloutResult, WatchDeps, WatchOptions } from './types.js'
import { ServiceWatch } from './service-watch.js'

/**
 * AWS failed with an error that will not heal (access denied, a missing service or cluster, no
 * credentials): we cannot tell what the rollout does. `results` holds what was seen so far;
 * services without a verdict are 'timed-out'. Errors that heal never end the watch before its
 * deadline (see PollFailures).
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

/*
 * Call budget. Every poll makes ONE DescribeServices call per 10 services still without a
 * verdict: at a 5 s interval that is 12 calls a minute however many services (up to 10) are
 * watched. Everything else is fetched on a signal, never on every poll:
 *   - stopped tasks (ListTasks + DescribeTasks of the new ones): when failedTasks rises or an
 *     event says our tasks stopped, at most every 15 s, and once before a failure verdict;
 *   - running tasks (ListTasks + DescribeTasks): only right before a target health check, and
 *     only when the running count changed or a `has started` event named an unknown task;
 *   - target health (one DescribeTargetHealth per target group, the alternate group of a
 *     traffic-shifting service included): when the deployment first looks complete, after an
 *     `is unhealthy in` / `failed to register targets` event (at most every 30 s), and while a
 *     complete deployment's targets are not healthy yet, every 15 s (targets still `initial`)
 *     or 30 s, stretched when many services are watched.
 * A healthy rollout of one service (about 2.5 minutes behind an ALB) costs about 13 calls a
 * minute; five services about 18 (watch-polling.test.ts measures both). Throttling and AWS
 * failures lengthen the wait between polls (PollFailures), which only lowers the rate.
 */
function targetRecheck(baseMs: number, services: number, pollIntervalMs: number): number {
  return Math.max(pollIntervalMs, baseMs * Math.max(1, Math.ceil(services / 2)))
}

/** The state of one watch of 1..n services: their watches, the pace, and what AWS cost. */
class RolloutWatch {
  readonly watches: ServiceWatch[]
  readonly failures: PollFailures
  readonly startedAt: number
  polls = 0
  private awsCalls = 0
  private lastOperation = 'DescribeServices'

  constructor(
    private readonly options: WatchOptions,
    private readonly deps: WatchDeps
  ) {
    this.startedAt = deps.clock.now()
    this.failures = new PollFailures(deps, {
      intervalMs: options.pollIntervalMs,
      deadline: this.startedAt + options.timeoutMs,
      doing: 'still watching'
    })
    const count = options.targets.length
    const onAwsCall = (operation: string) => this.count(operation)
    this.watches = options.targets.map(
      target =>
        new ServiceWatch(target, {
          options,
          deps: { ...deps, onAwsCall },
          prefixEvents: count > 1,
          targetRecheckMs: targetRecheck(30_000, count, options.pollIntervalMs),
          initialTargetRecheckMs: targetRecheck(15_000, count, options.pollIntervalMs)
        })
    )
  }

  get done(): boolean {
    return this.watches.every(watch => watch.done)
  }

  /** Where each service stands, for the heartbeat: `web: IN_PROGRESS 1/2 running`. */
  state(): string {
    return this.watches.map(watch => watch.state()).join('; ')
  }

  results(): RolloutResult[] {
    const run = { startedAt: this.startedAt, polls: this.polls, awsCalls: this.awsCalls }
    return this.watches.map(watch => watch.result(run))
  }

  /** One DescribeServices of the services without a verdict, and each one's judgement. */
  async poll(): Promise<void> {
    this.polls += 1
    const pending = this.watches.filter(watch => !watch.done)
    try {
      const { services } = await describeServices(
        { ecs: this.deps.ecs, onAwsCall: (operation: string) => this.count(operation) },
        this.options.cluster,
        pending.map(watch => watch.target.service)
      )
      for (const watch of pending) await watch.observe(findService(services, watch.target.service))
      this.failures.succeeded()
    } catch (error) {
      this.failed(error)
    }
  }

  private count(operation: string): void {
    this.awsCalls += 1
    this.lastOperation = operation
  }

  /** An error that heals keeps the watch going until its deadline; any other ends it now. */
  private failed(error: unknown): void {
    if (this.failures.failed(`AWS ${this.lastOperation}`, error)) return
    const reason = `could not watch the rollout: ${this.lastOperation} failed: ${errorMessage(error)}`
    for (const watch of this.watches) watch.abandon(reason)
    throw new RolloutWatchError(reason, this.results(), { cause: error })
  }

  /** The deadline passed: every watch without a verdict says what it was waiting for. */
  async timeOut(): Promise<void> {
    for (const watch of this.watches) {
      try {
        await watch.refreshBeforeTimeout()
      } catch (error) {
        this.deps.log.debug(
          `${watch.target.service}: last target health check failed: ${errorMessage(error)}`
        )
      }
      watch.timeOut(this.options.timeoutMs, this.failures.outage())
    }
  }

  cancel(): void {
    this.deps.log.warning('Rollout watch cancelled')
    for (const watch of this.watches) watch.cancel()
  }
}

/**
 * Watch the deployments of 1..n services of one cluster until each reaches a verdict, at a
 * fixed poll interval, with one overall deadline. Never reports success it did not observe:
 * see ServiceWatch for the verdicts. Throws RolloutWatchError when AWS fails with an error that
 * will not heal; an outage that heals only ends the watch at its deadline (timed-out, naming it).
 */
export async function watchRollout(
  options: WatchOptions,
  deps: WatchDeps
): Promise<RolloutResult[]> {
  const { clock, log, signal } = deps
  const watch = new RolloutWatch(options, deps)
  const deadline = watch.startedAt + options.timeoutMs
  log.info(
    `Watching ${options.targets.map(t => `${t.service} (${t.deploymentId})`).join(', ')} in cluster ${options.cluster}: every ${formatDuration(options.pollIntervalMs)}, for up to ${formatDuration(options.timeoutMs)}`
  )
  const waiting = startWaiting(deps, {
    what: `Waiting for the rollout of ${options.targets.map(t => t.service).join(', ')} in cluster ${options.cluster}`,
    startedAt: watch.startedAt,
    deadline,
    state: () => watch.state()
  })
  try {
    for (;;) {
      if (signal?.aborted) {
        watch.cancel()
        break
      }
      await watch.poll()
      if (watch.done) break
      const now = clock.now()
      if (now >= deadline) {
        await watch.timeOut()
        break
      }
      await waiting.sleep(Math.min(watch.failures.waitMs, deadline - now), signal)
    }
  } finally {
    waiting.end()
  }
  return watch.results()
}

/** A watch that could not finish (AWS failed for good) still reports what it saw. */
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

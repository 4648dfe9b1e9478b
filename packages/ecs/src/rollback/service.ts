import { StopServiceDeploymentCommand, type Deployment, type Service } from '@aws-sdk/client-ecs'
import { errorMessage, type Logger } from '@fargate-promote/common'
import type { EcsDeps } from '../deps.js'
import { isDeploymentInProgress } from '../observe/settled.js'
import { shortName } from '../task-definitions/arn.js'
import type { RolloutResult } from '../watch/types.js'
import { watchRolloutQuietly } from '../watch/watch.js'
import {
  awaitPrimaryOf,
  describeOne,
  stoppable,
  updateToTarget,
  type DescribedService
} from './request.js'
import type { RollbackMethod, RollbackResult } from './types.js'

export interface RollbackOptions {
  cluster: string
  service: string
  /**
   * The exact revision to go back to. An INACTIVE one is registered again (same content) when
   * ECS refuses it, and the service is moved to the copy.
   */
  taskDefinitionArn: string
  /** Why, for the log. */
  reason: string
  timeoutMs: number
  pollIntervalMs: number
  waitForTargetHealth: boolean | 'auto'
  /**
   * A deployment in progress is stopped (ECS rolls it back) or replaced by the rollback.
   * When false, the rollback waits for it to finish first.
   */
  stopInProgress: boolean
  /** The in-progress service deployment, when the caller knows it (deploy does). */
  serviceDeploymentArn?: string
  /**
   * The service as the caller just described it (preflight, resolveRollbackTarget): saves the
   * DescribeServices round trip before the rollback request. Later reads still describe again.
   */
  describedService?: Service
  /**
   * False: return status 'started' as soon as ECS accepted the rollback request, without
   * watching it. Default true.
   */
  wait?: boolean
  /**
   * Called once ECS has accepted the rollback (or is already carrying it out), before the
   * watch: the moment to record that a rollback started, with the exact revision sent.
   */
  onRequested?: (request: RollbackRequest) => void
}

/** What ECS was asked to do, as soon as it accepted it. */
export interface RollbackRequest {
  fromTaskDefinitionArn: string
  toTaskDefinitionArn: string
  reinstatedFrom?: string
  method: RollbackMethod
  deploymentId?: string
}

function steady(service: Service, primary: Deployment): boolean {
  return (
    !isDeploymentInProgress(service) && (primary.runningCount ?? 0) === (primary.desiredCount ?? 0)
  )
}

/** The caller's callback must not turn an accepted rollback into a thrown error. */
function tellRequested(options: RollbackOptions, request: RollbackRequest, log: Logger): void {
  try {
    options.onRequested?.(request)
  } catch (error) {
    log.warning(`${options.service}: recording the rollback request failed: ${errorMessage(error)}`)
  }
}

/** One rollback in progress: what it was asked, with what, where it started, and its deadline. */
interface RollbackRun {
  options: RollbackOptions
  deps: EcsDeps
  deadline: number
  base: { fromTaskDefinitionArn: string; toTaskDefinitionArn: string }
}

/** What ECS was asked, once it accepted. */
interface Sent extends RollbackRequest {
  toTaskDefinitionArn: string
}

function remaining(run: RollbackRun): number {
  return Math.max(1, run.deadline - run.deps.clock.now())
}

function watch(
  run: RollbackRun,
  deploymentId: string,
  taskDefinitionArn: string,
  followRollback: boolean
): Promise<RolloutResult[]> {
  const { options, deps } = run
  return watchRolloutQuietly(
    {
      cluster: options.cluster,
      targets: [{ service: options.service, deploymentId, taskDefinitionArn }],
      timeoutMs: remaining(run),
      pollIntervalMs: options.pollIntervalMs,
      waitForTargetHealth: options.waitForTargetHealth,
      followRollback
    },
    deps
  )
}

/**
 * The service as it is before the request. With `stopInProgress: false`, a deployment in
 * progress towards something else is first watched to its end.
 */
async function liveBeforeRequest(
  run: RollbackRun,
  first: DescribedService
): Promise<DescribedService> {
  const { options, deps } = run
  const target = options.taskDefinitionArn
  if (first.arn === target || !isDeploymentInProgress(first.service) || options.stopInProgress) {
    return first
  }
  deps.log.info(
    `${options.service}: deployment ${first.id} is in progress; waiting for it to finish before rolling back`
  )
  await watch(run, first.id, first.arn, true)
  return describeOne(deps, options.cluster, options.service)
}

/**
 * Cancelled before StopServiceDeployment or UpdateService was sent: nothing is sent, and the
 * result says the service was not changed. Checked after every await before the request.
 */
function cancelledBeforeRequest(
  run: RollbackRun,
  live: DescribedService,
  left = ''
): RollbackResult | undefined {
  const { options, deps, base } = run
  if (deps.signal?.aborted !== true) return undefined
  const name = options.service
  deps.log.warning(
    `${name}: cancelled before the rollback was requested; the service was not changed${left}`
  )
  return {
    ...base,
    status: 'cancelled',
    reason: `cancelled before the rollback was requested; ${name} was not changed and still runs ${shortName(live.arn)}${left}`
  }
}

/** Cancelled before the request, or nothing to do: the result, with nothing asked of ECS. */
function withoutRequest(run: RollbackRun, live: DescribedService): RollbackResult | undefined {
  const { options, deps, base } = run
  const name = options.service
  const target = options.taskDefinitionArn
  const there = live.arn === target && steady(live.service, live.primary)
  if (!there) return cancelledBeforeRequest(run, live)
  deps.log.info(`${name}: already runs ${shortName(target)}; nothing to roll back`)
  return { ...base, status: 'noop', reason: `${name} already runs ${shortName(target)}` }
}

/**
 * StopServiceDeployment (ROLLBACK) of the deployment in progress, when the target is what it
 * replaces: ECS puts the service back exactly there. Undefined when that does not apply.
 */
async function stopInProgress(
  run: RollbackRun,
  live: DescribedService
): Promise<Sent | RollbackResult | undefined> {
  const { options, deps, base } = run
  const name = options.service
  const serviceDeploymentArn = options.serviceDeploymentArn ?? live.service.currentServiceDeployment
  if (!isDeploymentInProgress(live.service) || !serviceDeploymentArn) return undefined
  const stops = await stoppable(deps, serviceDeploymentArn, options.taskDefinitionArn)
  const cancelled = cancelledBeforeRequest(run, live)
  if (cancelled !== undefined || !stops) return cancelled
  const method: RollbackMethod = 'stop-service-deployment'
  await deps.ecs.send(
    new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' })
  )
  deps.log.info(
    `${name}: stopped service deployment ${serviceDeploymentArn}; ECS is rolling it back`
  )
  // Accepted: recorded now, whatever finding ECS's rollback deployment takes.
  tellRequested(options, { ...base, method }, deps.log)
  if (options.wait === false) {
    deps.log.info(`${name}: ECS accepted the stop; not waiting for its rollback`)
    return { ...base, status: 'started', method }
  }
  const found = await awaitPrimaryOf(deps, options, run.deadline)
  const deploymentId = found.deployment?.id
  if (deploymentId === undefined && found.failure !== undefined && !deps.signal?.aborted) {
    const reason = `ECS accepted the stop, but its rollback deployment of ${shortName(options.taskDefinitionArn)} could not be found: ${found.failure}`
    deps.log.warning(`${name}: rollback failed: ${reason}`)
    return { ...base, status: 'failed', method, reason }
  }
  return { ...base, method, ...(deploymentId !== undefined && { deploymentId }) }
}

/** Ask ECS for the rollback: follow one already heading there, stop the one in progress, or update. */
async function request(run: RollbackRun, live: DescribedService): Promise<Sent | RollbackResult> {
  const { options, deps, base } = run
  const name = options.service
  const target = options.taskDefinitionArn
  deps.log.info(
    `${name}: rolling back ${shortName(base.fromTaskDefinitionArn)} → ${shortName(target)}: ${options.reason}`
  )
  if (live.arn === target) {
    // ECS (circuit breaker) or an earlier request is already taking the service there.
    deps.log.info(
      `${name}: deployment ${live.id} is already rolling out ${shortName(target)}; watching it`
    )
    const sent: Sent = { ...base, method: 'existing-deployment', deploymentId: live.id }
    tellRequested(options, sent, deps.log)
    return sent
  }
  const stopped = await stopInProgress(run, live)
  if (stopped !== undefined) return stopped
  const updated = await updateToTarget(deps, options.cluster, name, target)
  if ('cancelled' in updated) {
    return cancelledBeforeRequest(run, live, updated.cancelled) as RollbackResult
  }
  const sent: Sent = {
    ...base,
    method: 'update-service',
    toTaskDefinitionArn: updated.taskDefinitionArn,
    ...(updated.reinstatedFrom ? { reinstatedFrom: updated.reinstatedFrom } : {}),
    ...(updated.deploymentId ? { deploymentId: updated.deploymentId } : {})
  }
  tellRequested(options, sent, deps.log)
  return sent
}

/** After ECS accepted: watch the rollback deployment to its verdict (unless told not to wait). */
async function afterRequest(run: RollbackRun, sent: Sent): Promise<RollbackResult> {
  const { options, deps } = run
  const name = options.service
  const to = shortName(sent.toTaskDefinitionArn)
  const { deploymentId, method } = sent
  const result = { ...sent }
  if (deploymentId === undefined && deps.signal?.aborted) {
    const reason = `the run was cancelled; ECS carries on rolling ${name} back to ${to}`
    return { ...result, status: 'cancelled', reason }
  }
  if (deploymentId === undefined) {
    const reason = `no deployment of ${to} appeared on ${name} after the rollback request (${method})`
    deps.log.warning(`${name}: rollback failed: ${reason}`)
    return { ...result, status: 'failed', reason }
  }
  if (options.wait === false) {
    deps.log.info(
      `${name}: ECS accepted the rollback (deployment ${deploymentId}); not waiting for it`
    )
    return { ...result, status: 'started' }
  }
  // One target watched, so one result; a watch AWS kept failing still ends in one.
  const rollout = (
    await watch(run, deploymentId, sent.toTaskDefinitionArn, false)
  )[0] as RolloutResult
  if (rollout.outcome === 'succeeded') return { ...result, status: 'rolled-back', rollout }
  if (deps.signal?.aborted && rollout.reason === 'cancelled') {
    const reason = `the run was cancelled; ECS carries on rolling ${name} back to ${to}`
    return { ...result, status: 'cancelled', rollout, reason }
  }
  const reason = `rollback to ${to} ${rollout.outcome}: ${rollout.reason ?? 'no reason given'}`
  return { ...result, status: 'failed', rollout, reason }
}

/**
 * Return a service to an exact task-definition revision and watch until it serves it.
 * Never starts a second rollout next to one already heading for the target.
 */
export async function rollbackService(
  options: RollbackOptions,
  deps: EcsDeps
): Promise<RollbackResult> {
  const deadline = deps.clock.now() + options.timeoutMs
  const first = await describeOne(deps, options.cluster, options.service, options.describedService)
  const run: RollbackRun = {
    options,
    deps,
    deadline,
    base: { fromTaskDefinitionArn: first.arn, toTaskDefinitionArn: options.taskDefinitionArn }
  }
  const live = await liveBeforeRequest(run, first)
  const early = withoutRequest(run, live)
  if (early !== undefined) return early
  const sent = await request(run, live)
  return 'status' in sent ? sent : afterRequest(run, sent)
}

import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type Deployment,
  type ECSClient,
  type Service
} from '@aws-sdk/client-ecs'
import { ConfigurationError, errorMessage, type Logger } from '@fargate-promote/common'
import { isDeploymentInProgress, primaryDeployment } from './preflight.js'
import { readTaskDefinition, reinstateRevision } from './rollback-target.js'
import { describeServices } from './services.js'
import { parseTaskDefinitionArn, shortName } from './task-definition-arn.js'
import type { EcsDeps, RollbackMethod, RollbackResult } from './types.js'
import type { RolloutResult } from './types-rollout.js'
import { watchRolloutQuietly } from './watch.js'

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

const ONGOING = new Set(['PENDING', 'IN_PROGRESS'])

function steady(service: Service, primary: Deployment): boolean {
  return (
    !isDeploymentInProgress(service) && (primary.runningCount ?? 0) === (primary.desiredCount ?? 0)
  )
}

async function describeOne(
  deps: { ecs: ECSClient },
  cluster: string,
  name: string,
  known?: Service
): Promise<{ service: Service; primary: Deployment; id: string; arn: string }> {
  const service = known ?? (await describeServices(deps, cluster, [name])).services[0]
  const primary = service && primaryDeployment(service)
  if (!service || !primary?.id || !primary.taskDefinition) {
    throw new ConfigurationError(
      `service: '${name}' was not found in cluster '${cluster}' or has no PRIMARY deployment. List the services with 'aws ecs list-services --cluster ${cluster}'.`
    )
  }
  return { service, primary, id: primary.id, arn: primary.taskDefinition }
}

/**
 * Is `target` a source revision of the ongoing service deployment? Then StopServiceDeployment
 * (ROLLBACK) returns the service to exactly it. Any doubt (API missing, deployment already
 * finished) answers no, and the caller uses UpdateService instead.
 */
async function stoppable(
  deps: { ecs: ECSClient; log: Logger },
  serviceDeploymentArn: string,
  target: string
): Promise<boolean> {
  try {
    const described = await deps.ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] })
    )
    const deployment = described.serviceDeployments?.[0]
    if (!deployment || !ONGOING.has(deployment.status ?? '')) return false
    const sources = (deployment.sourceServiceRevisions ?? []).map(r => r.arn ?? '').filter(Boolean)
    if (sources.length === 0) return false
    const revisions = await deps.ecs.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: sources })
    )
    return (revisions.serviceRevisions ?? []).some(r => r.taskDefinition === target)
  } catch (error) {
    deps.log.debug(
      `Service deployment ${serviceDeploymentArn} not usable for a rollback: ${errorMessage(error)}`
    )
    return false
  }
}

/**
 * After StopServiceDeployment, ECS creates the rollback deployment: find it. Undefined when the
 * deadline passes or the caller cancels first; a failed read is tried again at the next poll.
 */
async function awaitPrimaryOf(
  deps: EcsDeps,
  options: RollbackOptions,
  deadline: number
): Promise<Deployment | undefined> {
  for (;;) {
    try {
      const { primary } = await describeOne(deps, options.cluster, options.service)
      if (primary.taskDefinition === options.taskDefinitionArn) return primary
    } catch (error) {
      deps.log.debug(`${options.service}: reading the rollback deployment: ${errorMessage(error)}`)
    }
    const now = deps.clock.now()
    if (now >= deadline || deps.signal?.aborted) return undefined
    await deps.clock.sleep(Math.min(options.pollIntervalMs, deadline - now), deps.signal)
  }
}

/** Why ECS refused the update: the target's status, read only after a ClientException. */
async function targetStatus(
  ecs: ECSClient,
  target: string
): Promise<'ACTIVE' | 'INACTIVE' | 'missing'> {
  const described = await readTaskDefinition(ecs, target)
  if (!described) return 'missing'
  return described.taskDefinition?.status === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE'
}

/**
 * UpdateService to the target, sent without reading the target first: the service-deployment
 * history a `previous` target comes from names revisions that existed, and a refused update
 * changes nothing. Only when ECS refuses it (ClientException) is the target read: an INACTIVE
 * one is registered again with the same content and the update sent to the copy; a missing one
 * is a configuration error; anything else is ECS's own refusal, passed on.
 */
async function updateToTarget(
  deps: { ecs: ECSClient; log: Logger },
  cluster: string,
  name: string,
  target: string
): Promise<{ taskDefinitionArn: string; reinstatedFrom?: string; deploymentId?: string }> {
  const send = async (taskDefinition: string) => {
    const updated = await deps.ecs.send(
      new UpdateServiceCommand({ cluster, service: name, taskDefinition })
    )
    return updated.service?.deployments?.find(
      d => d.status === 'PRIMARY' && d.taskDefinition === taskDefinition
    )?.id
  }
  try {
    return { taskDefinitionArn: target, deploymentId: await send(target) }
  } catch (error) {
    if ((error as { name?: string }).name !== 'ClientException') throw error
    const status = await targetStatus(deps.ecs, target)
    if (status === 'missing') {
      throw new ConfigurationError(
        `to: task definition ${target} does not exist (ECS: ${errorMessage(error)}); the service was not changed. Roll back to a version, a revision number or an ARN that exists.`
      )
    }
    if (status === 'ACTIVE') throw error
    deps.log.info(`${name}: ${shortName(target)} is INACTIVE (deregistered); registering it again`)
    const copy = await reinstateRevision(target, deps)
    try {
      return { taskDefinitionArn: copy, reinstatedFrom: target, deploymentId: await send(copy) }
    } catch (retryError) {
      throw new Error(
        `${shortName(target)} was INACTIVE and was registered again as ${shortName(copy)}, but UpdateService to ${shortName(copy)} failed: ${errorMessage(retryError)}. The service was not changed; ${shortName(copy)} is left registered (ACTIVE).`,
        { cause: retryError }
      )
    }
  }
}

/** The caller's callback must not turn an accepted rollback into a thrown error. */
function tellRequested(options: RollbackOptions, request: RollbackRequest, log: Logger): void {
  try {
    options.onRequested?.(request)
  } catch (error) {
    log.warning(`${options.service}: recording the rollback request failed: ${errorMessage(error)}`)
  }
}

/**
 * Return a service to an exact task-definition revision and watch until it serves it.
 * Never starts a second rollout next to one already heading for the target.
 */
export async function rollbackService(
  options: RollbackOptions,
  deps: EcsDeps
): Promise<RollbackResult> {
  const { cluster, service: name, taskDefinitionArn: target } = options
  if (!parseTaskDefinitionArn(target)) {
    throw new ConfigurationError(
      `rollback: '${target}' is not a task-definition ARN. Give arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>.`
    )
  }
  const { clock, log } = deps
  const deadline = clock.now() + options.timeoutMs
  let { service, primary, id, arn } = await describeOne(
    deps,
    cluster,
    name,
    options.describedService
  )
  const from = arn
  const base = { fromTaskDefinitionArn: from, toTaskDefinitionArn: target }
  const remaining = () => Math.max(1, deadline - clock.now())
  const watch = (deploymentId: string, taskDefinitionArn: string, followRollback: boolean) =>
    watchRolloutQuietly(
      {
        cluster,
        targets: [{ service: name, deploymentId, taskDefinitionArn }],
        timeoutMs: remaining(),
        pollIntervalMs: options.pollIntervalMs,
        waitForTargetHealth: options.waitForTargetHealth,
        followRollback
      },
      deps
    )

  if (arn !== target && isDeploymentInProgress(service) && !options.stopInProgress) {
    log.info(
      `${name}: deployment ${id} is in progress; waiting for it to finish before rolling back`
    )
    await watch(id, arn, true)
    ;({ service, primary, id, arn } = await describeOne(deps, cluster, name))
  }

  if (deps.signal?.aborted && !(arn === target && steady(service, primary))) {
    // Cancelled before the first write: nothing is asked of ECS after the user said stop.
    log.warning(`${name}: cancelled before the rollback was requested; the service was not changed`)
    return {
      ...base,
      status: 'cancelled',
      reason: `cancelled before the rollback was requested; ${name} was not changed and still runs ${shortName(arn)}`
    }
  }

  if (arn === target && steady(service, primary)) {
    log.info(`${name}: already runs ${shortName(target)}; nothing to roll back`)
    return { ...base, status: 'noop', reason: `${name} already runs ${shortName(target)}` }
  }

  log.info(`${name}: rolling back ${shortName(from)} → ${shortName(target)}: ${options.reason}`)
  let deploymentId: string | undefined
  let method: RollbackMethod
  let sentTo = target
  let reinstatedFrom: string | undefined
  if (arn === target) {
    // ECS (circuit breaker) or an earlier request is already taking the service there.
    method = 'existing-deployment'
    deploymentId = id
    log.info(`${name}: deployment ${id} is already rolling out ${shortName(target)}; watching it`)
  } else {
    const serviceDeploymentArn = options.serviceDeploymentArn ?? service.currentServiceDeployment
    if (
      isDeploymentInProgress(service) &&
      serviceDeploymentArn &&
      (await stoppable(deps, serviceDeploymentArn, target))
    ) {
      method = 'stop-service-deployment'
      await deps.ecs.send(
        new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' })
      )
      log.info(
        `${name}: stopped service deployment ${serviceDeploymentArn}; ECS is rolling it back`
      )
      // Accepted: recorded now, whatever finding ECS's rollback deployment takes.
      tellRequested(options, { ...base, method }, log)
      if (options.wait === false) {
        log.info(`${name}: ECS accepted the stop; not waiting for its rollback`)
        return { ...base, status: 'started', method }
      }
      deploymentId = (await awaitPrimaryOf(deps, options, deadline))?.id
    } else {
      method = 'update-service'
      const updated = await updateToTarget(deps, cluster, name, target)
      sentTo = updated.taskDefinitionArn
      reinstatedFrom = updated.reinstatedFrom
      deploymentId = updated.deploymentId
    }
  }
  const sent = {
    ...base,
    toTaskDefinitionArn: sentTo,
    ...(reinstatedFrom ? { reinstatedFrom } : {})
  }
  if (method !== 'stop-service-deployment') {
    tellRequested(options, { ...sent, method, ...(deploymentId ? { deploymentId } : {}) }, log)
  }
  if (deploymentId === undefined && deps.signal?.aborted) {
    return {
      ...sent,
      status: 'cancelled',
      method,
      reason: `the run was cancelled; ECS carries on rolling ${name} back to ${shortName(sentTo)}`
    }
  }
  if (deploymentId === undefined) {
    const reason = `no deployment of ${shortName(sentTo)} appeared on ${name} after the rollback request (${method})`
    log.warning(`${name}: rollback failed: ${reason}`)
    return { ...sent, status: 'failed', method, reason }
  }
  if (options.wait === false) {
    log.info(`${name}: ECS accepted the rollback (deployment ${deploymentId}); not waiting for it`)
    return { ...sent, status: 'started', deploymentId, method }
  }

  // one target watched, so one result
  // A watch AWS kept failing still ends in a result: the request was accepted, say so.
  const rollout = (await watch(deploymentId, sentTo, false))[0] as RolloutResult
  if (rollout.outcome === 'succeeded') {
    return { ...sent, status: 'rolled-back', deploymentId, method, rollout }
  }
  if (deps.signal?.aborted && rollout.reason === 'cancelled') {
    return {
      ...sent,
      status: 'cancelled',
      deploymentId,
      method,
      rollout,
      reason: `the run was cancelled; ECS carries on rolling ${name} back to ${shortName(sentTo)}`
    }
  }
  return {
    ...sent,
    status: 'failed',
    deploymentId,
    method,
    rollout,
    reason: `rollback to ${shortName(sentTo)} ${rollout.outcome}: ${rollout.reason ?? 'no reason given'}`
  }
}

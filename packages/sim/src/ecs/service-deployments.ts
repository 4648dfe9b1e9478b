import { AwsError, type RequestContext } from '../contract.js'
import { rollBack } from './deployments.js'
import {
  invalid,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  requireArray,
  requireString,
  stringList,
  type Input
} from './input.js'
import type { ServiceDeploymentRec, ServiceRevisionRec } from './model.js'
import { paginate } from './pagination.js'
import { findService, now, resolveCluster, type EcsStore } from './store.js'

const STATUSES = [
  'PENDING',
  'IN_PROGRESS',
  'SUCCESSFUL',
  'STOPPED',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED'
] as const

export function allServiceDeployments(store: EcsStore): ServiceDeploymentRec[] {
  return [...store.services.values()].flatMap(s => s.serviceDeployments)
}

function revisionSummary(sd: ServiceDeploymentRec, revision: ServiceRevisionRec): unknown {
  const deployment = sd.service.deployments.find(d => d.revision === revision)
  return {
    arn: revision.arn,
    requestedTaskCount: deployment?.desiredCount ?? 0,
    runningTaskCount: deployment?.runningCount ?? 0,
    pendingTaskCount: deployment?.pendingCount ?? 0
  }
}

function serviceDeploymentView(sd: ServiceDeploymentRec): unknown {
  return {
    serviceDeploymentArn: sd.arn,
    serviceArn: sd.service.arn,
    clusterArn: sd.service.cluster.arn,
    createdAt: sd.createdAt,
    startedAt: sd.startedAt,
    finishedAt: sd.finishedAt,
    stoppedAt: sd.stoppedAt,
    updatedAt: sd.updatedAt,
    sourceServiceRevisions: sd.sources.map(r => revisionSummary(sd, r)),
    targetServiceRevision: revisionSummary(sd, sd.target),
    status: sd.status,
    statusReason: sd.statusReason,
    lifecycleStage: sd.lifecycleStage,
    deploymentConfiguration: { ...structuredClone(sd.deploymentConfiguration) },
    rollback: sd.rollback,
    deploymentCircuitBreaker: {
      status: sd.breakerStatus,
      failureCount: sd.failureCount,
      threshold: sd.threshold
    },
    lifecycleHookDetails: (sd.lifecycleHookDetails ?? []).map(hook => ({
      hookId: hook.hookId,
      targetType: hook.targetType,
      status: hook.status,
      expiresAt: hook.expiresAt,
      timeoutAction: hook.timeoutAction
    })),
    alarms: {
      status: sd.alarmStatus,
      alarmNames: sd.deploymentConfiguration.alarms?.alarmNames ?? [],
      triggeredAlarmNames: sd.triggeredAlarmNames
    }
  }
}

function toDate(value: unknown, name: string): Date | undefined {
  if (value === undefined || value === null) return undefined
  if (value instanceof Date) return value
  if (typeof value === 'number') return new Date(value * 1000)
  throw invalid(`${name} must be a timestamp.`)
}

export function listServiceDeployments(
  store: EcsStore,
  ctx: RequestContext,
  input: Input
): unknown {
  const ref = requireString(input, 'service')
  const cluster = resolveCluster(store, ctx, optionalString(input, 'cluster'))
  const service = findService(store, cluster, ref)
  if (service === undefined) throw new AwsError('ServiceNotFoundException', 'Service not found.')
  const statuses = stringList(input, 'status')
  for (const status of statuses ?? []) optionalEnum({ status }, 'status', STATUSES)
  const createdAt = optionalObject(input, 'createdAt')
  const before = toDate(createdAt?.before, 'createdAt.before')
  const after = toDate(createdAt?.after, 'createdAt.after')
  const maxResults = optionalInteger(input, 'maxResults', 1, 100) ?? 20
  const matching = service.serviceDeployments.filter(
    sd =>
      (statuses === undefined || statuses.length === 0 || statuses.includes(sd.status)) &&
      (before === undefined || sd.createdAt <= before) &&
      (after === undefined || sd.createdAt >= after)
  )
  const { page, nextToken } = paginate(matching, optionalString(input, 'nextToken'), maxResults)
  return {
    serviceDeployments: page.map(sd => ({
      serviceDeploymentArn: sd.arn,
      serviceArn: service.arn,
      clusterArn: cluster.arn,
      startedAt: sd.startedAt,
      createdAt: sd.createdAt,
      finishedAt: sd.finishedAt,
      targetServiceRevisionArn: sd.target.arn,
      status: sd.status,
      statusReason: sd.statusReason
    })),
    nextToken
  }
}

export function describeServiceDeployments(store: EcsStore, input: Input): unknown {
  const arns = requireArray(input, 'serviceDeploymentArns').map(String)
  if (arns.length > 20) throw invalid('serviceDeploymentArns can have at most 20 items.')
  const all = allServiceDeployments(store)
  const serviceDeployments: unknown[] = []
  const failures: unknown[] = []
  for (const arn of arns) {
    const sd = all.find(s => s.arn === arn)
    if (sd === undefined) failures.push({ arn, reason: 'MISSING' })
    else serviceDeployments.push(serviceDeploymentView(sd))
  }
  return { serviceDeployments, failures }
}

export function describeServiceRevisions(store: EcsStore, input: Input): unknown {
  const arns = requireArray(input, 'serviceRevisionArns').map(String)
  if (arns.length > 20) throw invalid('serviceRevisionArns can have at most 20 items.')
  const all = [...store.services.values()].flatMap(s => s.revisions)
  const serviceRevisions: unknown[] = []
  const failures: unknown[] = []
  for (const arn of arns) {
    const r = all.find(rev => rev.arn === arn)
    if (r === undefined) {
      failures.push({ arn, reason: 'MISSING' })
      continue
    }
    serviceRevisions.push({
      serviceRevisionArn: r.arn,
      serviceArn: r.serviceArn,
      clusterArn: r.clusterArn,
      taskDefinition: r.taskDefinitionArn,
      capacityProviderStrategy: r.capacityProviderStrategy,
      launchType: r.launchType,
      platformVersion: r.launchType === 'FARGATE' ? '1.4.0' : undefined,
      platformFamily: 'Linux',
      loadBalancers: r.loadBalancers.map(lb => lb.raw),
      serviceRegistries: [],
      networkConfiguration: r.networkConfiguration,
      containerImages: r.containerImages,
      guardDutyEnabled: false,
      createdAt: r.createdAt
    })
  }
  return { serviceRevisions, failures }
}

/**
 * StopServiceDeployment ROLLBACK (ECS-DG "Stopping Amazon ECS service deployments"): an ongoing
 * deployment rolls back to its source revision even without rollback configured; one already
 * rolling back carries on; a finished one cannot be stopped.
 */
export function stopServiceDeployment(store: EcsStore, input: Input): unknown {
  const arn = requireString(input, 'serviceDeploymentArn')
  const stopType = optionalEnum(input, 'stopType', ['ABORT', 'ROLLBACK'] as const) ?? 'ROLLBACK'
  if (stopType !== 'ROLLBACK') throw invalid('The only supported stopType is ROLLBACK.')
  const sd = allServiceDeployments(store).find(s => s.arn === arn)
  if (sd === undefined) {
    throw new AwsError(
      'ServiceDeploymentNotFoundException',
      'The service deployment does not exist.'
    )
  }
  if (['STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'].includes(sd.status)) {
    return { serviceDeploymentArn: arn }
  }
  if (!['PENDING', 'IN_PROGRESS'].includes(sd.status)) {
    throw new AwsError(
      'ConflictException',
      `The service deployment is ${sd.status} and cannot be stopped.`
    )
  }
  requestRollback(store, sd, 'StopServiceDeployment')
  return { serviceDeploymentArn: arn }
}

/**
 * Rolls an ongoing service deployment back to its source revision, as StopServiceDeployment
 * ROLLBACK and ContinueServiceDeployment ROLLBACK do. `by` names the operation in the reasons
 * (GUESS: AWS's wording for ContinueServiceDeployment is not documented).
 */
export function requestRollback(store: EcsStore, sd: ServiceDeploymentRec, by: string): void {
  const service = sd.service
  const deployment = service.deployments.find(d => d.serviceDeployment === sd)
  const source = sd.sources.find(r => r === service.lastCompletedRevision) ?? sd.sources[0]
  if (deployment === undefined) {
    throw new AwsError(
      'ConflictException',
      `The service deployment is ${sd.status} and cannot be stopped.`
    )
  }
  if (source === undefined) {
    throw new AwsError(
      'ConflictException',
      'The service deployment has no source revision to roll back to.'
    )
  }
  const sourceId =
    service.deployments.find(d => d.revision === source)?.id ??
    service.lastCompletedDeploymentId ??
    source.arn
  deployment.rolloutState = 'FAILED'
  deployment.rolloutStateReason = `Service deployment rolled back by ${by}.`
  deployment.updatedAt = now(store)
  rollBack(store, service, deployment, source, sourceId, `Rollback requested by ${by}.`)
}

import { ecsArn, newDeploymentId, newServiceDeploymentToken } from './arns.js'
import type {
  DeploymentConfig,
  DeploymentRec,
  ServiceDeploymentRec,
  ServiceRec,
  ServiceRevisionRec,
  TaskDefRec
} from './model.js'
import { addEvent, now, type EcsStore } from './store.js'
import { blueGroups, initShift, rollBackShift } from './traffic-shift.js'

/** The circuit-breaker threshold (ECS-API ServiceDeploymentCircuitBreaker, ThresholdConfiguration). */
export function breakerThreshold(config: DeploymentConfig, desired: number): number {
  const threshold = config.deploymentCircuitBreaker.thresholdConfiguration
  const type = threshold?.type ?? 'BOUNDED_PERCENT'
  const value = threshold?.value ?? 50
  if (type === 'COUNT') return Math.max(1, value)
  const raw = Math.ceil((desired * value) / 100)
  if (type === 'UNBOUNDED_PERCENT') return Math.max(1, raw)
  return Math.min(200, Math.max(3, raw))
}

export function newRevision(
  store: EcsStore,
  service: ServiceRec,
  taskDef: TaskDefRec
): ServiceRevisionRec {
  const revision: ServiceRevisionRec = {
    arn: ecsArn(
      service.cluster.region,
      `service-revision/${service.cluster.name}/${service.name}/${service.revisions.length + 1}`
    ),
    serviceArn: service.arn,
    clusterArn: service.cluster.arn,
    taskDefinitionArn: taskDef.arn,
    launchType: service.launchType,
    capacityProviderStrategy: service.capacityProviderStrategy,
    platformVersion: service.platformVersion,
    loadBalancers: service.loadBalancers,
    networkConfiguration: service.networkConfiguration,
    containerImages: taskDef.containers.map(c => ({ containerName: c.name, image: c.image })),
    createdAt: now(store)
  }
  service.revisions.push(revision)
  return revision
}

function makeDeployment(
  store: EcsStore,
  service: ServiceRec,
  revision: ServiceRevisionRec,
  serviceDeployment: ServiceDeploymentRec,
  isRollback: boolean,
  reason?: string
): DeploymentRec {
  const id = newDeploymentId()
  const at = now(store)
  for (const previous of service.deployments) previous.status = 'ACTIVE'
  const deployment: DeploymentRec = {
    id,
    status: 'PRIMARY',
    revision,
    desiredCount: service.desiredCount,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    createdAt: at,
    updatedAt: at,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: reason ?? `ECS deployment ${id} in progress.`,
    serviceDeployment,
    isRollback,
    impairedEventSent: false
  }
  service.deployments.unshift(deployment)
  service.taskDefinitionArn = revision.taskDefinitionArn
  service.steady = false
  return deployment
}

/**
 * A new deployment to `revision` (CreateService, or UpdateService changing what tasks run).
 * An ongoing older service deployment it supersedes ends STOPPED (ECS-DG "service deployments").
 */
export function startDeployment(
  store: EcsStore,
  service: ServiceRec,
  revision: ServiceRevisionRec
): DeploymentRec {
  const at = now(store)
  for (const sd of service.serviceDeployments) {
    if (
      ['PENDING', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'].includes(sd.status)
    ) {
      sd.status = 'STOPPED'
      sd.statusReason = 'Service deployment superseded by a newer service deployment.'
      sd.stoppedAt = at
      sd.updatedAt = at
    }
  }
  const config = service.deploymentConfiguration
  const breaker = config.deploymentCircuitBreaker
  const alarms = config.alarms
  const sd: ServiceDeploymentRec = {
    arn: ecsArn(
      service.cluster.region,
      `service-deployment/${service.cluster.name}/${service.name}/${newServiceDeploymentToken()}`
    ),
    service,
    createdAt: at,
    updatedAt: at,
    sources: [...new Set(service.deployments.map(d => d.revision))],
    target: revision,
    status: 'PENDING',
    deploymentConfiguration: structuredClone(config),
    breakerStatus: breaker.enable ? 'MONITORING' : 'DISABLED',
    failureCount: 0,
    threshold: breakerThreshold(config, service.desiredCount),
    alarmStatus: alarms?.enable === true ? 'MONITORING' : 'DISABLED',
    triggeredAlarmNames: []
  }
  service.serviceDeployments.unshift(sd)
  const deployment = makeDeployment(store, service, revision, sd, false)
  initShift(store, service, deployment)
  return deployment
}

/** Fails the PRIMARY deployment and, when asked and possible, rolls back to `target`. */
export function failDeployment(
  store: EcsStore,
  service: ServiceRec,
  deployment: DeploymentRec,
  failure: { rolloutStateReason: string; event: string; rollback: boolean; sdReason: string }
): void {
  const at = now(store)
  const sd = deployment.serviceDeployment
  deployment.rolloutState = 'FAILED'
  deployment.rolloutStateReason = failure.rolloutStateReason
  deployment.updatedAt = at
  sd.updatedAt = at
  addEvent(store, service, failure.event)
  if (deployment.isRollback) {
    sd.status = 'ROLLBACK_FAILED'
    sd.statusReason = failure.sdReason
    sd.finishedAt = at
    return
  }
  const target = service.lastCompletedRevision
  const targetId = service.lastCompletedDeploymentId
  if (failure.rollback && target !== undefined && targetId !== undefined) {
    rollBack(store, service, deployment, target, targetId, failure.sdReason)
    return
  }
  sd.status = 'STOPPED'
  sd.statusReason = failure.sdReason
  sd.stoppedAt = at
}

/**
 * Rolls back to `target` with a new PRIMARY deployment that carries the failed one's service
 * deployment (ECS-API DeploymentCircuitBreaker.rollback; ECS-DG "Stopping service deployments").
 */
export function rollBack(
  store: EcsStore,
  service: ServiceRec,
  failed: DeploymentRec,
  target: ServiceRevisionRec,
  toId: string,
  reason: string
): DeploymentRec {
  // BLUE_GREEN, CANARY and LINEAR roll back by pointing traffic at the blue tasks again.
  const promoted = rollBackShift(store, service, failed, reason)
  if (promoted !== undefined) return promoted
  const sd = failed.serviceDeployment
  const at = now(store)
  sd.status = 'ROLLBACK_REQUESTED'
  sd.statusReason = reason
  sd.rollback = { reason, serviceRevisionArn: target.arn, startedAt: at }
  sd.updatedAt = at
  const rollback = makeDeployment(
    store,
    service,
    target,
    sd,
    true,
    `ECS deployment circuit breaker: rolling back to deploymentId ${toId}.`
  )
  if (failed.shift !== undefined) rollback.targetGroups = blueGroups(failed.shift)
  addEvent(store, service, `(service ${service.name}) rolling back to deployment ${toId}.`)
  return rollback
}

/** Marks the PRIMARY deployment complete and settles its service deployment. */
export function completeDeployment(
  store: EcsStore,
  service: ServiceRec,
  deployment: DeploymentRec
): void {
  const at = now(store)
  const sd = deployment.serviceDeployment
  deployment.rolloutState = 'COMPLETED'
  deployment.rolloutStateReason = `ECS deployment ${deployment.id} completed.`
  deployment.updatedAt = at
  service.lastCompletedRevision = deployment.revision
  service.lastCompletedDeploymentId = deployment.id
  if (sd.status === 'ROLLBACK_IN_PROGRESS' || sd.status === 'ROLLBACK_REQUESTED') {
    sd.status = 'ROLLBACK_SUCCESSFUL'
  } else if (sd.status === 'PENDING' || sd.status === 'IN_PROGRESS') {
    sd.status = 'SUCCESSFUL'
  }
  if (sd.breakerStatus === 'MONITORING') sd.breakerStatus = 'MONITORING_COMPLETE'
  if (sd.alarmStatus === 'MONITORING') sd.alarmStatus = 'MONITORING_COMPLETE'
  sd.finishedAt = at
  sd.updatedAt = at
  addEvent(
    store,
    service,
    `(service ${service.name}) (deployment ${deployment.id}) deployment completed.`
  )
}

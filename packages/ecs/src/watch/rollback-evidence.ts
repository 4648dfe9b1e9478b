import type { Deployment, Service } from '@aws-sdk/client-ecs'
import { deploymentFailureIn, rollbackTargetIn, toEventView } from './events.js'
import type { ServiceEventView } from '../observe/types.js'

export interface RollbackEvidence {
  /** The deployment ECS created to roll back: the PRIMARY now. */
  primary: Deployment
  /** The deployment ECS says it is going back to (`rolling back to deployment …`). */
  toDeploymentId: string
  /** Why our deployment failed, in AWS's words. */
  cause: string
}

function eventsOldestFirst(service: Service): ServiceEventView[] {
  return (service.events ?? [])
    .map(toEventView)
    .filter((view): view is ServiceEventView => view !== undefined)
    .sort((a, b) => a.at - b.at)
}

/** `(deployment ID) deployment failed: <cause>` for our deployment, in the events AWS keeps. */
export function failureEventOf(service: Service, deploymentId: string) {
  for (const event of eventsOldestFirst(service)) {
    const cause = deploymentFailureIn(event.message, deploymentId)
    if (cause !== undefined) return { event, cause }
  }
  return undefined
}

/**
 * Did ECS roll OUR deployment back? Only when our deployment failed (rolloutState FAILED, or
 * an event says so — it may already be gone from deployments) and a newer PRIMARY is rolling
 * back (its rolloutStateReason, or a `rolling back to deployment` event after our failure).
 * The whole event list is searched, not just new events: when the watch starts late, the
 * rollback may be history already, and a stable COMPLETED service must not read as success.
 */
export function findRollback(
  service: Service,
  ours: Deployment | undefined,
  deploymentId: string
): RollbackEvidence | undefined {
  const failureEvent = failureEventOf(service, deploymentId)
  if (ours?.rolloutState !== 'FAILED' && failureEvent === undefined) return undefined
  const primary = (service.deployments ?? []).find(
    deployment => deployment.status === 'PRIMARY' && deployment.id !== deploymentId
  )
  if (primary === undefined) return undefined
  const since = failureEvent?.event.at ?? ours?.createdAt?.getTime() ?? -Infinity
  const fromEvent = eventsOldestFirst(service)
    .filter(event => event.at >= since)
    .map(event => rollbackTargetIn(event.message))
    .find(id => id !== undefined)
  const toDeploymentId = rollbackTargetIn(primary.rolloutStateReason) ?? fromEvent
  if (toDeploymentId === undefined) return undefined
  const cause =
    (ours?.rolloutState === 'FAILED' ? ours.rolloutStateReason : undefined) ??
    failureEvent?.cause ??
    'deployment failed'
  return { primary, toDeploymentId, cause: withAlarmNames(service, cause) }
}

/** Alarm failures name the alarms the deployment watches, so people know which one to open. */
export function withAlarmNames(service: Service, cause: string): string {
  const names = service.deploymentConfiguration?.alarms?.alarmNames ?? []
  if (!/alarm/i.test(cause) || names.length === 0) return cause
  const noun = names.length === 1 ? 'alarm' : 'alarms'
  return `${stripPeriod(cause)} (deployment ${noun}: ${names.join(', ')})`
}

export function stripPeriod(text: string): string {
  return text.replace(/\.\s*$/, '')
}

import type { Deployment, Service } from '@aws-sdk/client-ecs'
import { countsOf, describeCounts, idOf, stateOf, taskDefinitionName } from './describe.js'

/*
 * "Is this service settled, and if not, why?" — answered once, here, for the rollout watcher,
 * the health-verify ECS probe and the staging gate alike.
 */

export function primaryDeployment(service: Service): Deployment | undefined {
  return service.deployments?.find(deployment => deployment.status === 'PRIMARY')
}

/** A rollout is under way when the PRIMARY is not finished or older deployments still run. */
export function isDeploymentInProgress(service: Service): boolean {
  const deployments = service.deployments ?? []
  const primary = primaryDeployment(service)
  return deployments.length > 1 || primary?.rolloutState === 'IN_PROGRESS'
}

/**
 * ACTIVE, or not said (old answers and test doubles leave the status out). DRAINING is a
 * service being deleted and INACTIVE one that was: neither is anything to deploy to, to gate a
 * release on or to call healthy. One decision for every caller.
 */
export function isActiveService(service: Service): boolean {
  return service.status === undefined || service.status === 'ACTIVE'
}

/** `service web is DRAINING: it is being deleted`. */
export function inactiveReason(name: string, service: Service): string {
  const status = service.status ?? 'not active'
  const why =
    status === 'DRAINING' ? 'it is being deleted' : status === 'INACTIVE' ? 'it was deleted' : ''
  return `service ${name} is ${status}${why === '' ? '' : `: ${why}`}`
}

function deploymentLine(deployment: Deployment): string {
  return `${deployment.status ?? '?'} ${idOf(deployment)} (${taskDefinitionName(deployment.taskDefinition)}, ${stateOf(deployment)}, ${describeCounts(deployment)})`
}

/**
 * Why `deployment` (default: the PRIMARY) is not settled, or undefined when it is: the service
 * is active, the deployment is PRIMARY and COMPLETED, it is the only deployment left, and it
 * runs as many tasks as desired with none pending. Old APIs (and services on the CODE_DEPLOY or
 * EXTERNAL controller) report no rolloutState; then a single deployment at its desired count
 * is the only evidence of completion there is.
 */
export function unsettledReason(
  service: Service,
  deployment: Deployment | undefined = primaryDeployment(service)
): string | undefined {
  const name = service.serviceName ?? 'the service'
  if (!isActiveService(service)) return inactiveReason(name, service)
  if (deployment === undefined) return `service ${name} has no PRIMARY deployment`
  const id = idOf(deployment)
  if (deployment.status !== 'PRIMARY') {
    return `deployment ${id} is ${deployment.status ?? 'not PRIMARY'}, not PRIMARY`
  }
  if (deployment.rolloutState === 'FAILED') {
    return `deployment ${id} FAILED: ${deployment.rolloutStateReason ?? 'no reason given'}`
  }
  // ECS's circuit breaker or a deployment alarm is putting the service back: say so, not just
  // "rolling". Once that rollback deployment is COMPLETED the words say how it began, not that
  // it is still under way, so they are not read then.
  if (
    deployment.rolloutState !== 'COMPLETED' &&
    /rolling back/i.test(deployment.rolloutStateReason ?? '')
  ) {
    return `service ${name} is rolling back: ${deployment.rolloutStateReason ?? ''}`
  }
  const deployments = service.deployments ?? []
  if (deployments.length === 0) return `service ${name} lists no deployments`
  if (deployments.length > 1) {
    return `${deployments.length} deployments, a rollout is under way: ${deployments.map(deploymentLine).join('; ')}`
  }
  if (deployment.rolloutState !== undefined && deployment.rolloutState !== 'COMPLETED') {
    const why = deployment.rolloutStateReason ? `: ${deployment.rolloutStateReason}` : ''
    return `deployment ${id} is ${deployment.rolloutState} with ${describeCounts(deployment)}${why}`
  }
  const { running, desired, pending } = countsOf(deployment)
  if (running !== desired || pending > 0)
    return `deployment ${id} has ${describeCounts(deployment)}`
  return undefined
}

export function isSettled(service: Service, deployment?: Deployment): boolean {
  return unsettledReason(service, deployment) === undefined
}

import {
  ListServiceDeploymentsCommand,
  type DeploymentConfiguration,
  type ECSClient,
  type Service,
  type UpdateServiceCommandInput
} from '@aws-sdk/client-ecs'
import { errorMessage, type Logger } from '@fargate-promote/common'

/**
 * The deploymentConfiguration to send, or undefined to leave the service's as it is. The
 * service's other settings (percentages, strategy, hooks, breaker thresholds) are kept.
 */
export function deploymentConfigurationFor(
  service: Service,
  options: { circuitBreaker: boolean; alarms: string[] }
): DeploymentConfiguration | undefined {
  const current = service.deploymentConfiguration ?? {}
  const breaker = current.deploymentCircuitBreaker
  const needBreaker =
    options.circuitBreaker && !(breaker?.enable === true && breaker.rollback === true)
  const needAlarms = options.alarms.length > 0
  if (!needBreaker && !needAlarms) return undefined
  return {
    ...current,
    ...(needBreaker
      ? { deploymentCircuitBreaker: { ...breaker, enable: true, rollback: true } }
      : {}),
    ...(needAlarms
      ? { alarms: { alarmNames: [...options.alarms], enable: true, rollback: true } }
      : {})
  }
}

export function updateServiceInput(
  cluster: string,
  service: Service,
  taskDefinitionArn: string,
  options: {
    desiredCount?: number
    forceNewDeployment: boolean
    circuitBreaker: boolean
    alarms: string[]
  }
): UpdateServiceCommandInput {
  const deploymentConfiguration = deploymentConfigurationFor(service, options)
  return {
    cluster,
    service: service.serviceName,
    taskDefinition: taskDefinitionArn,
    forceNewDeployment: options.forceNewDeployment,
    ...(options.desiredCount === undefined ? {} : { desiredCount: options.desiredCount }),
    ...(deploymentConfiguration ? { deploymentConfiguration } : {})
  }
}

/**
 * The service-deployment ARN of the rollout UpdateService just started, for
 * StopServiceDeployment. Older API answers lack it; then it is looked up, and its absence
 * (API not available, no permission) is tolerated.
 */
export async function findServiceDeploymentArn(
  updated: Service,
  cluster: string,
  deps: { ecs: ECSClient; log: Logger }
): Promise<string | undefined> {
  if (updated.currentServiceDeployment) return updated.currentServiceDeployment
  try {
    const listed = await deps.ecs.send(
      new ListServiceDeploymentsCommand({
        cluster,
        service: updated.serviceName,
        status: ['PENDING', 'IN_PROGRESS']
      })
    )
    const newest = [...(listed.serviceDeployments ?? [])].sort(
      (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0)
    )[0]
    return newest?.serviceDeploymentArn
  } catch (error) {
    deps.log.debug(`ListServiceDeployments unavailable: ${errorMessage(error)}`)
    return undefined
  }
}

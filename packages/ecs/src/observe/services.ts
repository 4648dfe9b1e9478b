import {
  DescribeServicesCommand,
  type Deployment,
  type ECSClient,
  type Service
} from '@aws-sdk/client-ecs'
import { ConfigurationError, quoteValue, type ConfigurationSubject } from '@fargate-promote/common'

/** AWS limit: DescribeServices takes at most 10 services per call. */
export const DESCRIBE_SERVICES_BATCH = 10

/** Called once per AWS request, so the watcher can count its calls against the budget. */
export type AwsCallListener = (operation: string) => void

export interface EcsReadDeps {
  ecs: ECSClient
  onAwsCall?: AwsCallListener
}

/** A service name as ECS allows it (CreateService): up to 255 letters, digits, - and _. */
const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/
/** `arn:<partition>:ecs:<region>:<account>:service/<cluster>/<name>` (or the old `service/<name>`). */
const SERVICE_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service\/(?:[A-Za-z0-9_-]{1,255}\/)?[A-Za-z0-9_-]{1,255}$/

/**
 * A service named as ECS could name it, checked before AWS is asked: a value no service can have
 * (a line break, a shell expression, a zero-width space) is refused naming the setting, rather
 * than sent to DescribeServices and reported back as not found.
 */
export function checkServiceName(value: string, subject: ConfigurationSubject): void {
  if (SERVICE_NAME.test(value) || SERVICE_ARN.test(value)) return
  throw new ConfigurationError(
    `${quoteValue(value)} is not an ECS service name: up to 255 letters, digits, hyphens and underscores (or the service's ARN). Give the name of the service in the cluster.`,
    subject
  )
}

/** The name at the end of a service ARN (`…:service/cluster/name` or old `…:service/name`). */
export function serviceNameOf(arnOrName: string): string {
  const slash = arnOrName.lastIndexOf('/')
  return slash >= 0 ? arnOrName.slice(slash + 1) : arnOrName
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size))
  }
  return chunks
}

/**
 * One DescribeServices call per 10 names. Services AWS reports as MISSING come back in
 * `missing` (by the name asked for); any other failure reason is an error, because it means
 * we cannot see the service at all.
 */
export async function describeServices(
  deps: EcsReadDeps,
  cluster: string,
  names: string[]
): Promise<{ services: Service[]; missing: string[] }> {
  const services: Service[] = []
  const missing: string[] = []
  for (const batch of chunk(names, DESCRIBE_SERVICES_BATCH)) {
    deps.onAwsCall?.('DescribeServices')
    const response = await deps.ecs.send(new DescribeServicesCommand({ cluster, services: batch }))
    services.push(...(response.services ?? []))
    for (const failure of response.failures ?? []) {
      const name = serviceNameOf(failure.arn ?? '')
      if (failure.reason === 'MISSING') {
        missing.push(batch.find(asked => serviceNameOf(asked) === name) ?? name)
      } else {
        throw new Error(
          `DescribeServices could not describe service '${name}' in cluster '${cluster}': ${failure.reason ?? 'unknown reason'}${failure.detail ? ` (${failure.detail})` : ''}`
        )
      }
    }
  }
  return { services, missing }
}

export function findDeployment(service: Service, deploymentId: string): Deployment | undefined {
  return service.deployments?.find(deployment => deployment.id === deploymentId)
}

/** The service in a DescribeServices answer that matches a name or ARN we asked for. */
export function findService(services: Service[], nameOrArn: string): Service | undefined {
  const name = serviceNameOf(nameOrArn)
  return services.find(service => service.serviceArn === nameOrArn || service.serviceName === name)
}

import {
  DescribeServicesCommand,
  type Deployment,
  type ECSClient,
  type Service
} from '@aws-sdk/client-ecs'

/** AWS limit: DescribeServices takes at most 10 services per call. */
export const DESCRIBE_SERVICES_BATCH = 10

/** Called once per AWS request, so the watcher can count its calls against the budget. */
export type AwsCallListener = (operation: string) => void

export interface EcsReadDeps {
  ecs: ECSClient
  onAwsCall?: AwsCallListener
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

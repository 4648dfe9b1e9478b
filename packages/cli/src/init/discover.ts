import type { ECSClient } from '@aws-sdk/client-ecs'
import { awsClientConfig } from '../aws.js'
import type { CliIo } from '../io.js'

/*
 * The account's clusters and services, for init to offer. Every page is read (ListClusters and
 * ListServices answer 100 at most), so an account with many services still shows all of them.
 */

type Env = CliIo['env']

/**
 * An ECS client from this run's environment (not the process's, which tests do not own): see
 * awsClientConfig.
 */
export async function ecsClient(region: string, env: Env): Promise<ECSClient> {
  const { ECSClient } = await import('@aws-sdk/client-ecs')
  return new ECSClient(awsClientConfig(env, region, 'ECS'))
}

/** `arn:aws:ecs:…:cluster/shop-dev` → `shop-dev`; `…:service/cluster/web` → `web`. */
export const nameOfArn = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1)

export async function listClusterNames(ecs: ECSClient): Promise<string[]> {
  const { paginateListClusters } = await import('@aws-sdk/client-ecs')
  const names: string[] = []
  for await (const page of paginateListClusters({ client: ecs }, {})) {
    names.push(...(page.clusterArns ?? []).map(nameOfArn))
  }
  return names.sort()
}

export async function listServiceNames(ecs: ECSClient, cluster: string): Promise<string[]> {
  const { paginateListServices } = await import('@aws-sdk/client-ecs')
  const names: string[] = []
  for await (const page of paginateListServices({ client: ecs }, { cluster })) {
    names.push(...(page.serviceArns ?? []).map(nameOfArn))
  }
  return names.sort()
}

/** DescribeServices takes 10 at a time. */
const DESCRIBE_BATCH = 10

/**
 * The container that takes the application's image: the one named like the service, else the
 * task definition's first (sidecars such as log routers usually come after it). A service ECS
 * does not describe falls back to its own name; the config's header asks to review them.
 */
function appContainer(service: string, containers: readonly string[]): string[] {
  if (containers.includes(service)) return [service]
  return [containers[0] ?? service]
}

/** The application container of each service, read from its task definition. */
export async function containersOf(
  ecs: ECSClient,
  cluster: string,
  services: readonly string[]
): Promise<Map<string, string[]>> {
  const { DescribeServicesCommand, DescribeTaskDefinitionCommand } =
    await import('@aws-sdk/client-ecs')
  const found = new Map<string, string[]>()
  for (let start = 0; start < services.length; start += DESCRIBE_BATCH) {
    const batch = services.slice(start, start + DESCRIBE_BATCH)
    const described = await ecs.send(new DescribeServicesCommand({ cluster, services: batch }))
    for (const service of described.services ?? []) {
      if (!service.serviceName || !service.taskDefinition) continue
      const { taskDefinition } = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition })
      )
      const names = (taskDefinition?.containerDefinitions ?? []).flatMap(c =>
        c.name ? [c.name] : []
      )
      found.set(service.serviceName, names)
    }
  }
  return new Map(services.map(name => [name, appContainer(name, found.get(name) ?? [])]))
}

import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  type Cluster,
  type Deployment,
  type DescribeServicesCommandOutput,
  type ECSClient,
  type Service
} from '@aws-sdk/client-ecs'
import { ConfigurationError } from '@fargate-promote/common'

export const MAX_SERVICES = 10

export interface PreflightOptions {
  cluster: string
  services: string[]
  /**
   * Describe the cluster first (DescribeClusters). Default true. When false, one round trip is
   * saved: an unknown cluster is still reported, from DescribeServices' ClusterNotFoundException,
   * with the same message; `cluster` in the result then only holds the name and ARN.
   */
  checkCluster?: boolean
}

export interface PreflightService {
  name: string
  service: Service
  /** The PRIMARY deployment, the one ECS is moving the service to. */
  primary: Deployment
  /** The PRIMARY deployment's id (`ecs-svc/…`). */
  primaryDeploymentId: string
  /** The PRIMARY deployment's task definition: what the service runs or is moving to. */
  liveTaskDefinitionArn: string
  hasLoadBalancers: boolean
  deploymentInProgress: boolean
}

export interface PreflightResult {
  /** As described; with `checkCluster: false`, only the name given and the ARN ECS answered. */
  cluster: Cluster
  services: PreflightService[]
}

const FARGATE_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT'])

export function primaryDeployment(service: Service): Deployment | undefined {
  return service.deployments?.find(deployment => deployment.status === 'PRIMARY')
}

/** A rollout is under way when the PRIMARY is not finished or older deployments still run. */
export function isDeploymentInProgress(service: Service): boolean {
  const deployments = service.deployments ?? []
  const primary = primaryDeployment(service)
  return deployments.length > 1 || primary?.rolloutState === 'IN_PROGRESS'
}

function checkService(cluster: string, name: string, service: Service): PreflightService {
  const where = `service '${name}' in cluster '${cluster}'`
  if (service.status !== 'ACTIVE') {
    throw new ConfigurationError(
      `${where} is ${service.status ?? 'not active'}; only an ACTIVE service can be deployed. Check the service name or recreate the service.`
    )
  }
  const controller = service.deploymentController?.type
  if (controller === 'CODE_DEPLOY' || controller === 'EXTERNAL') {
    throw new ConfigurationError(
      `${where} uses the ${controller} deployment controller. Such services are deployed through ${controller === 'CODE_DEPLOY' ? 'CodeDeploy' : 'task sets (CreateTaskSet)'}; this action manages ECS rolling deployments (deployment controller ECS). Deploy it with ${controller === 'CODE_DEPLOY' ? 'CodeDeploy' : 'its own task-set tooling'}, or switch the service to the ECS controller.`
    )
  }
  if (service.launchType !== undefined && service.launchType !== 'FARGATE') {
    throw new ConfigurationError(
      `${where} runs on launch type ${service.launchType}, not Fargate. This action deploys Fargate services only; use launch type FARGATE or a FARGATE/FARGATE_SPOT capacity provider strategy.`
    )
  }
  const providers = (service.capacityProviderStrategy ?? []).map(
    item => item.capacityProvider ?? ''
  )
  const foreign = providers.filter(provider => !FARGATE_PROVIDERS.has(provider))
  if (foreign.length > 0) {
    throw new ConfigurationError(
      `${where} uses capacity provider${foreign.length > 1 ? 's' : ''} ${foreign.map(p => `'${p}'`).join(', ')}, not Fargate. This action deploys Fargate services only (capacity providers FARGATE and FARGATE_SPOT).`
    )
  }
  const primary = primaryDeployment(service)
  if (!primary?.taskDefinition || !primary.id) {
    throw new ConfigurationError(
      `${where} has no PRIMARY deployment with a task definition, so there is nothing to deploy over. Check the service in the ECS console.`
    )
  }
  return {
    name,
    service,
    primary,
    primaryDeploymentId: primary.id,
    liveTaskDefinitionArn: primary.taskDefinition,
    hasLoadBalancers: (service.loadBalancers ?? []).length > 0,
    deploymentInProgress: isDeploymentInProgress(service)
  }
}

function clusterError(cluster: string, status: string | undefined): ConfigurationError {
  return new ConfigurationError(
    `cluster: '${cluster}' ${status ? `is ${status}` : 'was not found'} in this account and region. List the clusters with 'aws ecs list-clusters' and check the region.`
  )
}

async function describeCluster(cluster: string, deps: { ecs: ECSClient }): Promise<Cluster> {
  const clusters = await deps.ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))
  const found = clusters.clusters?.find(c => c.status === 'ACTIVE')
  if (!found) throw clusterError(cluster, clusters.clusters?.[0]?.status)
  return found
}

/**
 * Check that the cluster and every service exist and can be deployed by this action, and
 * describe them. Read-only: a ConfigurationError here means nothing was changed.
 */
export async function preflight(
  options: PreflightOptions,
  deps: { ecs: ECSClient }
): Promise<PreflightResult> {
  const { cluster, services } = options
  if (cluster.trim() === '') {
    throw new ConfigurationError(
      'cluster: the cluster name is empty. Set it to the ECS cluster name or ARN.'
    )
  }
  if (services.length === 0) {
    throw new ConfigurationError('services: no service given. Name 1 to 10 ECS services.')
  }
  if (services.length > MAX_SERVICES) {
    throw new ConfigurationError(
      `services: ${services.length} services given (${services.join(', ')}); at most ${MAX_SERVICES} can be deployed together. Split them over several steps or jobs.`
    )
  }
  const duplicates = services.filter((name, index) => services.indexOf(name) !== index)
  if (duplicates.length > 0) {
    throw new ConfigurationError(
      `services: '${duplicates[0]}' is listed twice. Name each service once.`
    )
  }

  const found = options.checkCluster === false ? undefined : await describeCluster(cluster, deps)
  let described: DescribeServicesCommandOutput
  try {
    described = await deps.ecs.send(new DescribeServicesCommand({ cluster, services }))
  } catch (error) {
    if ((error as { name?: string }).name === 'ClusterNotFoundException') {
      throw clusterError(cluster, undefined)
    }
    throw error
  }
  const result: PreflightService[] = []
  for (const name of services) {
    const service = described.services?.find(s => s.serviceName === name || s.serviceArn === name)
    if (!service) {
      const reason = described.failures?.find(f => f.arn?.endsWith(`/${name}`) || f.arn === name)
      throw new ConfigurationError(
        `services: '${name}' was not found in cluster '${cluster}'${reason?.reason ? ` (${reason.reason})` : ''}. List the services with 'aws ecs list-services --cluster ${cluster}'.`
      )
    }
    result.push(checkService(cluster, name, service))
  }
  return {
    cluster: found ?? { clusterName: cluster, clusterArn: result[0]?.service.clusterArn },
    services: result
  }
}

import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  type Cluster,
  type Deployment,
  type DescribeServicesCommandOutput,
  type ECSClient,
  type Service
} from '@aws-sdk/client-ecs'
import {
  ConfigurationError,
  escapeUnprintable,
  quoteValue,
  type ConfigurationSubject
} from '@fargate-promote/common'
import { isDeploymentInProgress, primaryDeployment } from '../observe/settled.js'

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

function checkService(
  cluster: string,
  name: string,
  service: Service,
  subject: ConfigurationSubject
): PreflightService {
  // Quoted and escaped: a cluster is not checked before AWS is asked, and ECS's answer holds it.
  const where = `service ${quoteValue(name)} in cluster ${quoteValue(cluster)}`
  if (service.status !== 'ACTIVE') {
    throw new ConfigurationError(
      `${where} is ${service.status ?? 'not active'}; only an ACTIVE service can be deployed. Check the service name or recreate the service.`,
      subject
    )
  }
  const controller = service.deploymentController?.type
  if (controller === 'CODE_DEPLOY' || controller === 'EXTERNAL') {
    throw new ConfigurationError(
      `${where} uses the ${controller} deployment controller. Such services are deployed through ${controller === 'CODE_DEPLOY' ? 'CodeDeploy' : 'task sets (CreateTaskSet)'}; this action manages ECS rolling deployments (deployment controller ECS). Deploy it with ${controller === 'CODE_DEPLOY' ? 'CodeDeploy' : 'its own task-set tooling'}, or switch the service to the ECS controller.`,
      subject
    )
  }
  if (service.launchType !== undefined && service.launchType !== 'FARGATE') {
    throw new ConfigurationError(
      `${where} runs on launch type ${service.launchType}, not Fargate. This action deploys Fargate services only; use launch type FARGATE or a FARGATE/FARGATE_SPOT capacity provider strategy.`,
      subject
    )
  }
  const providers = (service.capacityProviderStrategy ?? []).map(
    item => item.capacityProvider ?? ''
  )
  const foreign = providers.filter(provider => !FARGATE_PROVIDERS.has(provider))
  if (foreign.length > 0) {
    throw new ConfigurationError(
      `${where} uses capacity provider${foreign.length > 1 ? 's' : ''} ${foreign.map(p => `'${p}'`).join(', ')}, not Fargate. This action deploys Fargate services only (capacity providers FARGATE and FARGATE_SPOT).`,
      subject
    )
  }
  const primary = primaryDeployment(service)
  if (!primary?.taskDefinition || !primary.id) {
    throw new ConfigurationError(
      `${where} has no PRIMARY deployment with a task definition, so there is nothing to deploy over. Check the service in the ECS console.`,
      subject
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
    `${quoteValue(cluster)} ${status ? `is ${status}` : 'was not found'} in this account and region. List the clusters with 'aws ecs list-clusters' and check the region.`,
    { input: 'cluster' }
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
 * describe them (the names were checked where they were read). Read-only: a ConfigurationError
 * here means nothing was changed.
 */
export async function preflight(
  options: PreflightOptions,
  deps: { ecs: ECSClient }
): Promise<PreflightResult> {
  const { cluster, services } = options
  const subject = { input: services.length > 1 ? 'services' : 'service' }
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
        `${quoteValue(name)} was not found in cluster ${quoteValue(cluster)}${reason?.reason ? ` (${reason.reason})` : ''}. List the services with 'aws ecs list-services --cluster ${escapeUnprintable(cluster)}'.`,
        subject
      )
    }
    result.push(checkService(cluster, name, service, subject))
  }
  return {
    cluster: found ?? { clusterName: cluster, clusterArn: result[0]?.service.clusterArn },
    services: result
  }
}

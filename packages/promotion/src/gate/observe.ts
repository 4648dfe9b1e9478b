import type { ECSClient, Service } from '@aws-sdk/client-ecs'
import { ConfigurationError } from '@fargate-promote/common'
import {
  describeServices,
  findService,
  isActiveService,
  observeService,
  readTaskDefinition,
  type ElbClient,
  type ServiceObservation
} from '@fargate-promote/ecs'

/** What one staging service runs: the one ECS observation, plus its revision's tags. */
export interface StagingObservation extends ServiceObservation {
  /** The primary revision's tags (`version`, `commit`). */
  tags: Record<string, string>
}

export interface ObserveStagingOptions {
  cluster: string
  services: string[]
  /** Tasks of the live revision that stopped within this window count against it. */
  windowMs: number
}

function notActive(options: ObserveStagingOptions, names: string[]): ConfigurationError {
  const plural = names.length > 1
  return new ConfigurationError(
    `${names.map(name => `'${name}'`).join(', ')} ${plural ? 'are not active services' : 'is not an active service'} of cluster '${options.cluster}'. Name the staging service(s) the deploy workflow updates.`,
    { input: options.services.length === 1 ? 'service' : 'services' }
  )
}

/**
 * The staging services, with one DescribeServices call. A service that is missing or not ACTIVE
 * (DRAINING: being deleted) is bad input, not a check that could fail and be bypassed: a gate
 * on a service that does not serve would approve nothing at all. Other AWS errors are thrown:
 * without this read there is no verdict to give.
 */
export async function describeStaging(
  options: ObserveStagingOptions,
  deps: { ecs: ECSClient }
): Promise<Service[]> {
  const { cluster } = options
  let described: Awaited<ReturnType<typeof describeServices>>
  try {
    described = await describeServices(deps, cluster, options.services)
  } catch (error) {
    if ((error as { name?: unknown }).name !== 'ClusterNotFoundException') throw error
    throw new ConfigurationError(
      `'${cluster}' is not an ECS cluster in this account and region. Check the name and the AWS region.`,
      { input: 'cluster' }
    )
  }
  const found = options.services.map(name => findService(described.services, name))
  const unusable = options.services.flatMap((name, index) => {
    const service = found[index]
    if (service === undefined) return [name]
    return isActiveService(service) ? [] : [`${name} (${service.status ?? 'not ACTIVE'})`]
  })
  if (unusable.length > 0) throw notActive(options, unusable)
  return found as Service[]
}

/** One staging service observed: the one ECS observation, and its revision's tags. */
export async function observeStagingService(
  service: Service,
  name: string,
  options: ObserveStagingOptions,
  deps: { ecs: ECSClient; elb: ElbClient; now: number }
): Promise<StagingObservation> {
  const stoppedSince = deps.now - options.windowMs
  const observation = await observeService(
    service,
    { cluster: options.cluster, name, stoppedSince },
    deps
  )
  return { ...observation, tags: await revisionTags(deps.ecs, observation) }
}

async function revisionTags(
  ecs: ECSClient,
  observation: ServiceObservation
): Promise<Record<string, string>> {
  const revision = observation.primary?.taskDefinition
  if (revision === undefined) return {}
  const described = await readTaskDefinition(ecs, revision)
  const tags: Record<string, string> = {}
  for (const tag of described?.tags ?? []) {
    if (tag.key !== undefined) tags[tag.key] = tag.value ?? ''
  }
  return tags
}

import type { ECSClient } from '@aws-sdk/client-ecs'
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

function notActive(
  options: ObserveStagingOptions,
  name: string,
  status: string
): ConfigurationError {
  return new ConfigurationError(
    `'${name}' is not an active service of cluster '${options.cluster}' (ECS says ${status}). Name the staging service(s) the deploy workflow updates.`,
    { input: options.services.length === 1 ? 'service' : 'services' }
  )
}

/**
 * Reads the staging services with one DescribeServices call and observes each. A service that
 * is missing or not ACTIVE (DRAINING: being deleted) is bad input, not a check that could fail
 * and be bypassed: a gate on a service that does not serve would approve nothing at all.
 */
export async function observeStaging(
  options: ObserveStagingOptions,
  deps: { ecs: ECSClient; elb: ElbClient; now: number }
): Promise<StagingObservation[]> {
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
  const observations: StagingObservation[] = []
  for (const name of options.services) {
    const service = findService(described.services, name)
    if (service === undefined) throw notActive(options, name, 'MISSING')
    if (!isActiveService(service)) throw notActive(options, name, service.status ?? 'not ACTIVE')
    const stoppedSince = deps.now - options.windowMs
    const observation = await observeService(service, { cluster, name, stoppedSince }, deps)
    observations.push({ ...observation, tags: await revisionTags(deps.ecs, observation) })
  }
  return observations
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

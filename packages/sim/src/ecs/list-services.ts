import type { RequestContext } from '../contract.js'
import { optionalEnum, optionalInteger, optionalString, type Input } from './input.js'
import { paginate } from './pagination.js'
import { resolveCluster, type EcsStore } from './store.js'

/**
 * ListServices as ECS documents it: the ACTIVE services of one cluster (name or ARN, default
 * `default`), oldest first, filtered by `launchType`, `schedulingStrategy` and
 * `resourceManagementType`, `maxResults` 1-100 (default 10) per page. A deleted service is no
 * longer listed once it is DRAINING (ECS API reference, DeleteService).
 */

const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] as const
const SCHEDULING_STRATEGIES = ['REPLICA', 'DAEMON'] as const
/** Every sim service is customer-managed: none is an ECS-managed (Express) service. */
const RESOURCE_MANAGEMENT_TYPES = ['CUSTOMER', 'ECS'] as const

export function listServices(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const cluster = resolveCluster(store, ctx, optionalString(input, 'cluster'))
  const launchType = optionalEnum(input, 'launchType', LAUNCH_TYPES)
  const schedulingStrategy = optionalEnum(input, 'schedulingStrategy', SCHEDULING_STRATEGIES)
  const managedBy = optionalEnum(input, 'resourceManagementType', RESOURCE_MANAGEMENT_TYPES)
  const maxResults = optionalInteger(input, 'maxResults', 1, 100) ?? 10
  const matching = [...store.services.values()].filter(
    service =>
      service.cluster === cluster &&
      service.status === 'ACTIVE' &&
      (launchType === undefined || service.launchType === launchType) &&
      (schedulingStrategy === undefined || service.schedulingStrategy === schedulingStrategy) &&
      managedBy !== 'ECS'
  )
  const { page, nextToken } = paginate(matching, optionalString(input, 'nextToken'), maxResults)
  return { serviceArns: page.map(service => service.arn), nextToken }
}

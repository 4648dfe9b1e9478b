import { randomUUID } from 'node:crypto'
import { AwsError, type EcsDeps, type RequestContext } from '../contract.js'
import { ecsArn, lastSegment } from './arns.js'
import type { ClusterRec, ServiceRec, TaskDefRec, TaskRec } from './model.js'

/** Everything the operations and the scheduler share. */
export interface EcsStore {
  deps: EcsDeps
  clusters: Map<string, ClusterRec>
  taskDefinitions: Map<string, TaskDefRec[]>
  /** Keyed by ARN; a re-created service replaces an INACTIVE one. */
  services: Map<string, ServiceRec>
  tasks: Map<string, TaskRec>
  /** Sim milliseconds elapsed, advanced by the reconcile loop. */
  simNow: number
  /** Bumped by reset so callbacks of a previous world do nothing. */
  generation: number
}

export function createStore(deps: EcsDeps): EcsStore {
  return {
    deps,
    clusters: new Map(),
    taskDefinitions: new Map(),
    services: new Map(),
    tasks: new Map(),
    simNow: 0,
    generation: 0
  }
}

export function now(store: EcsStore): Date {
  return new Date(store.deps.clock.now())
}

export function clusterArnFor(region: string, name: string): string {
  return ecsArn(region, `cluster/${name}`)
}

/** `cluster` may be a name or an ARN; omitted means `default`, as in AWS. */
export function resolveCluster(
  store: EcsStore,
  ctx: RequestContext,
  cluster: string | undefined
): ClusterRec {
  const ref = cluster ?? 'default'
  const arn = ref.startsWith('arn:') ? ref : clusterArnFor(ctx.region, ref)
  const found = store.clusters.get(arn)
  if (found === undefined) throw new AwsError('ClusterNotFoundException', 'Cluster not found.')
  return found
}

/** Finds a service of a cluster by name or ARN, whatever its status. */
export function findService(
  store: EcsStore,
  cluster: ClusterRec,
  ref: string
): ServiceRec | undefined {
  const name = lastSegment(ref)
  for (const service of store.services.values()) {
    if (service.cluster === cluster && service.name === name) return service
  }
  return undefined
}

export function requireActiveService(
  store: EcsStore,
  cluster: ClusterRec,
  ref: string
): ServiceRec {
  const service = findService(store, cluster, ref)
  if (service === undefined) throw new AwsError('ServiceNotFoundException', 'Service not found.')
  if (service.status !== 'ACTIVE') {
    throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.')
  }
  return service
}

const MAX_EVENTS = 100

/**
 * Service events are newest first and capped at 100; a message marked quiet is not repeated
 * until `clearQuiet` says its cause changed (ECS-DG "Viewing Amazon ECS service event messages").
 */
export function addEvent(
  store: EcsStore,
  service: ServiceRec,
  message: string,
  quiet = false
): void {
  if (quiet) {
    if (service.quietMessages.has(message)) return
    service.quietMessages.add(message)
  }
  service.events.unshift({ id: randomUUID(), createdAt: now(store), message })
  if (service.events.length > MAX_EVENTS) service.events.length = MAX_EVENTS
}

export function clearQuiet(service: ServiceRec, message: string): void {
  service.quietMessages.delete(message)
}

export function serviceTasks(store: EcsStore, service: ServiceRec): TaskRec[] {
  return [...store.tasks.values()].filter(task => task.service === service)
}

import type { RequestContext } from '../contract.js'
import {
  invalid,
  optionalInteger,
  optionalString,
  readTags,
  stringList,
  type Input
} from './input.js'
import type { ClusterRec } from './model.js'
import { paginate } from './pagination.js'
import { clusterArnFor, now, type EcsStore } from './store.js'

const CLUSTER_NAME = /^[a-zA-Z0-9_-]{1,255}$/

function clusterView(store: EcsStore, cluster: ClusterRec, withTags: boolean): unknown {
  const tasks = [...store.tasks.values()].filter(t => t.cluster === cluster)
  const services = [...store.services.values()].filter(
    s => s.cluster === cluster && s.status === 'ACTIVE'
  )
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter(t => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter(t =>
      ['PROVISIONING', 'PENDING', 'ACTIVATING'].includes(t.lastStatus)
    ).length,
    activeServicesCount: services.length,
    statistics: [],
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [],
    tags: withTags ? cluster.tags : undefined
  }
}

/** CreateCluster is idempotent for an existing name, as in AWS. */
export function createCluster(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const name = optionalString(input, 'clusterName') ?? 'default'
  if (!CLUSTER_NAME.test(name)) {
    throw invalid(
      'Cluster name can only contain letters, numbers, hyphens and underscores (1-255 characters).'
    )
  }
  const arn = clusterArnFor(ctx.region, name)
  let cluster = store.clusters.get(arn)
  if (cluster === undefined) {
    cluster = { arn, name, region: ctx.region, tags: readTags(input), createdAt: now(store) }
    store.clusters.set(arn, cluster)
  }
  return { cluster: clusterView(store, cluster, true) }
}

export function describeClusters(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const refs = stringList(input, 'clusters') ?? ['default']
  const withTags = (stringList(input, 'include') ?? []).includes('TAGS')
  const clusters: unknown[] = []
  const failures: unknown[] = []
  for (const ref of refs) {
    const arn = ref.startsWith('arn:') ? ref : clusterArnFor(ctx.region, ref)
    const cluster = store.clusters.get(arn)
    if (cluster === undefined) failures.push({ arn, reason: 'MISSING' })
    else clusters.push(clusterView(store, cluster, withTags))
  }
  return { clusters, failures }
}

/**
 * The caller's region's clusters, oldest first, `maxResults` 1-100 (default 100) per page, as
 * ECS documents ListClusters.
 */
export function listClusters(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const maxResults = optionalInteger(input, 'maxResults', 1, 100) ?? 100
  const clusters = [...store.clusters.values()].filter(c => c.region === ctx.region)
  const { page, nextToken } = paginate(clusters, optionalString(input, 'nextToken'), maxResults)
  return { clusterArns: page.map(c => c.arn), nextToken }
}

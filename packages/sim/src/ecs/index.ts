import { AwsError, type EcsDeps, type EcsModule, type RequestContext } from '../contract.js'
import { createCluster, describeClusters, listClusters } from './clusters.js'
import type { Input } from './input.js'
import { listServices } from './list-services.js'
import { continueServiceDeployment } from './pause-hooks.js'
import { reconcileService } from './scheduler.js'
import {
  listServiceDeployments,
  describeServiceDeployments,
  describeServiceRevisions,
  stopServiceDeployment
} from './service-deployments.js'
import { createService, deleteService, describeServices, updateService } from './services.js'
import { createStore, type EcsStore } from './store.js'
import { taskView } from './task-views.js'
import {
  deregisterTaskDefinition,
  describeTaskDefinition,
  listTaskDefinitions,
  registerTaskDefinition
} from './task-definitions.js'
import { describeTasks, listTasks, runTask, stopTaskOperation } from './task-operations.js'
import { advanceTask } from './tasks.js'
import { listTagsForResource, tagResource, untagResource } from './tags.js'

/** The scheduler's tick, in sim milliseconds. */
export const TICK_MS = 1_000

type Operation = (store: EcsStore, ctx: RequestContext, input: Input) => unknown

const OPERATIONS: Record<string, { run: Operation; mutating: boolean }> = {
  CreateCluster: { run: createCluster, mutating: true },
  DescribeClusters: { run: describeClusters, mutating: false },
  ListClusters: { run: listClusters, mutating: false },
  RegisterTaskDefinition: { run: registerTaskDefinition, mutating: true },
  DescribeTaskDefinition: { run: (s, _c, i) => describeTaskDefinition(s, i), mutating: false },
  ListTaskDefinitions: { run: (s, _c, i) => listTaskDefinitions(s, i), mutating: false },
  DeregisterTaskDefinition: { run: (s, _c, i) => deregisterTaskDefinition(s, i), mutating: true },
  CreateService: { run: createService, mutating: true },
  UpdateService: { run: updateService, mutating: true },
  DescribeServices: { run: describeServices, mutating: false },
  ListServices: { run: listServices, mutating: false },
  DeleteService: { run: deleteService, mutating: true },
  ListTasks: { run: listTasks, mutating: false },
  DescribeTasks: { run: describeTasks, mutating: false },
  StopTask: { run: stopTaskOperation, mutating: true },
  RunTask: { run: runTask, mutating: true },
  TagResource: { run: (s, _c, i) => tagResource(s, i), mutating: true },
  UntagResource: { run: (s, _c, i) => untagResource(s, i), mutating: true },
  ListTagsForResource: { run: (s, _c, i) => listTagsForResource(s, i), mutating: false },
  ListServiceDeployments: { run: listServiceDeployments, mutating: false },
  DescribeServiceDeployments: {
    run: (s, _c, i) => describeServiceDeployments(s, i),
    mutating: false
  },
  StopServiceDeployment: { run: (s, _c, i) => stopServiceDeployment(s, i), mutating: true },
  ContinueServiceDeployment: {
    run: (s, _c, i) => continueServiceDeployment(s, i),
    mutating: true
  },
  DescribeServiceRevisions: { run: (s, _c, i) => describeServiceRevisions(s, i), mutating: false }
}

/** One scheduler pass: every task moves along its lifecycle, then every service reconciles. */
export function tick(store: EcsStore): void {
  store.simNow += TICK_MS
  for (const task of [...store.tasks.values()]) advanceTask(store, task)
  for (const service of [...store.services.values()]) reconcileService(store, service)
}

export function createEcsModule(deps: EcsDeps): EcsModule {
  const store = createStore(deps)
  let cancelLoop: (() => void) | undefined

  // The loop starts with the first change, so merely creating the module schedules nothing.
  const ensureLoop = (): void => {
    cancelLoop ??= deps.clock.setInterval(() => tick(store), TICK_MS)
  }

  return {
    handle(ctx, input) {
      const operation = OPERATIONS[ctx.operation]
      if (operation === undefined) {
        return Promise.reject(
          new AwsError('UnknownOperationException', `Unknown operation ${ctx.operation}`)
        )
      }
      try {
        const result = operation.run(store, ctx, input)
        if (operation.mutating) ensureLoop()
        return Promise.resolve(result)
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)))
      }
    },
    isMutating: operation => OPERATIONS[operation]?.mutating ?? false,
    async reset() {
      cancelLoop?.()
      cancelLoop = undefined
      store.generation++
      const containers = [...store.tasks.values()].flatMap(t =>
        t.containers.flatMap(c => (c.running === undefined ? [] : [c.running]))
      )
      store.clusters.clear()
      store.taskDefinitions.clear()
      store.services.clear()
      store.tasks.clear()
      store.simNow = 0
      await Promise.all(containers.map(c => c.stop().catch(() => undefined)))
    },
    dump() {
      return {
        simTimeMs: store.simNow,
        clusters: [...store.clusters.values()].map(c => c.arn),
        taskDefinitions: [...store.taskDefinitions.values()].flat().map(td => ({
          arn: td.arn,
          status: td.status
        })),
        services: [...store.services.values()].map(s => ({
          arn: s.arn,
          status: s.status,
          desiredCount: s.desiredCount,
          taskDefinition: s.taskDefinitionArn,
          deployments: s.deployments.map(d => ({
            id: d.id,
            status: d.status,
            taskDefinition: d.revision.taskDefinitionArn,
            rolloutState: d.rolloutState,
            rolloutStateReason: d.rolloutStateReason,
            failedTasks: d.failedTasks
          })),
          serviceDeployments: s.serviceDeployments.map(sd => ({
            arn: sd.arn,
            status: sd.status,
            lifecycleStage: sd.lifecycleStage,
            lifecycleHistory: sd.lifecycleHistory
          })),
          events: s.events.slice(0, 20).map(e => e.message)
        })),
        tasks: [...store.tasks.values()].map(t => {
          const view = taskView(t)
          return {
            taskArn: view.taskArn,
            lastStatus: view.lastStatus,
            desiredStatus: view.desiredStatus,
            startedBy: view.startedBy,
            stoppedReason: view.stoppedReason
          }
        })
      }
    }
  }
}

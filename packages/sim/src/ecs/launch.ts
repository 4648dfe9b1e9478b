import type { DeploymentRec, ServiceRec, TaskRec } from './model.js'
import { addEvent, type EcsStore } from './store.js'
import { createTask } from './tasks.js'

/**
 * Starts `count` tasks of a deployment's revision for its service, with the event ECS writes.
 * Shared by the rolling scheduler and the traffic-shifting strategies (green tasks).
 */
export function launchTasks(
  store: EcsStore,
  service: ServiceRec,
  deployment: DeploymentRec,
  count: number
): void {
  const taskDef = [...store.taskDefinitions.values()]
    .flat()
    .find(td => td.arn === deployment.revision.taskDefinitionArn)
  if (taskDef === undefined || count <= 0) return
  const started: TaskRec[] = []
  for (let i = 0; i < count; i++) {
    started.push(
      createTask(store, {
        cluster: service.cluster,
        taskDef,
        service,
        deployment,
        group: `service:${service.name}`,
        startedBy: deployment.id,
        launchType: service.launchType ?? 'FARGATE',
        tags: service.propagateTags === 'SERVICE' ? service.tags : []
      })
    )
  }
  addEvent(
    store,
    service,
    `(service ${service.name}) has started ${count} tasks: ${started.map(t => `(task ${t.id})`).join(' ')}.`
  )
}

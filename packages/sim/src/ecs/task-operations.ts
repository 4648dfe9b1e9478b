import { AwsError, type RequestContext } from '../contract.js'
import { lastSegment } from './arns.js'
import {
  invalid,
  objectList,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  readTags,
  requireArray,
  requireString,
  stringList,
  type Input
} from './input.js'
import type { TaskRec } from './model.js'
import { paginate } from './pagination.js'
import { findService, resolveCluster, type EcsStore } from './store.js'
import { findTaskDefinition } from './task-definitions.js'
import { taskView } from './task-views.js'
import { createTask, stopTask } from './tasks.js'

function findTask(store: EcsStore, clusterArn: string, ref: string): TaskRec | undefined {
  const id = lastSegment(ref)
  for (const task of store.tasks.values()) {
    if (task.cluster.arn === clusterArn && task.id === id) return task
  }
  return undefined
}

export function listTasks(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const cluster = resolveCluster(store, ctx, optionalString(input, 'cluster'))
  const serviceName = optionalString(input, 'serviceName')
  const family = optionalString(input, 'family')
  const startedBy = optionalString(input, 'startedBy')
  const desiredStatus =
    optionalEnum(input, 'desiredStatus', ['RUNNING', 'PENDING', 'STOPPED'] as const) ?? 'RUNNING'
  const maxResults = optionalInteger(input, 'maxResults', 1, 100) ?? 100
  if (serviceName !== undefined && findService(store, cluster, serviceName) === undefined) {
    throw new AwsError('ServiceNotFoundException', 'Service not found.')
  }
  // PENDING is accepted by the API but tasks only ever desire RUNNING or STOPPED.
  const matching = [...store.tasks.values()].filter(
    task =>
      task.cluster === cluster &&
      task.desiredStatus === desiredStatus &&
      (serviceName === undefined || task.service?.name === lastSegment(serviceName)) &&
      (family === undefined || task.taskDef.family === family) &&
      (startedBy === undefined || task.startedBy === startedBy)
  )
  const { page, nextToken } = paginate(matching, optionalString(input, 'nextToken'), maxResults)
  return { taskArns: page.map(task => task.arn), nextToken }
}

export function describeTasks(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const cluster = resolveCluster(store, ctx, optionalString(input, 'cluster'))
  const refs = requireArray(input, 'tasks')
  if (refs.length > 100) throw invalid('Tasks cannot have more than 100 elements')
  const withTags = (stringList(input, 'include') ?? []).includes('TAGS')
  const tasks: unknown[] = []
  const failures: unknown[] = []
  for (const ref of refs as string[]) {
    const task = findTask(store, cluster.arn, String(ref))
    if (task === undefined) failures.push({ arn: ref, reason: 'MISSING' })
    else tasks.push({ ...taskView(task), tags: withTags ? task.tags : undefined })
  }
  return { tasks, failures }
}

export function stopTaskOperation(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const cluster = resolveCluster(store, ctx, optionalString(input, 'cluster'))
  const ref = requireString(input, 'task')
  const task = findTask(store, cluster.arn, ref)
  if (task === undefined) throw invalid('The referenced task was not found.')
  stopTask(store, task, 'UserInitiated', optionalString(input, 'reason') ?? 'Task stopped by user')
  return { task: taskView(task) }
}

export function runTask(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const cluster = resolveCluster(store, ctx, optionalString(input, 'cluster'))
  const ref = requireString(input, 'taskDefinition')
  const count = optionalInteger(input, 'count', 1, 10) ?? 1
  const launchType =
    optionalEnum(input, 'launchType', [
      'EC2',
      'FARGATE',
      'EXTERNAL',
      'MANAGED_INSTANCES'
    ] as const) ?? 'FARGATE'
  const overrides = optionalObject(input, 'overrides')
  if (overrides !== undefined) objectList(overrides, 'containerOverrides')
  const taskDef = findTaskDefinition(store, ref)
  if (taskDef === undefined) throw new AwsError('ClientException', 'TaskDefinition not found.')
  if (taskDef.status !== 'ACTIVE') {
    throw new AwsError('ClientException', 'TaskDefinition is inactive.')
  }
  if (
    taskDef.body.networkMode === 'awsvpc' &&
    optionalObject(input, 'networkConfiguration') === undefined
  ) {
    throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
  }
  const tags = readTags(input)
  const tasks: unknown[] = []
  for (let i = 0; i < count; i++) {
    const task = createTask(store, {
      cluster,
      taskDef,
      group: optionalString(input, 'group') ?? `family:${taskDef.family}`,
      startedBy: optionalString(input, 'startedBy'),
      launchType,
      overrides,
      tags
    })
    tasks.push(taskView(task))
  }
  return { tasks, failures: [] }
}

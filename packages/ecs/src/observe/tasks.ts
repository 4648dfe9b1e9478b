import {
  DescribeTasksCommand,
  ListTasksCommand,
  type DesiredStatus,
  type Task
} from '@aws-sdk/client-ecs'
import { chunk, type EcsReadDeps } from './services.js'
import type { ContainerExitView, StoppedTaskView } from './types.js'

/** AWS limit: DescribeTasks takes at most 100 tasks per call. */
export const DESCRIBE_TASKS_BATCH = 100

/** The 32-hex id at the end of a task ARN. */
export function taskIdOf(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1)
}

/** Which tasks to list: those one deployment started, or every task of a service. */
export interface TaskQuery {
  cluster: string
  /** ECS sets a service task's startedBy to the deployment id (`ecs-svc/…`). */
  startedBy?: string
  serviceName?: string
  desiredStatus: DesiredStatus
}

/**
 * ECS keeps stopped tasks for about an hour; this many pages of 100 cover any window a watch or
 * a check looks at, and bound what a service that crash-loops for hours can cost.
 */
export const MAX_TASK_PAGES = 10

/** Task ARNs matching the query, following pages of 100 (at most MAX_TASK_PAGES). */
export async function listTaskArns(deps: EcsReadDeps, query: TaskQuery): Promise<string[]> {
  const arns: string[] = []
  let nextToken: string | undefined
  for (let page = 0; page < MAX_TASK_PAGES; page++) {
    deps.onAwsCall?.('ListTasks')
    const answer = await deps.ecs.send(new ListTasksCommand({ ...query, nextToken }))
    arns.push(...(answer.taskArns ?? []))
    nextToken = answer.nextToken
    if (nextToken === undefined) break
  }
  return arns
}

/** Task ARNs started by one deployment. */
export function listDeploymentTasks(
  deps: EcsReadDeps,
  cluster: string,
  deploymentId: string,
  desiredStatus: DesiredStatus
): Promise<string[]> {
  return listTaskArns(deps, { cluster, startedBy: deploymentId, desiredStatus })
}

/** DescribeTasks in batches of 100; tasks AWS no longer knows (MISSING) are left out. */
export async function describeTasks(
  deps: EcsReadDeps,
  cluster: string,
  taskArns: string[]
): Promise<Task[]> {
  const tasks: Task[] = []
  for (const batch of chunk(taskArns, DESCRIBE_TASKS_BATCH)) {
    deps.onAwsCall?.('DescribeTasks')
    const response = await deps.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }))
    tasks.push(...(response.tasks ?? []))
  }
  return tasks
}

export interface StoppedTaskQuery {
  cluster: string
  startedBy?: string
  serviceName?: string
  /** Only tasks of this revision. */
  taskDefinitionArn?: string
  /** Epoch ms: only tasks stopped since; one still stopping has no stoppedAt and counts. */
  since?: number
  /** Tasks already reported: not described again. */
  known?: ReadonlySet<string>
}

/**
 * The one reader of stopped tasks, with their reasons and exit codes: ListTasks (STOPPED) and a
 * DescribeTasks of the ones not known yet. The watcher asks by deployment, the health probe and
 * the staging gate by service and revision.
 */
export async function listStoppedTasks(
  deps: EcsReadDeps,
  query: StoppedTaskQuery
): Promise<StoppedTaskView[]> {
  const { cluster, startedBy, serviceName } = query
  const arns = await listTaskArns(deps, {
    cluster,
    ...(startedBy !== undefined && { startedBy }),
    ...(serviceName !== undefined && { serviceName }),
    desiredStatus: 'STOPPED'
  })
  const fresh = arns.filter(arn => !query.known?.has(arn))
  if (fresh.length === 0) return []
  const views = (await describeTasks(deps, cluster, fresh)).map(toStoppedTaskView)
  return views.filter(
    view =>
      (query.taskDefinitionArn === undefined ||
        view.taskDefinitionArn === query.taskDefinitionArn) &&
      (query.since === undefined || (view.stoppedAt ?? Number.POSITIVE_INFINITY) >= query.since)
  )
}

// A scale-in (old tasks replaced, fewer tasks wanted) stops tasks of a healthy revision too.
const SCALE_IN = /^Scaling activity initiated by/

/**
 * Stop codes that say nothing about the revision: a person or tool called StopTask, Fargate
 * Spot took the capacity back, or the host under the task failed (aws-behaviour §2.4).
 */
const NOT_THE_REVISION = new Set([
  'UserInitiated',
  'SpotInterruption',
  'TerminationNotice',
  'InfrastructureHealth'
])

/**
 * A stop that says something about the revision's health: a crash, a failed start, failed
 * health checks. Scale-ins and the stops above are left out; an unknown code counts.
 */
export function isHealthStop(task: StoppedTaskView): boolean {
  if (task.stopCode !== undefined && NOT_THE_REVISION.has(task.stopCode)) return false
  return !SCALE_IN.test(task.stoppedReason ?? '')
}

export function toStoppedTaskView(task: Task): StoppedTaskView {
  const taskArn = task.taskArn ?? ''
  const containers = (task.containers ?? []).map((container): ContainerExitView => ({
    name: container.name ?? '(unnamed)',
    ...(container.image !== undefined && { image: container.image }),
    ...(container.exitCode !== undefined && { exitCode: container.exitCode }),
    ...(container.reason !== undefined && { reason: container.reason }),
    ...(container.lastStatus !== undefined && { lastStatus: container.lastStatus })
  }))
  return {
    taskArn,
    taskId: taskIdOf(taskArn),
    taskDefinitionArn: task.taskDefinitionArn ?? '',
    ...(task.startedBy !== undefined && { startedBy: task.startedBy }),
    ...(task.stoppedAt !== undefined && { stoppedAt: task.stoppedAt.getTime() }),
    ...(task.stopCode !== undefined && { stopCode: task.stopCode }),
    ...(task.stoppedReason !== undefined && { stoppedReason: task.stoppedReason }),
    containers
  }
}

function explainContainer(container: ContainerExitView): string | undefined {
  const failed = container.exitCode !== undefined && container.exitCode !== 0
  if (!failed && container.reason === undefined) return undefined
  const exit = failed ? ` exited with code ${container.exitCode}` : ''
  const reason = container.reason === undefined ? '' : `: ${container.reason}`
  return `container ${container.name}${exit}${reason}`
}

/**
 * One line a person can act on, e.g. `task 0f3c… stopped: Essential container in task exited
 * (EssentialContainerExited); container web exited with code 137: OutOfMemoryError: Container
 * killed due to memory usage`. Containers that exited cleanly are left out.
 */
export function explainStoppedTask(task: StoppedTaskView): string {
  const why = task.stoppedReason ?? 'no reason given'
  const code = task.stopCode === undefined ? '' : ` (${task.stopCode})`
  const containers = task.containers
    .map(explainContainer)
    .filter((line): line is string => line !== undefined)
  return [`task ${task.taskId} stopped: ${why}${code}`, ...containers].join('; ')
}

// Scheduler stops (old tasks replaced, scale-in) and user stops say nothing about why a
// release is broken; a task that never started or whose container died does.
function tellingScore(task: StoppedTaskView): number {
  const containerFailed = task.containers.some(
    container =>
      (container.exitCode !== undefined && container.exitCode !== 0) ||
      container.reason !== undefined
  )
  if (containerFailed || task.stopCode === 'TaskFailedToStart') return 4
  if (task.stopCode === 'EssentialContainerExited') return 3
  if (/health check/i.test(task.stoppedReason ?? '')) return 2
  return task.stoppedReason === undefined ? 0 : 1
}

/** The stopped task that best explains a failure: the newest of the most telling kind. */
export function mostTellingStoppedTask(
  tasks: readonly StoppedTaskView[]
): StoppedTaskView | undefined {
  let best: StoppedTaskView | undefined
  for (const task of tasks) {
    if (
      best === undefined ||
      tellingScore(task) > tellingScore(best) ||
      (tellingScore(task) === tellingScore(best) && (task.stoppedAt ?? 0) > (best.stoppedAt ?? 0))
    ) {
      best = task
    }
  }
  return best
}

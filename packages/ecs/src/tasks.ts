import {
  DescribeTasksCommand,
  ListTasksCommand,
  type DesiredStatus,
  type Task
} from '@aws-sdk/client-ecs'
import { chunk, type EcsReadDeps } from './services.js'
import type { ContainerExitView, StoppedTaskView } from './types-rollout.js'

/** AWS limit: DescribeTasks takes at most 100 tasks per call. */
export const DESCRIBE_TASKS_BATCH = 100

/** The 32-hex id at the end of a task ARN. */
export function taskIdOf(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1)
}

/**
 * Task ARNs started by one deployment (ECS sets a service task's startedBy to the deployment
 * id, `ecs-svc/…`), following pages of 100.
 */
export async function listDeploymentTasks(
  deps: EcsReadDeps,
  cluster: string,
  deploymentId: string,
  desiredStatus: DesiredStatus
): Promise<string[]> {
  const arns: string[] = []
  let nextToken: string | undefined
  do {
    deps.onAwsCall?.('ListTasks')
    const page = await deps.ecs.send(
      new ListTasksCommand({ cluster, startedBy: deploymentId, desiredStatus, nextToken })
    )
    arns.push(...(page.taskArns ?? []))
    nextToken = page.nextToken
  } while (nextToken)
  return arns
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

export async function describeStoppedTasks(
  deps: EcsReadDeps,
  cluster: string,
  taskArns: string[]
): Promise<StoppedTaskView[]> {
  const tasks = await describeTasks(deps, cluster, taskArns)
  return tasks.map(toStoppedTaskView)
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

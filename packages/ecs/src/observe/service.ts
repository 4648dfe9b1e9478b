import type { Deployment, Service, Task } from '@aws-sdk/client-ecs'
import type { ElbClient } from '../deps.js'
import { formatDuration } from '@fargate-promote/common'
import { countsOf, plural, targetGroupName, taskDefinitionName } from './describe.js'
import type { AwsCallListener, EcsReadDeps } from './services.js'
import { primaryDeployment, unsettledReason } from './settled.js'
import { groupsHoldingOurTasks, judgeTargets, observeTargets, targetGroupsOf } from './targets.js'
import {
  describeTasks,
  explainStoppedTask,
  isHealthStop,
  listDeploymentTasks,
  listStoppedTasks,
  taskIdOf
} from './tasks.js'
import type { StoppedTaskView, TargetView } from './types.js'

export interface ObserveServiceOptions {
  cluster: string
  /** The service's name as the caller knows it (DescribeServices answers with its own). */
  name: string
  /** Epoch ms: tasks of the live revision stopped since then are a problem. */
  stoppedSince: number
}

export interface ObserveServiceDeps extends EcsReadDeps {
  elb: ElbClient
  onAwsCall?: AwsCallListener
}

/** One look at a service: does it serve its live revision with healthy tasks, and if not, why? */
export interface ServiceObservation {
  name: string
  service: Service
  primary?: Deployment
  /** RUNNING tasks of the primary deployment. */
  tasks: Task[]
  /** Those tasks' targets, in every target group of the service (alternates included). */
  targets: TargetView[]
  /** Tasks of the live revision that stopped since `stoppedSince` (scale-ins left out). */
  stopped: StoppedTaskView[]
  /** Every reason it does not serve; empty when it does. */
  problems: string[]
}

function stoppedProblem(stopped: StoppedTaskView[], revision: string, since: string): string {
  const first = stopped[0] as StoppedTaskView
  const more = stopped.length > 1 ? ` (and ${stopped.length - 1} more)` : ''
  return `${plural(stopped.length, 'task')} of ${revision} stopped ${since}: ${explainStoppedTask(first)}${more}`
}

/** Running tasks of ours that are no target of a group (holding our tasks) at all: not serving there. */
function unregistered(service: Service, observation: ServiceObservation): string[] {
  return groupsHoldingOurTasks(service, observation.targets).flatMap(group =>
    observation.tasks
      .filter(task => task.lastStatus === 'RUNNING')
      .map(task => taskIdOf(task.taskArn ?? ''))
      .filter(id => !observation.targets.some(t => t.targetGroupArn === group && t.taskId === id))
      .map(id => `task ${id} is not a target of ${targetGroupName(group)}`)
  )
}

/**
 * Reads what a settled service is made of — the primary deployment's running tasks, their
 * target health, the live revision's recent stops — and judges it with the one definition of
 * settled (see unsettledReason), plus what serving means: at least one task, every target
 * group healthy, no task of the revision stopped in the window (a crash loop can look settled
 * between restarts). Used by the health probe and the staging gate.
 */
export async function observeService(
  service: Service,
  options: ObserveServiceOptions,
  deps: ObserveServiceDeps & { now: number }
): Promise<ServiceObservation> {
  const { cluster, name } = options
  const primary = primaryDeployment(service)
  const observation: ServiceObservation = {
    name,
    service,
    ...(primary !== undefined && { primary }),
    tasks: [],
    targets: [],
    stopped: [],
    problems: []
  }
  const unsettled = unsettledReason(service, primary)
  if (unsettled !== undefined) observation.problems.push(unsettled)
  if (primary?.id === undefined) return observation
  const desired = countsOf(primary).desired
  if (desired === 0) observation.problems.push('desired count is 0: no task serves traffic')
  const arns = await listDeploymentTasks(deps, cluster, primary.id, 'RUNNING')
  const tasks = arns.length === 0 ? [] : await describeTasks(deps, cluster, arns)
  // ListTasks already filters by startedBy; this keeps a task of another deployment out even
  // where an answer was not filtered (ECS documents startedBy as meant to be the only filter).
  observation.tasks = tasks.filter(task => task.startedBy === primary.id)
  // A service still rolling out does not serve its revision yet: its targets and stops would
  // only repeat that, at the price of more calls every round.
  if (unsettled !== undefined) return observation
  if (targetGroupsOf(service).length > 0 && desired > 0) {
    observation.targets = await observeTargets(deps, { cluster, service, tasks: observation.tasks })
    const judgement = judgeTargets(service, observation.targets, desired)
    if (!judgement.healthy) {
      observation.problems.push(judgement.detail, ...unregistered(service, observation))
    }
  }
  const stopped = await listStoppedTasks(deps, {
    cluster,
    serviceName: name,
    ...(primary.taskDefinition !== undefined && { taskDefinitionArn: primary.taskDefinition }),
    since: options.stoppedSince
  })
  observation.stopped = stopped.filter(isHealthStop)
  if (observation.stopped.length > 0) {
    const window = `in the last ${formatDuration(deps.now - options.stoppedSince)}`
    const revision = taskDefinitionName(primary.taskDefinition)
    observation.problems.push(stoppedProblem(observation.stopped, revision, window))
  }
  return observation
}

/** What a serving service looks like, in one line: `2/2 tasks of web:3 running, 2/2 targets healthy in web-tg`. */
export function describeServing(observation: ServiceObservation): string {
  const primary = observation.primary
  if (primary === undefined) return `service ${observation.name} has no PRIMARY deployment`
  const { running, desired } = countsOf(primary)
  const parts = [
    `deployment ${primary.id ?? '?'} COMPLETED with ${running}/${desired} tasks of ${taskDefinitionName(primary.taskDefinition)} running`
  ]
  if (targetGroupsOf(observation.service).length > 0) {
    parts.push(judgeTargets(observation.service, observation.targets, desired).detail)
  }
  return parts.join(', ')
}

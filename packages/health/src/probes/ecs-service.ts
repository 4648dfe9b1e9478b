import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  type Deployment,
  type ECSClient,
  type Task
} from '@aws-sdk/client-ecs'
import type { Clock } from '@fargate-promote/common'
import type { EcsServiceCheckSpec, Sample } from '../types.js'
import { awsFailure } from './aws-error.js'

export interface EcsServiceProbeDeps {
  ecs: ECSClient
  clock: Clock
  /** Epoch ms: tasks of the current task definition stopped since then fail the check. */
  since: number
}

/** Stopped tasks are kept by ECS for about an hour; a few pages cover any check window. */
const MAX_STOPPED_PAGES = 5
const DESCRIBE_TASKS_BATCH = 100

function shortArn(arn: string | undefined): string {
  if (arn === undefined) return '?'
  return arn.slice(arn.lastIndexOf('/') + 1)
}

function describeDeployment(deployment: Deployment): string {
  const rollout = deployment.rolloutState ?? 'state not reported'
  return `${deployment.status ?? '?'} ${deployment.id ?? '?'} ${rollout} ${deployment.runningCount ?? 0}/${deployment.desiredCount ?? 0} running`
}

function describeStoppedTask(task: Task): string {
  const containers = (task.containers ?? [])
    .filter(c => c.exitCode !== undefined || c.reason !== undefined)
    .map(c => {
      const exit = c.exitCode !== undefined ? ` exit ${c.exitCode}` : ''
      const reason = c.reason !== undefined ? `: ${c.reason}` : ''
      return `${c.name ?? '?'}${exit}${reason}`
    })
  const at = task.stoppedAt ? ` at ${task.stoppedAt.toISOString()}` : ''
  const why = task.stoppedReason ?? task.stopCode ?? 'no reason given'
  return `${shortArn(task.taskArn)}${at}: ${why}${containers.length ? ` (${containers.join('; ')})` : ''}`
}

async function stoppedTasksSince(
  spec: EcsServiceCheckSpec,
  taskDefinition: string | undefined,
  deps: EcsServiceProbeDeps
): Promise<Task[]> {
  const arns: string[] = []
  let nextToken: string | undefined
  for (let page = 0; page < MAX_STOPPED_PAGES; page++) {
    const listed = await deps.ecs.send(
      new ListTasksCommand({
        cluster: spec.cluster,
        serviceName: spec.service,
        desiredStatus: 'STOPPED',
        nextToken
      })
    )
    arns.push(...(listed.taskArns ?? []))
    nextToken = listed.nextToken
    if (nextToken === undefined) break
  }
  const stopped: Task[] = []
  for (let i = 0; i < arns.length; i += DESCRIBE_TASKS_BATCH) {
    const described = await deps.ecs.send(
      new DescribeTasksCommand({
        cluster: spec.cluster,
        tasks: arns.slice(i, i + DESCRIBE_TASKS_BATCH)
      })
    )
    for (const task of described.tasks ?? []) {
      const stoppedAt = task.stoppedAt?.getTime()
      if (stoppedAt === undefined || stoppedAt < deps.since) continue
      if (taskDefinition !== undefined && task.taskDefinitionArn !== taskDefinition) continue
      stopped.push(task)
    }
  }
  return stopped
}

/** Why the service is not settled, or undefined when it is. */
function serviceProblem(
  service: { status?: string; desiredCount?: number; runningCount?: number },
  deployments: Deployment[]
): string | undefined {
  if (service.status !== 'ACTIVE') return `service is ${service.status ?? 'in an unknown state'}`
  const primary = deployments.find(d => d.status === 'PRIMARY')
  if (primary === undefined) return 'service has no PRIMARY deployment'
  if (primary.rolloutState === 'FAILED') {
    return `deployment ${primary.id ?? '?'} FAILED: ${primary.rolloutStateReason ?? 'no reason given'}`
  }
  if (deployments.length !== 1) {
    return `${deployments.length} deployments, still rolling: ${deployments.map(describeDeployment).join('; ')}`
  }
  // Services on the CODE_DEPLOY or EXTERNAL controller report no rolloutState; for them the
  // counts of the single deployment are all there is to observe.
  const settledCounts =
    primary.runningCount === primary.desiredCount && (primary.pendingCount ?? 0) === 0
  if (primary.rolloutState !== undefined && primary.rolloutState !== 'COMPLETED') {
    return `deployment ${describeDeployment(primary)}`
  }
  if (!settledCounts || service.runningCount !== service.desiredCount) {
    return `${service.runningCount ?? 0}/${service.desiredCount ?? 0} tasks running (${primary.pendingCount ?? 0} pending)`
  }
  if ((service.desiredCount ?? 0) === 0) return 'desired count is 0: no task serves traffic'
  return undefined
}

/**
 * Settled means: one deployment, PRIMARY and COMPLETED, running == desired, and no task of the
 * current task definition stopped since `since` (a crash loop can look settled between restarts).
 */
export async function probeEcsService(
  spec: EcsServiceCheckSpec,
  deps: EcsServiceProbeDeps
): Promise<Sample> {
  const at = deps.clock.now()
  const sample = (ok: boolean, detail: string): Sample => ({
    check: spec.name,
    type: 'ecs-service',
    at,
    ok,
    detail
  })
  let call = 'DescribeServices'
  try {
    const described = await deps.ecs.send(
      new DescribeServicesCommand({ cluster: spec.cluster, services: [spec.service] })
    )
    const service = described.services?.[0]
    if (service === undefined) {
      const reason = described.failures?.[0]?.reason ?? 'not returned'
      return sample(
        false,
        `service ${spec.service} not found in cluster ${spec.cluster} (${reason})`
      )
    }
    const deployments = service.deployments ?? []
    const problem = serviceProblem(service, deployments)
    if (problem !== undefined) return sample(false, problem)
    const primary = deployments[0] as Deployment
    call = 'ListTasks/DescribeTasks'
    const stopped = await stoppedTasksSince(spec, primary.taskDefinition, deps)
    const taskDefinition = shortArn(primary.taskDefinition)
    if (stopped.length > 0) {
      const first = stopped[0] as Task
      const more = stopped.length > 1 ? ` (and ${stopped.length - 1} more)` : ''
      return sample(
        false,
        `${stopped.length} task${stopped.length > 1 ? 's' : ''} of ${taskDefinition} stopped during the check: ${describeStoppedTask(first)}${more}`
      )
    }
    return sample(
      true,
      `deployment ${primary.id ?? '?'} COMPLETED, ${service.runningCount}/${service.desiredCount} running ${taskDefinition}`
    )
  } catch (error) {
    return sample(false, awsFailure(call, error))
  }
}

import type { Deployment, ECSClient, Service, Task } from '@aws-sdk/client-ecs'
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { formatDuration } from '@fargate-promote/common'
import {
  describeTasks,
  explainStoppedTask,
  observeTargets,
  shortName,
  targetGroupsOf,
  taskIdOf,
  toStoppedTaskView
} from '@fargate-promote/ecs'
import { listServiceTasks, primaryTasks, type ServiceObservation } from './observe.js'

export interface StabilityDeps {
  ecs: ECSClient
  elb: ElasticLoadBalancingV2Client
  now: number
}

export interface StabilityResult {
  ok: boolean
  detail: string
}

// A scale-in stops tasks of the current revision too, and says nothing about its health.
const SCALE_IN = /^Scaling activity initiated by/

function rollingBack(deployments: Deployment[]): string | undefined {
  for (const deployment of deployments) {
    const reason = deployment.rolloutStateReason ?? ''
    if (/rolling back/i.test(reason)) return reason
    if (deployment.rolloutState === 'FAILED') {
      return `deployment ${deployment.id} (${revisionOf(deployment)}) FAILED: ${reason || 'no reason given'}`
    }
  }
  return undefined
}

function revisionOf(deployment: Deployment): string {
  return shortName(deployment.taskDefinition ?? '?')
}

function deploymentProblems(deployments: Deployment[], primary: Deployment): string[] {
  const problems: string[] = []
  if (deployments.length !== 1) {
    const others = deployments
      .filter(deployment => deployment !== primary)
      .map(d => `${d.status} ${revisionOf(d)}`)
    problems.push(
      `${deployments.length} deployments (a rollout is under way: ${others.join(', ')})`
    )
  }
  if (primary.rolloutState !== undefined && primary.rolloutState !== 'COMPLETED') {
    problems.push(`primary deployment is ${primary.rolloutState}: ${primary.rolloutStateReason}`)
  }
  const running = primary.runningCount ?? 0
  const desired = primary.desiredCount ?? 0
  if (desired === 0) problems.push('desired count is 0: staging serves nothing')
  else if (running !== desired) problems.push(`${running} of ${desired} tasks running`)
  return problems
}

async function recentStops(
  name: string,
  revision: string | undefined,
  cluster: string,
  windowMs: number,
  deps: StabilityDeps
): Promise<string[]> {
  const arns = await listServiceTasks(deps.ecs, cluster, name, 'STOPPED')
  if (arns.length === 0) return []
  const since = deps.now - windowMs
  const stopped = (await describeTasks({ ecs: deps.ecs }, cluster, arns))
    .filter(task => task.taskDefinitionArn === revision)
    // A task still stopping has no stoppedAt yet: it stopped just now.
    .filter(task => (task.stoppedAt?.getTime() ?? deps.now) >= since)
    .filter(task => !SCALE_IN.test(task.stoppedReason ?? ''))
  return stopped.map(task => explainStoppedTask(toStoppedTaskView(task)))
}

function targetName(targetGroupArn: string): string {
  return targetGroupArn.split('/').at(-2) ?? targetGroupArn
}

async function targetProblems(
  service: Service,
  cluster: string,
  tasks: Task[],
  deps: StabilityDeps
): Promise<string[]> {
  const groups = targetGroupsOf(service)
  if (groups.length === 0) return []
  const running = tasks.filter(task => task.lastStatus === 'RUNNING')
  const views = await observeTargets({ elb: deps.elb }, { cluster, service, tasks: running })
  const problems: string[] = []
  for (const targetGroupArn of groups) {
    for (const task of running) {
      const taskId = taskIdOf(task.taskArn as string)
      const view = views.find(v => v.targetGroupArn === targetGroupArn && v.taskId === taskId)
      if (view === undefined) {
        problems.push(`task ${taskId} is not a target of ${targetName(targetGroupArn)}`)
      } else if (view.state !== 'healthy') {
        problems.push(
          `task ${taskId} is ${view.state} in ${targetName(targetGroupArn)} (${view.reason}: ${view.description})`
        )
      }
    }
  }
  return problems
}

/**
 * One COMPLETED primary deployment with every task running, none of its tasks stopped within
 * the window, and every task a healthy target of each of the service's target groups.
 */
export async function checkStability(
  observation: ServiceObservation,
  cluster: string,
  windowMs: number,
  deps: StabilityDeps
): Promise<StabilityResult> {
  const { service, primary } = observation
  if (service === undefined) {
    return { ok: false, detail: `service ${observation.name} not found in cluster ${cluster}` }
  }
  const deployments = service.deployments ?? []
  const rollback = rollingBack(deployments)
  if (rollback !== undefined) return { ok: false, detail: `staging is rolling back: ${rollback}` }
  if (primary === undefined) return { ok: false, detail: 'no PRIMARY deployment' }
  const problems = deploymentProblems(deployments, primary)
  const stops = await recentStops(observation.name, primary.taskDefinition, cluster, windowMs, deps)
  if (stops.length > 0) {
    problems.push(
      `tasks of this revision stopped in the last ${formatDuration(windowMs)}: ${stops.join(' | ')}`
    )
  }
  problems.push(...(await targetProblems(service, cluster, primaryTasks(observation), deps)))
  if (problems.length > 0) return { ok: false, detail: problems.join('; ') }
  const groups = targetGroupsOf(service).length
  const targets = groups > 0 ? `, healthy in ${groups} target group(s)` : ''
  return {
    ok: true,
    detail: `${primary.runningCount}/${primary.desiredCount} tasks of ${revisionOf(primary)} running${targets}, no task stopped in the last ${formatDuration(windowMs)}`
  }
}

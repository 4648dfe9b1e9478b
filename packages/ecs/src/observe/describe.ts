import type { Deployment } from '@aws-sdk/client-ecs'
import type { TargetView } from './types.js'

/** `web:42` from a task definition ARN; the text itself when it is not an ARN. */
export function taskDefinitionName(arn: string | undefined): string {
  if (arn === undefined || arn === '') return '(unknown task definition)'
  return arn.slice(arn.lastIndexOf('/') + 1)
}

/** `web-tg` from `arn:aws:elasticloadbalancing:…:targetgroup/web-tg/73e2d6bc24d8a067`. */
export function targetGroupName(arn: string): string {
  const match = /targetgroup\/([^/]+)/.exec(arn)
  return match?.[1] ?? arn
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

export interface DeploymentCounts {
  running: number
  desired: number
  pending: number
  failed: number
}

/** AWS leaves counts out rather than sending 0; read them once, here. */
export function countsOf(deployment: Deployment): DeploymentCounts {
  return {
    running: deployment.runningCount ?? 0,
    desired: deployment.desiredCount ?? 0,
    pending: deployment.pendingCount ?? 0,
    failed: deployment.failedTasks ?? 0
  }
}

export function idOf(deployment: Deployment): string {
  return deployment.id ?? '(no id)'
}

/** `1/3 tasks running, 1 pending, 2 failed tasks` */
export function describeCounts(deployment: Deployment): string {
  const { running, desired, pending, failed } = countsOf(deployment)
  return (
    `${running}/${desired} tasks running` +
    (pending > 0 ? `, ${pending} pending` : '') +
    (failed > 0 ? `, ${plural(failed, 'failed task')}` : '')
  )
}

/** The one-line progress log: `IN_PROGRESS 1/2 running, 1 pending`. */
export function progressOf(deployment: Deployment): string {
  const { running, desired, pending, failed } = countsOf(deployment)
  return (
    `${stateOf(deployment)} ${running}/${desired} running` +
    (pending > 0 ? `, ${pending} pending` : '') +
    (failed > 0 ? `, ${plural(failed, 'failed task')}` : '')
  )
}

export function stateOf(deployment: Deployment): string {
  return deployment.rolloutState ?? deployment.status ?? 'UNKNOWN'
}

/**
 * Targets that are not healthy, grouped by what AWS says about them:
 * `2 targets unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes:
 * [503]): 10.0.1.5:8080, 10.0.1.6:8080`.
 */
export function describeUnhealthyTargets(targets: readonly TargetView[]): string[] {
  const groups = new Map<string, TargetView[]>()
  for (const target of targets) {
    if (target.state === 'healthy') continue
    const why = [target.reason, target.description].filter(Boolean).join(': ')
    const key = `${target.state}${why ? ` (${why})` : ''}`
    groups.set(key, [...(groups.get(key) ?? []), target])
  }
  return [...groups.entries()].map(
    ([key, members]) =>
      `${members.length} ${members.length === 1 ? 'target' : 'targets'} ${key}: ` +
      members.map(target => `${target.id}:${target.port}`).join(', ')
  )
}

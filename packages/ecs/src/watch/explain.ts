import type { Deployment, Service } from '@aws-sdk/client-ecs'
import {
  countsOf,
  describeCounts,
  idOf,
  plural,
  stateOf,
  taskDefinitionName
} from '../observe/describe.js'
import { primaryDeployment } from '../observe/settled.js'
import { judgeTargets } from '../observe/targets.js'
import { explainStoppedTask, mostTellingStoppedTask } from '../observe/tasks.js'
import type { StoppedTaskView, TargetView } from '../observe/types.js'
import { stripPeriod, withAlarmNames, type RollbackEvidence } from './rollback-evidence.js'
import type { WatchTarget } from './types.js'

/*
 * The sentences a watch ends with: each names the deployment, what AWS said and the evidence
 * (failed tasks, the most telling stopped task), so a person can act on it.
 */

/** `; 2 tasks failed; task 0f3c… stopped: …`, or '' when there is no evidence. */
export function failureEvidence(ours: Deployment | undefined, stopped: StoppedTaskView[]): string {
  const failed = ours === undefined ? 0 : countsOf(ours).failed
  const telling = mostTellingStoppedTask(stopped)
  return (
    (failed > 0 ? `; ${plural(failed, 'task')} failed` : '') +
    (telling === undefined ? '' : `; ${explainStoppedTask(telling)}`)
  )
}

export function rolledBackReason(
  target: WatchTarget,
  rollback: RollbackEvidence,
  evidence: string
): string {
  const ours = taskDefinitionName(target.taskDefinitionArn)
  const primary = taskDefinitionName(rollback.primary.taskDefinition)
  return `ECS rolled back deployment ${target.deploymentId} (${ours}) to deployment ${rollback.toDeploymentId} (task definition ${primary}): ${stripPeriod(rollback.cause)}${evidence}`
}

/** Our deployment is not (or no longer) among the service's deployments, and no failure says why. */
export function absentReason(service: Service, deploymentId: string, everSeen: boolean): string {
  const primary = primaryDeployment(service)
  const now =
    primary === undefined
      ? 'the service has no PRIMARY deployment'
      : `deployment ${idOf(primary)} (task definition ${taskDefinitionName(primary.taskDefinition)}, ${stateOf(primary)})`
  return everSeen
    ? `deployment ${deploymentId} is no longer among the service's deployments: it was superseded by ${now}`
    : `deployment ${deploymentId} is not among the service's deployments (PRIMARY: ${now}): it was superseded already, or the deployment id is wrong`
}

export function failedWithoutRollbackReason(
  service: Service,
  target: WatchTarget,
  ours: Deployment,
  evidence: string
): string {
  const other = service.deployments?.find(d => d.status === 'PRIMARY' && d.id !== ours.id)
  return (
    `deployment ${target.deploymentId} (${taskDefinitionName(target.taskDefinitionArn)}) failed and ECS did not roll it back: ` +
    withAlarmNames(service, stripPeriod(ours.rolloutStateReason ?? 'rolloutState FAILED')) +
    evidence +
    (other === undefined ? '' : `; deployment ${idOf(other)} is PRIMARY now`)
  )
}

/** What the watch was still waiting for, for a person reading a timeout. */
export function waitingFor(
  target: WatchTarget,
  service: Service | undefined,
  ours: Deployment | undefined,
  targets: { waits: boolean; checked: boolean; seen: readonly TargetView[] }
): string {
  if (service === undefined) return 'DescribeServices has not answered yet'
  if (ours === undefined) {
    return `deployment ${target.deploymentId} has not appeared among the service's deployments`
  }
  const parts = [
    `deployment ${target.deploymentId} is ${stateOf(ours)} with ${describeCounts(ours)}`
  ]
  const others = (service.deployments ?? []).filter(d => d.id !== ours.id)
  if (others.length > 0) {
    parts.push(
      `${plural(others.length, 'other deployment')} still active (` +
        others.map(d => `${idOf(d)} with ${countsOf(d).running} tasks running`).join(', ') +
        ')'
    )
  }
  if (targets.waits && countsOf(ours).running > 0) {
    parts.push(
      targets.checked
        ? judgeTargets(service, targets.seen, countsOf(ours).desired).detail
        : 'target health not observed yet'
    )
  }
  return parts.join(', ')
}

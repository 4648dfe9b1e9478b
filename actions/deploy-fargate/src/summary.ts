import { formatDuration } from '@fargate-promote/common'
import {
  explainStoppedTask,
  formatDiff,
  type DeployResult,
  type ServiceDeployResult
} from '@fargate-promote/ecs'
import type { DeployInputs, DeployOutcome } from '@fargate-promote/promotion'
import { createSummary, link, type SummaryBuilder } from '@fargate-promote/runner'
import { progressiveDetails } from './progressive-summary.js'

const HEADLINE: Record<DeployResult['status'], string> = {
  succeeded: '✅ Deployment succeeded',
  failed: '❌ Deployment failed',
  'rolled-back': '↩️ Deployment rolled back',
  'timed-out': '⏱️ Deployment timed out',
  started: '🚀 Deployment started (not watched: wait is false)',
  paused: '⏸️ Deployment paused at a PAUSE hook (see paused-hook-id)',
  'dry-run': '📝 Dry run: nothing was changed'
}

function revision(arn: string | undefined): string {
  return arn ? (arn.split('/').pop() ?? arn) : '—'
}

function consoleUrl(region: string, cluster: string, service: string): string {
  const base = `https://${region}.console.aws.amazon.com/ecs/v2/clusters`
  return `${base}/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}/deployments?region=${region}`
}

function rolloutCounts(service: ServiceDeployResult): string {
  const rollout = service.rollout
  return rollout ? `${rollout.runningCount}/${rollout.desiredCount}` : '—'
}

function rollbackText(service: ServiceDeployResult): string {
  if (service.rollback) {
    return `${service.rollback.status} → ${revision(service.rollback.toTaskDefinitionArn)}`
  }
  if (service.rollout?.rollback) {
    return `by ECS → ${revision(service.rollout.rollback.taskDefinitionArn)} (${service.rollout.rollback.outcome})`
  }
  return '—'
}

function serviceTable(
  summary: SummaryBuilder,
  result: DeployResult,
  cluster: string,
  region: string
): void {
  summary.table(
    [
      'Service',
      'Status',
      'Revision from → to',
      'Running/desired',
      'Deployment',
      'Rollback',
      'Console'
    ],
    result.services.map(service => [
      service.service,
      service.status,
      `${revision(service.previousTaskDefinitionArn)} → ${revision(service.taskDefinitionArn)}`,
      rolloutCounts(service),
      service.deploymentId ?? '—',
      rollbackText(service),
      link('deployments', consoleUrl(region, cluster, service.service))
    ])
  )
}

/** Images, changes, timeline, stopped tasks and unhealthy targets of one service. */
function serviceDetails(summary: SummaryBuilder, service: ServiceDeployResult): void {
  const images = Object.entries(service.images)
  if (images.length > 0) {
    summary.heading(`Images of ${service.service}`, 3)
    summary.table(['Container', 'Image'], images)
  }
  const diffLines = formatDiff(service.diff)
  if (diffLines.length > 0) {
    summary.details(
      `Task definition changes of ${service.service} (names only, no values)`,
      diffLines.join('\n')
    )
  }
  const rollout = service.rollout
  if (rollout === undefined) return
  if (rollout.events.length > 0) {
    summary.details(
      `Timeline of ${service.service}: ${rollout.events.length} service events`,
      rollout.events
        .map(event => `${new Date(event.at).toISOString()}  ${event.message}`)
        .join('\n')
    )
  }
  if (rollout.stoppedTasks.length > 0) {
    summary.details(
      `Stopped tasks of ${service.service} (${rollout.stoppedTasks.length})`,
      rollout.stoppedTasks.map(task => explainStoppedTask(task)).join('\n')
    )
  }
  const unhealthy = rollout.targets.filter(target => target.state !== 'healthy')
  if (unhealthy.length > 0) {
    summary.details(
      `Targets not healthy for ${service.service} (${unhealthy.length})`,
      unhealthy
        .map(
          t =>
            `${t.id}:${t.port} ${t.state}${t.reason ? ` (${t.reason}: ${t.description ?? ''})` : ''}`
        )
        .join('\n')
    )
  }
}

export async function writeDeploySummary(
  outcome: DeployOutcome,
  inputs: DeployInputs,
  region: string
): Promise<void> {
  const { result } = outcome
  const summary = createSummary()
  summary.heading(`${HEADLINE[result.status]}: ${inputs.cluster}/${inputs.services.join(', ')}`, 2)
  if (outcome.cancelled) {
    // A resume saves no checkpoint: nothing undoes the deployment it continued.
    const updated = result.services.some(service => service.deploymentId !== undefined)
    summary.paragraph(
      inputs.resume !== undefined
        ? 'The run was cancelled while following the resumed deployment; ECS goes on with it (its alarms, circuit breaker and hook timeouts still apply).'
        : updated
          ? 'The run was cancelled while the deployment was in progress; the post step rolls it back.'
          : 'The run was cancelled before the service was updated: nothing changed in ECS.'
    )
  }
  if (result.failureReason) summary.paragraph(`Reason: ${result.failureReason}`)
  serviceTable(summary, result, inputs.cluster, region)
  summary.paragraph(
    `Version ${inputs.version} · took ${formatDuration(result.finishedAt - result.startedAt)}`
  )
  for (const service of result.services) {
    progressiveDetails(summary, service)
    serviceDetails(summary, service)
  }
  if (result.prunedRevisions.length > 0) {
    summary.details(
      `Deregistered ${result.prunedRevisions.length} old revisions`,
      result.prunedRevisions.join('\n')
    )
  }
  await summary.write()
}

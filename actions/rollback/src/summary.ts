import { formatDuration } from '@fargate-promote/common'
import {
  explainStoppedTask,
  shortName,
  type RevisionView,
  type RollbackStatus,
  type RollbackTargetSource
} from '@fargate-promote/ecs'
import { createSummary } from '@fargate-promote/runner'
import type { RollbackReport } from './report.js'

const HEADLINE: Record<RollbackStatus, string> = {
  'rolled-back': '↩️ Rolled back',
  failed: '❌ Rollback failed',
  noop: '✅ Nothing to roll back',
  started: '🚀 Rollback started (not watched: wait is false)',
  cancelled: '⚠️ Cancelled while rolling back (ECS carries on)'
}

/** Which source decided the target, in words. */
export function describeSource(source: RollbackTargetSource, environment?: string): string {
  switch (source) {
    case 'service-deployments':
      return 'ECS service-deployment history (the newest successful deployment of another revision)'
    case 'task-definition-tags':
      return "the 'fargate-promote:previous' tag deploy-fargate wrote on the live revision"
    case 'github-deployments':
      return `the GitHub deployments of environment '${environment ?? '?'}'`
    case 'version-tag':
      return "the revision's 'version' tag"
    case 'image-tag':
      return 'an image tag equal to the version asked for'
    case 'revision':
      return 'the revision number given'
    case 'arn':
      return 'the task-definition ARN given'
  }
}

function images(view: RevisionView | undefined): string {
  const entries = Object.entries(view?.images ?? {})
  return entries.length === 0 ? '—' : entries.map(([name, image]) => `${name}=${image}`).join(', ')
}

export async function writeRollbackSummary(report: RollbackReport): Promise<void> {
  const { inputs: settings, result, target } = report
  const summary = createSummary()
  summary.heading(`${HEADLINE[report.status]}: ${settings.cluster}/${settings.service}`, 2)
  if (result.reason) summary.paragraph(`Result: ${result.reason}`)
  summary.table(
    ['', 'Revision', 'Version', 'Images'],
    [
      [
        'From',
        shortName(result.fromTaskDefinitionArn),
        report.from?.version ?? '—',
        images(report.from)
      ],
      ['To', shortName(report.toTaskDefinitionArn), report.version ?? '—', images(report.to)]
    ]
  )
  const why = [
    `Reason: ${settings.reason}`,
    `Target: \`to: ${settings.toText}\` resolved by ${describeSource(target.source, settings.environmentName)}`
  ]
  if (report.reinstatedFrom) {
    why.push(
      `${shortName(report.reinstatedFrom)} was INACTIVE (deregistered); it was registered again as ${shortName(report.toTaskDefinitionArn)} with the same content`
    )
  }
  if (result.method) why.push(`Method: ${result.method}`)
  if (report.tagged) why.push(`Tagged ${shortName(report.toTaskDefinitionArn)} with the rollback`)
  if (report.records.deploymentId !== undefined) {
    why.push(
      `GitHub deployment ${report.records.deploymentId}${report.records.superseded ? `; deployment ${report.records.superseded.id} marked ${report.records.superseded.state}` : ''}`
    )
  }
  why.push(`Took ${formatDuration(report.durationMs)}`)
  summary.list(why)

  const rollout = result.rollout
  if (rollout && rollout.events.length > 0) {
    summary.details(
      `Timeline: ${rollout.events.length} service events`,
      rollout.events
        .map(event => `${new Date(event.at).toISOString()}  ${event.message}`)
        .join('\n')
    )
  }
  if (rollout && rollout.stoppedTasks.length > 0) {
    summary.details(
      `Stopped tasks (${rollout.stoppedTasks.length})`,
      rollout.stoppedTasks.map(task => explainStoppedTask(task)).join('\n')
    )
  }

  const health = report.health
  if (health) {
    summary.heading(
      health.healthy
        ? '✅ Healthy after the rollback'
        : health.cancelled
          ? '⚠️ Checks cancelled after the rollback'
          : '❌ Checks failed after the rollback',
      3
    )
    summary.table(
      ['Check', 'Type', 'Target', 'Result', 'Passed', 'Last'],
      health.checks.map(check => [
        check.name,
        check.type,
        check.target,
        check.ok ? 'ok' : 'failed',
        `${check.passes}/${check.attempts}`,
        check.lastDetail
      ])
    )
    if (health.reason) summary.paragraph(`Why: ${health.reason}`)
  } else if (settings.checks.length === 0) {
    summary.paragraph('No checks were configured; the rollout verdict alone decides.')
  }
  await summary.write()
}

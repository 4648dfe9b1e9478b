import { shortName } from '@fargate-promote/ecs'
import type { HealthReport } from '@fargate-promote/health'
import type { RollbackInputs, RollbackOutcome } from '@fargate-promote/promotion'
import { Annotations } from '@fargate-promote/runner'

/** Everything the outputs, the summary and the annotations are made of. */
export interface RollbackReport extends RollbackOutcome {
  inputs: RollbackInputs
  durationMs: number
}

/** The libraries give a reason with every failure; the fallback only guards the type. */
export function explain(reason: string | undefined): string {
  return reason ?? 'see the job summary'
}

function healthyOutput(health: HealthReport | undefined): string {
  return health === undefined ? '' : String(health.healthy)
}

export function outputsOf(report: RollbackReport) {
  return {
    status: report.status,
    'task-definition-arn': report.toTaskDefinitionArn,
    'from-task-definition-arn': report.result.fromTaskDefinitionArn,
    version: report.version ?? '',
    'duration-seconds': Math.round(report.durationMs / 1000),
    healthy: healthyOutput(report.health),
    'github-deployment-id': report.records.deploymentId
  }
}

function statusMessage(
  report: RollbackReport
): { level: 'warning' | 'error'; text: string } | undefined {
  const { inputs, result } = report
  const service = inputs.service
  const to = `${shortName(report.toTaskDefinitionArn)}${report.version ? ` (${report.version})` : ''}`
  const from = shortName(result.fromTaskDefinitionArn)
  switch (report.status) {
    case 'rolled-back':
      return {
        level: 'warning',
        text: `${service} was rolled back from ${from} to ${to}: ${inputs.reason}`
      }
    case 'started':
      return {
        level: 'warning',
        text: `${service} is being rolled back from ${from} to ${to} (not watched): ${inputs.reason}`
      }
    case 'cancelled':
      return {
        level: 'error',
        text:
          result.method === undefined
            ? `The run was cancelled before the rollback of ${service} was requested; it still runs ${from}.`
            : `The run was cancelled while ${service} was rolling back from ${from} to ${to}; ECS carries on. Check the service.`
      }
    case 'failed':
      return {
        level: 'error',
        text: `Rollback of ${service} to ${to} failed: ${explain(result.reason)}`
      }
    case 'noop':
      return undefined
  }
}

export function annotate(report: RollbackReport): void {
  const annotations = new Annotations()
  const service = report.inputs.service
  const message = statusMessage(report)
  if (message !== undefined) {
    annotations[message.level](message.text, { title: `Rollback of ${service}` })
  }
  const health = report.health
  if (health && !health.healthy) {
    const to = `${shortName(report.toTaskDefinitionArn)}${report.version ? ` (${report.version})` : ''}`
    annotations.error(
      `${service} runs ${to} but the checks ${health.cancelled ? 'were cancelled' : 'failed'}: ${explain(health.reason)}`,
      { title: `Checks after the rollback of ${service}` }
    )
  }
  annotations.flush()
}

/** Why the step fails, in one sentence; undefined when it passes. */
export function failureOf(report: RollbackReport): string | undefined {
  const service = report.inputs.service
  const to = shortName(report.toTaskDefinitionArn)
  if (report.status === 'cancelled' && report.result.method === undefined) {
    return `cancelled before the rollback was requested; ${service} was not changed.`
  }
  if (report.status === 'cancelled') {
    return `cancelled while ${service} was rolling back to ${to}; ECS carries on with it. Check the service before acting again.`
  }
  if (report.status === 'failed') {
    return `${service} was not rolled back: ${explain(report.result.reason)}`
  }
  const health = report.health
  if (health && !health.healthy) {
    return `${service} was rolled back to ${to}, but the checks ${health.cancelled ? 'were cancelled' : 'failed'}: ${explain(health.reason)}`
  }
  return undefined
}

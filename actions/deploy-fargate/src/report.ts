import { isSecretName } from '@fargate-promote/common'
import { formatDiff } from '@fargate-promote/ecs'
import type { DeployInputs, DeployOutcome } from '@fargate-promote/promotion'
import { Annotations, maskSecret, type OutputValue } from '@fargate-promote/runner'

/** The token and every secret-looking environment value, masked before anything is logged. */
export function maskSecrets(inputs: DeployInputs): void {
  if (inputs.githubToken) maskSecret(inputs.githubToken)
  for (const variables of Object.values(inputs.environment)) {
    for (const [name, value] of Object.entries(variables)) if (isSecretName(name)) maskSecret(value)
  }
}

/** Every output, from the outcome; the first service's values for the single-service outputs. */
export function outputsOf(outcome: DeployOutcome, durationMs: number): Record<string, OutputValue> {
  const { result } = outcome
  const first = result.services[0]
  return {
    status: outcome.cancelled ? 'cancelled' : result.status,
    'task-definition-arn': first?.taskDefinitionArn,
    'previous-task-definition-arn': first?.previousTaskDefinitionArn,
    'deployment-id': first?.deploymentId,
    'service-deployment-arn': first?.serviceDeploymentArn,
    images: first?.images ?? {},
    services: result.services.map(service => ({
      service: service.service,
      status: service.status,
      taskDefinitionArn: service.taskDefinitionArn,
      previousTaskDefinitionArn: service.previousTaskDefinitionArn,
      deploymentId: service.deploymentId,
      failureReason: service.failureReason,
      rollback: service.rollback?.status,
      ...(service.progressive && {
        strategyOutcome: service.progressive.outcome,
        pausedHookId: service.progressive.hookId,
        blastRadius: service.progressive.blastRadius.share
      })
    })),
    'failure-reason': result.failureReason ?? '',
    'duration-seconds': Math.round(durationMs / 1000),
    'paused-hook-id': first?.progressive?.hookId,
    'blast-radius': first?.progressive?.blastRadius.share,
    'github-deployment-id': outcome.githubDeploymentId
  }
}

/**
 * An error per failed service, a warning per rollback (ours or ECS's); in a dry run, a notice
 * per service with what would change, so a pull request's check shows the diff.
 */
export function annotate(outcome: DeployOutcome): void {
  const annotations = new Annotations()
  for (const service of outcome.result.services) {
    if (outcome.result.status === 'dry-run') {
      const lines = formatDiff(service.diff)
      annotations.notice(
        lines.length > 0 ? lines.join('\n') : 'No change to the task definition.',
        {
          title: `Dry run: ${service.service}`
        }
      )
    }
    const title = `Rollback of ${service.service}`
    if (service.failureReason) {
      annotations.error(service.failureReason, {
        title: `Deployment of ${service.service} ${service.status}`
      })
    }
    const rollback = service.rollback
    if (rollback && rollback.status !== 'noop') {
      const why = rollback.reason ? ` (${rollback.reason})` : ''
      annotations.warning(
        `${service.service} was rolled back to ${service.previousTaskDefinitionArn}: ${rollback.status}${why}.`,
        { title }
      )
    } else if (service.status === 'rolled-back') {
      annotations.warning(
        `ECS rolled ${service.service} back: ${service.failureReason ?? 'see the summary'}.`,
        { title }
      )
    }
  }
  annotations.flush()
}

import { errorMessage } from '@fargate-promote/common'
import { rollbackService, type EcsDeps, type RollbackResult } from '@fargate-promote/ecs'
import type { DeployCheckpoint } from './checkpoint.js'

/**
 * GitHub force-terminates a cancelled job 5 minutes after cancellation started; the rollback
 * must be under way and observed well before that.
 */
export const CANCELLED_ROLLBACK_TIMEOUT_MS = 4 * 60_000

export interface CancelledDeployRollback {
  /** What was done: nothing to undo, nothing by choice (on-failure none), or rolled back. */
  action: 'nothing' | 'kept' | 'rolled-back'
  rollbacks: { service: string; result?: RollbackResult; error?: string }[]
  /** One line per service that could not be put back. */
  failures: string[]
}

/**
 * After a run was cancelled mid-rollout (the checkpoint still says `deploying`), put every
 * service back on the revision that was live before — each one even when another fails, so
 * one failure neither hides nor stops the others. With on-failure none, nothing is touched.
 */
export async function rollBackCancelledDeploy(
  checkpoint: DeployCheckpoint,
  deps: EcsDeps
): Promise<CancelledDeployRollback> {
  const none = { rollbacks: [], failures: [] }
  if (checkpoint.phase !== 'deploying') return { action: 'nothing', ...none }
  const { deployments } = checkpoint
  if (checkpoint.onFailure === 'none') {
    deps.log.warning(
      `The run stopped while deploying ${deployments.map(d => d.service).join(', ')}; on-failure is none, so nothing is rolled back.`
    )
    return { action: 'kept', ...none }
  }
  const settled = await Promise.allSettled(
    deployments.map(deployment =>
      rollbackService(
        {
          cluster: checkpoint.cluster,
          service: deployment.service,
          taskDefinitionArn: deployment.previousTaskDefinitionArn,
          reason: 'workflow run cancelled during the deployment',
          timeoutMs: CANCELLED_ROLLBACK_TIMEOUT_MS,
          pollIntervalMs: checkpoint.pollIntervalMs,
          waitForTargetHealth: 'auto',
          stopInProgress: true
        },
        deps
      )
    )
  )
  const outcome: CancelledDeployRollback = { action: 'rolled-back', ...none }
  settled.forEach((one, index) => {
    const service = (deployments[index] as DeploymentInfo).service
    if (one.status === 'rejected') {
      const error = errorMessage(one.reason)
      outcome.rollbacks.push({ service, error })
      outcome.failures.push(`${service}: ${error}`)
      return
    }
    outcome.rollbacks.push({ service, result: one.value })
    if (one.value.status === 'failed') {
      outcome.failures.push(`${service}: ${one.value.reason ?? 'rollback failed'}`)
    }
  })
  return outcome
}

type DeploymentInfo = DeployCheckpoint['deployments'][number]

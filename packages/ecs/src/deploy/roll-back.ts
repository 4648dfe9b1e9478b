import { errorMessage } from '@fargate-promote/common'
import { rollbackService } from '../rollback/service.js'
import type { RollbackResult } from '../rollback/types.js'
import { shortName } from '../task-definitions/arn.js'
import { failureReasonOf, worstStatus, type DeployRun, type Working } from './run.js'
import type { DeployStatus } from './types.js'

/** The overall statuses after which every service we deployed goes back. */
const ROLL_BACK_ON: DeployStatus[] = ['failed', 'timed-out', 'rolled-back']

/** A rollback after a deploy that ran out of time still gets at least this long. */
export const MIN_ROLLBACK_TIMEOUT_MS = 60_000

/** Every service we deployed, except one ECS already put back on its previous revision. */
function needsRollback(w: Working): boolean {
  const { result } = w
  // followProgressive rolled a failed step back itself (StopServiceDeployment ROLLBACK).
  if (result.progressive?.outcome === 'rolled-back') return false
  const ecsRollback = result.rollout?.rollback
  const alreadyBack =
    result.status === 'rolled-back' &&
    ecsRollback?.outcome === 'succeeded' &&
    ecsRollback.taskDefinitionArn === result.previousTaskDefinitionArn
  return !alreadyBack
}

/** Our rollback of one service we deployed, because the deploy as a whole did not succeed. */
async function rollBack(run: DeployRun, w: Working, timeoutMs: number, why: string): Promise<void> {
  const { options, deps } = run
  const { result } = w
  const name = w.plan.checked.name
  let rollback: RollbackResult
  try {
    rollback = await rollbackService(
      {
        cluster: options.cluster,
        service: name,
        taskDefinitionArn: result.previousTaskDefinitionArn,
        reason: result.failureReason ?? `the deploy did not succeed (${why})`,
        timeoutMs,
        pollIntervalMs: options.pollIntervalMs,
        waitForTargetHealth: options.waitForTargetHealth,
        stopInProgress: true,
        ...(result.serviceDeploymentArn
          ? { serviceDeploymentArn: result.serviceDeploymentArn }
          : {})
      },
      deps
    )
  } catch (error) {
    rollback = {
      status: 'failed',
      fromTaskDefinitionArn: w.arn as string,
      toTaskDefinitionArn: result.previousTaskDefinitionArn,
      reason: errorMessage(error)
    }
  }
  result.rollback = rollback
  if (rollback.status === 'failed') {
    deps.log.warning(
      `${name}: rollback to ${shortName(result.previousTaskDefinitionArn)} failed: ${rollback.reason as string}`
    )
  }
}

/**
 * With `onFailure: 'rollback'` and not cancelled: when the deploy as a whole did not succeed
 * (failed, timed-out or rolled-back), EVERY service whose deployment we started goes back to its
 * own previous revision — also those whose own rollout succeeded, so no service is left
 * half-deployed — except one ECS already rolled back there. Each service's `status` stays what
 * its own rollout did; its `rollback` says what ours did. The rollbacks get what is left of the
 * deadline, but at least max(2 × pollIntervalMs, 60 s), so a deploy that timed out can still be
 * put back.
 */
export async function rollBackUnlessSucceeded(
  run: DeployRun,
  working: Working[],
  started: Working[]
): Promise<void> {
  const { options, deps } = run
  const overall = worstStatus(working.map(w => w.result.status))
  if (options.onFailure !== 'rollback' || deps.signal?.aborted || !ROLL_BACK_ON.includes(overall)) {
    return
  }
  const timeoutMs = Math.max(
    run.deadline - deps.clock.now(),
    2 * options.pollIntervalMs,
    MIN_ROLLBACK_TIMEOUT_MS
  )
  const why = failureReasonOf(working.map(w => w.result)) ?? overall
  await Promise.all(started.filter(needsRollback).map(w => rollBack(run, w, timeoutMs, why)))
}

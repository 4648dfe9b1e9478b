import { UpdateServiceCommand } from '@aws-sdk/client-ecs'
import { errorMessage } from '@fargate-promote/common'
import { shortName } from '../task-definitions/arn.js'
import type { RolloutResult } from '../watch/types.js'
import { watchRolloutQuietly } from '../watch/watch.js'
import { remaining, type DeployRun, type Working } from './run.js'
import { followOne, productionBefore, withStrategy } from './progressive.js'
import { cancelledBeforeUpdate } from './cancelled.js'
import { findServiceDeploymentArn, updateServiceInput } from './update.js'

/** The caller's callback must not turn a started deployment into a thrown error. */
function tellStarted(run: DeployRun, w: Working, serviceDeploymentArn: string | undefined): void {
  const { checked } = w.plan
  try {
    run.deps.onDeploymentStarted?.({
      service: checked.name,
      deploymentId: w.result.deploymentId as string,
      taskDefinitionArn: w.arn as string,
      previousTaskDefinitionArn: checked.liveTaskDefinitionArn,
      ...(serviceDeploymentArn ? { serviceDeploymentArn } : {})
    })
  } catch (error) {
    run.deps.log.warning(
      `${checked.name}: could not record the started deployment: ${errorMessage(error)}`
    )
  }
}

/** UpdateService for one service; true when ECS made our revision the PRIMARY deployment. */
async function startOne(run: DeployRun, w: Working): Promise<boolean> {
  const { options, deps } = run
  const { checked } = w.plan
  const arn = w.arn as string
  try {
    w.production = await productionBefore(run, w)
    if (cancelledBeforeUpdate(run, [w])) return false
    const input = updateServiceInput(options.cluster, checked.service, arn, options)
    const answer = await deps.ecs.send(
      new UpdateServiceCommand(withStrategy(input, checked.service, options.progressive))
    )
    const updated = answer.service ?? checked.service
    const ours = updated.deployments?.find(d => d.status === 'PRIMARY' && d.taskDefinition === arn)
    if (!ours?.id) {
      w.result.failureReason = `UpdateService did not make ${shortName(arn)} the PRIMARY deployment of ${checked.name}`
      return false
    }
    w.result.deploymentId = ours.id
    const serviceDeploymentArn = await findServiceDeploymentArn(updated, options.cluster, deps)
    if (serviceDeploymentArn) w.result.serviceDeploymentArn = serviceDeploymentArn
    deps.log.info(
      `${checked.name}: deployment ${ours.id} of ${shortName(arn)} started (was ${shortName(checked.liveTaskDefinitionArn)})`
    )
    tellStarted(run, w, serviceDeploymentArn)
    return true
  } catch (error) {
    w.result.failureReason = `UpdateService failed: ${errorMessage(error)}`
    return false
  }
}

/**
 * Updates every service in turn; returns those whose deployment ECS started. A cancellation
 * updates no further service: those started are watched (and the caller undoes them).
 */
export async function startDeployments(run: DeployRun, working: Working[]): Promise<Working[]> {
  const started: Working[] = []
  for (const [index, w] of working.entries()) {
    if (cancelledBeforeUpdate(run, working.slice(index))) break
    if (await startOne(run, w)) started.push(w)
  }
  return started
}

/**
 * Watches the started deployments to their verdicts (events since `since` are streamed); with
 * `wait: false` they are only marked started: nothing is claimed about an outcome not seen.
 */
export async function watchStarted(
  run: DeployRun,
  started: Working[],
  since: number
): Promise<void> {
  const { options, deps } = run
  if (!options.wait) {
    for (const w of started) w.result.status = 'started'
    return
  }
  if (started.length === 0) return
  if (options.progressive) {
    // Each service's traffic steps are judged as they happen, side by side.
    await Promise.all(started.map(w => followStarted(run, w)))
    return
  }
  const rollouts = await watchRolloutQuietly(
    {
      cluster: options.cluster,
      targets: started.map(w => ({
        service: w.plan.checked.name,
        deploymentId: w.result.deploymentId as string,
        taskDefinitionArn: w.arn as string
      })),
      timeoutMs: remaining(run),
      pollIntervalMs: options.pollIntervalMs,
      waitForTargetHealth: options.waitForTargetHealth,
      followRollback: true,
      since
    },
    deps
  )
  for (const w of started) {
    // the watch reports on every target it was given
    const rollout = rollouts.find(r => r.service === w.plan.checked.name) as RolloutResult
    w.result.rollout = rollout
    w.result.status = rollout.outcome
    if (rollout.outcome !== 'succeeded') w.result.failureReason = rollout.reason ?? rollout.outcome
  }
}

/** A progressive deployment is followed step by step, its traffic judged, not watched as a roll. */
async function followStarted(run: DeployRun, w: Working): Promise<void> {
  const { cloudwatch } = run.deps
  if (w.production === undefined || cloudwatch === undefined || !w.result.serviceDeploymentArn) {
    w.result.status = 'failed'
    w.result.failureReason = `${w.plan.checked.name}: cannot follow the ${run.options.progressive?.settings.kind ?? ''} deployment (no production listener rule, CloudWatch client or service deployment ARN)`
    return
  }
  await followOne(run, w, w.production, cloudwatch)
}

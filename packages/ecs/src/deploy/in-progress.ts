import { ConfigurationError, formatDuration } from '@fargate-promote/common'
import { findPaused } from '../progressive/resume.js'
import { watchRolloutQuietly } from '../watch/watch.js'
import type { WatchTarget } from '../watch/types.js'
import { cancelledBeforeUpdate } from './cancelled.js'
import type { ServicePlan } from './plan.js'
import { refuse } from './refuse.js'
import { finish, initial, remaining, type DeployRun } from './run.js'
import type { DeployResult } from './types.js'

/**
 * A deployment held at a PAUSE hook never finishes on its own (until the hook's timeout):
 * waiting for it would only time out. Refused at once, naming what to do.
 */
async function refusePaused(run: DeployRun, busy: ServicePlan[]): Promise<void> {
  const paused: string[] = []
  for (const plan of busy) {
    const found = await findPaused(
      { cluster: run.options.cluster, service: plan.checked.name },
      run.deps
    )
    if (found === undefined) continue
    const stage = found.deployment.lifecycleStage ?? 'a PAUSE hook'
    paused.push(`${plan.checked.name} has a deployment waiting at ${stage} (hook ${found.hookId})`)
  }
  if (paused.length === 0) return
  throw new ConfigurationError(
    `${paused.join('; ')}. Answer it first with resume: continue or resume: abort; nothing was deployed.`,
    { input: 'service' }
  )
}

/**
 * Deploying over a rollout in progress would race it: let it finish (or roll back) first. Ends
 * the deploy (a result) when it timed out or failed; otherwise the caller plans again against
 * what is live now, which is what a rollback must return to.
 */
export async function awaitDeploymentsInProgress(
  run: DeployRun,
  plans: ServicePlan[]
): Promise<DeployResult | undefined> {
  const { options, deps } = run
  const busy = plans.filter(plan => plan.checked.deploymentInProgress)
  if (busy.length === 0) return undefined
  await refusePaused(run, busy)
  const targets: WatchTarget[] = busy.map(plan => ({
    service: plan.checked.name,
    deploymentId: plan.checked.primaryDeploymentId,
    taskDefinitionArn: plan.checked.liveTaskDefinitionArn
  }))
  deps.log.info(
    `Waiting for the deployment already in progress on ${busy.map(p => `${p.checked.name} (${p.checked.primaryDeploymentId})`).join(', ')} to finish before deploying`
  )
  const waited = await watchRolloutQuietly(
    {
      cluster: options.cluster,
      targets,
      timeoutMs: remaining(run),
      pollIntervalMs: options.pollIntervalMs,
      waitForTargetHealth: options.waitForTargetHealth,
      followRollback: true
    },
    deps
  )
  const stuck = waited.filter(r => r.outcome === 'timed-out')
  if (stuck.length > 0 && deps.signal?.aborted === true) {
    // Cancelled while waiting: nothing was sent, which the cancellation's own wording says.
    const working = plans.map(plan => initial(plan, 'failed'))
    cancelledBeforeUpdate(run, working)
    return finish(run, working)
  }
  if (stuck.length > 0) {
    const working = plans.map(plan => initial(plan, 'timed-out'))
    const why = stuck.map(r => `${r.service}: ${r.reason ?? 'timed out'}`).join('; ')
    for (const w of working) {
      w.result.failureReason = `the deployment already in progress did not finish within ${formatDuration(options.timeoutMs)}; nothing was deployed (${why})`
    }
    return finish(run, working)
  }
  const broken = waited.filter(
    r =>
      r.outcome === 'failed' || (r.outcome === 'rolled-back' && r.rollback?.outcome !== 'succeeded')
  )
  if (broken.length === 0) return undefined
  const failed = broken.map(r => ({
    service: r.service,
    deploymentId: r.deploymentId,
    reason: r.reason ?? r.outcome
  }))
  return refuse(run, plans, failed, 'the deployment already in progress')
}

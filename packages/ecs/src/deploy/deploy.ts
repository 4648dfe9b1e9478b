import { formatDiff } from '../task-definitions/diff.js'
import { cancelledBeforeUpdate } from './cancelled.js'
import { awaitDeploymentsInProgress } from './in-progress.js'
import type { DeployDeps, DeployOptions } from './options.js'
import { planDeployment, type ServicePlan } from './plan.js'
import { preDeployStep } from './pre-deploy-step.js'
import { preflight } from './preflight.js'
import { checkMetricsReadable, refuseUnfit, refuseUnjudged } from './progressive.js'
import { pruneOldRevisions } from './prune.js'
import { registerRevisions } from './register.js'
import { failedPrimaries, refuse } from './refuse.js'
import { rollBackUnlessSucceeded } from './roll-back.js'
import { finish, initial, type DeployRun } from './run.js'
import { startDeployments, watchStarted } from './start.js'
import type { DeployResult } from './types.js'

/** Describe the services and what each gets (and log each one's changes). Read-only. */
async function prepare(run: DeployRun, logChanges: boolean): Promise<ServicePlan[]> {
  const { options, deps } = run
  const checked = await preflight({ cluster: options.cluster, services: options.services }, deps)
  const plans = await planDeployment(options, checked.services, deps)
  if (!logChanges) return plans
  for (const plan of plans) {
    await deps.log.group(`Changes for ${plan.checked.name}`, () => {
      for (const line of formatDiff(plan.diff)) deps.log.info(line)
      return Promise.resolve()
    })
  }
  return plans
}

/**
 * The plans to deploy, or the result that ends the deploy before any change: a service whose
 * last deployment failed (its live revision must not become the rollback target), a dry run,
 * or a deployment already in progress that timed out or failed.
 */
async function readyToDeploy(run: DeployRun): Promise<ServicePlan[] | DeployResult> {
  const plans = await prepare(run, true)
  if (run.options.progressive) {
    // A defect of the caller, found before any change: the analysis reads target-group metrics.
    const { cloudwatch, clock } = run.deps
    if (!cloudwatch) throw new Error('A progressive deployment needs deps.cloudwatch.')
    refuseUnfit(plans, run.options.progressive)
    await checkMetricsReadable(plans, run.options.progressive, cloudwatch, clock.now())
  } else {
    refuseUnjudged(plans, run.options.switchToRolling === true)
  }
  const idle = plans.filter(plan => !plan.checked.deploymentInProgress)
  const failedBefore = failedPrimaries(idle)
  if (failedBefore.length > 0) return refuse(run, plans, failedBefore, 'the last deployment')
  if (run.options.dryRun) {
    run.deps.log.info('Dry run: nothing was registered or deployed')
    return finish(
      run,
      plans.map(plan => initial(plan, 'dry-run'))
    )
  }
  if (idle.length === plans.length) return plans
  const waited = await awaitDeploymentsInProgress(run, plans)
  if (waited !== undefined) return waited
  // What is live now is what a rollback must return to: plan again against it.
  const replanned = await prepare(run, false)
  const failedAfter = failedPrimaries(replanned)
  return failedAfter.length > 0
    ? refuse(run, replanned, failedAfter, 'the last deployment')
    : replanned
}

/**
 * Deploy a new task-definition revision to 1..10 Fargate services and, unless told not to
 * wait, watch until each serves it — or fails, with the reason. Everything is validated
 * before the first change: register → pre-deploy task → UpdateService → watch → roll back
 * (see rollBackUnlessSucceeded) → prune. A cancellation before a service's UpdateService leaves
 * that service untouched (see cancelledBeforeUpdate).
 */
export async function deploy(options: DeployOptions, deps: DeployDeps): Promise<DeployResult> {
  const startedAt = deps.clock.now()
  const run: DeployRun = { options, deps, startedAt, deadline: startedAt + options.timeoutMs }
  const ready = await readyToDeploy(run)
  if (!Array.isArray(ready)) return ready
  const working = ready.map(plan => initial(plan, 'failed'))
  const registered = await registerRevisions(run, working)
  if (cancelledBeforeUpdate(run, working)) return finish(run, working)
  const preDeploy = await preDeployStep(run, working)
  if (preDeploy?.status === 'failed') return finish(run, working, { preDeploy })
  const ranTask = preDeploy?.taskArn?.split('/').at(-1)
  if (cancelledBeforeUpdate(run, working, ranTask))
    return finish(run, working, preDeploy && { preDeploy })
  const since = deps.clock.now()
  const started = await startDeployments(run, working)
  await watchStarted(run, started, since)
  await rollBackUnlessSucceeded(run, working, started)
  const prunedRevisions = registered > 0 ? await pruneOldRevisions(run, working) : []
  return finish(run, working, { ...(preDeploy ? { preDeploy } : {}), prunedRevisions })
}

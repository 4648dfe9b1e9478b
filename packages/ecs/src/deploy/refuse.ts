import type { ServicePlan } from './plan.js'
import { finish, initial, type DeployRun } from './run.js'
import type { DeployResult } from './types.js'

export interface FailedDeployment {
  service: string
  deploymentId: string
  reason: string
}

/** Services whose PRIMARY deployment failed: deploying over them would make a broken revision "previous". */
export function failedPrimaries(plans: ServicePlan[]): FailedDeployment[] {
  return plans
    .filter(plan => plan.checked.primary.rolloutState === 'FAILED')
    .map(plan => ({
      service: plan.checked.name,
      deploymentId: plan.checked.primaryDeploymentId,
      reason: plan.checked.primary.rolloutStateReason ?? 'its rollout state is FAILED'
    }))
}

/** A failed deployment must not become "previous": the deploy stops before anything is changed. */
export function refuse(
  run: DeployRun,
  plans: ServicePlan[],
  failed: FailedDeployment[],
  what: string
): DeployResult {
  const names = failed.map(f => f.service).join(', ')
  const working = plans.map(plan => initial(plan, 'failed'))
  for (const w of working) {
    const own = failed.find(f => f.service === w.plan.checked.name)
    w.result.failureReason = own
      ? `${what} on ${own.service} (${own.deploymentId}) failed: ${own.reason}; nothing was deployed. Fix or roll back ${own.service} first.`
      : `nothing was deployed: fix or roll back ${names} first`
  }
  run.deps.log.warning(`Not deploying: the last deployment of ${names} failed`)
  return finish(run, working)
}

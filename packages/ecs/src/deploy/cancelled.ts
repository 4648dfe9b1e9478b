import { shortName } from '../task-definitions/arn.js'
import type { DeployRun, Working } from './run.js'

/** What a service cancelled before its update leaves in ECS, if anything. */
function leftRegistered(w: Working): string {
  if (w.plan.deployAsIs !== undefined) return ''
  if (w.arn !== undefined) {
    return `; task definition ${shortName(w.arn)} was registered and is not in use`
  }
  // Cancelled before its RegisterTaskDefinition, or during it: the abandoned call may have landed.
  return '; no revision was registered for it (a RegisterTaskDefinition abandoned mid-call may still have left one in ECS, not in use)'
}

/**
 * A run cancelled before UpdateService changes nothing in ECS: every await before the first
 * mutation is followed by this check, and the services not updated yet say so. The revisions
 * registered for them are left registered (ACTIVE, not in use): deregistering would be one more
 * write after the cancellation, and the next deploy registers its own.
 */
export function cancelledBeforeUpdate(
  run: DeployRun,
  working: Working[],
  preDeployTask?: string
): boolean {
  if (run.deps.signal?.aborted !== true) return false
  const waiting = working.filter(w => w.result.deploymentId === undefined)
  // A pre-deploy task (a migration) that ran is a change, even with no service updated.
  const changed =
    preDeployTask === undefined
      ? 'nothing changed in ECS'
      : `no service was changed, but pre-deploy task ${preDeployTask} ran`
  for (const w of waiting) {
    w.result.status = 'failed'
    w.result.failureReason = `cancelled before the service was updated: ${changed}${leftRegistered(w)}`
    run.deps.log.warning(`${w.plan.checked.name}: ${w.result.failureReason}`)
  }
  return true
}

import { shortName } from '../task-definitions/arn.js'
import type { DeployRun, Working } from './run.js'

/**
 * A run cancelled before UpdateService changes nothing in ECS: every await before the first
 * mutation is followed by this check, and the services not updated yet say so. The revisions
 * registered for them are left registered (ACTIVE, not in use): deregistering would be one more
 * write after the cancellation, and the next deploy registers its own.
 */
export function cancelledBeforeUpdate(run: DeployRun, working: Working[]): boolean {
  if (run.deps.signal?.aborted !== true) return false
  const waiting = working.filter(w => w.result.deploymentId === undefined)
  for (const w of waiting) {
    const registered =
      w.arn === undefined
        ? w.plan.deployAsIs === undefined
          ? '; RegisterTaskDefinition was abandoned mid-call, so ECS may hold a new revision that is not in use'
          : ''
        : w.plan.deployAsIs === undefined
          ? `; task definition ${shortName(w.arn)} was registered and is not in use`
          : ''
    w.result.status = 'failed'
    w.result.failureReason = `cancelled before the service was updated: nothing changed in ECS${registered}`
    run.deps.log.warning(`${w.plan.checked.name}: ${w.result.failureReason}`)
  }
  return true
}

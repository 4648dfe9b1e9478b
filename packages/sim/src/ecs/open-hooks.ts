import type { ServiceDeploymentRec } from './model.js'

// Its own module: the traffic shift closes hooks, and pause-hooks.ts (which needs the service
// deployments, which need the shift) would otherwise close an import cycle.

/** Hooks still awaiting action when the deployment ends another way (StopServiceDeployment). */
export function closeOpenHooks(sd: ServiceDeploymentRec): void {
  for (const hook of sd.lifecycleHookDetails ?? []) {
    // GUESS: AWS does not document the status of a hook whose deployment was stopped.
    if (hook.status === 'AWAITING_ACTION') hook.status = 'FAILED'
  }
}

import type { RolloutResult } from '../watch/types.js'

/** How a rollback was carried out. */
export type RollbackMethod = 'update-service' | 'stop-service-deployment' | 'existing-deployment'

/**
 * `started`: wait was false; ECS accepted the rollback request and nothing more is claimed.
 * `cancelled`: the watch was cancelled (signal) after the request; ECS carries on.
 */
export type RollbackStatus = 'rolled-back' | 'failed' | 'noop' | 'started' | 'cancelled'

export interface RollbackResult {
  status: RollbackStatus
  fromTaskDefinitionArn: string
  /** The revision the service was sent to: the target, or its re-registered copy. */
  toTaskDefinitionArn: string
  /** Set when the target was INACTIVE and was registered again as toTaskDefinitionArn. */
  reinstatedFrom?: string
  deploymentId?: string
  method?: RollbackMethod
  rollout?: RolloutResult
  reason?: string
}

import type { TaskDefinitionDiff } from '../task-definitions/diff.js'
import type { RollbackResult } from '../rollback/types.js'
import type { RolloutResult } from '../watch/types.js'
import type { ProgressiveResult } from '../progressive/follow-types.js'

/**
 * `started`: the deployment was started but not watched (wait: false); nothing is claimed
 * about its outcome.
 */
export type DeployStatus =
  'succeeded' | 'failed' | 'rolled-back' | 'timed-out' | 'started' | 'paused' | 'dry-run'

export interface PreDeployReport {
  status: 'succeeded' | 'failed'
  service: string
  taskDefinitionArn: string
  container?: string
  taskArn?: string
  exitCode?: number
  reason?: string
}

export interface ServiceDeployResult {
  service: string
  status: DeployStatus
  /** The revision deployed (registered by us, or the ARN given). Absent in a dry run. */
  taskDefinitionArn?: string
  /** The exact revision live before this deployment: what a rollback returns to. */
  previousTaskDefinitionArn: string
  deploymentId?: string
  serviceDeploymentArn?: string
  images: Record<string, string>
  failureReason?: string
  rollout?: RolloutResult
  /** A canary, linear or blue/green deployment: its steps, verdicts and blast radius. */
  progressive?: ProgressiveResult
  rollback?: RollbackResult
  diff: TaskDefinitionDiff
}

export interface DeployResult {
  /** The worst status of the services. */
  status: DeployStatus
  services: ServiceDeployResult[]
  failureReason?: string
  preDeploy?: PreDeployReport
  startedAt: number
  finishedAt: number
  prunedRevisions: string[]
}

import type { DeploymentStartedInfo } from '@fargate-promote/ecs'

/**
 * What a deploy leaves for a step that runs after it was cancelled (the action's post step):
 * `deploying` from the first UpdateService until the deploy had its verdict, with every service
 * whose deployment started and the revision it ran before.
 */
export interface DeployCheckpoint {
  phase: 'deploying' | 'finished'
  cluster: string
  deployments: DeploymentStartedInfo[]
  pollIntervalMs: number
  onFailure: 'rollback' | 'none'
}

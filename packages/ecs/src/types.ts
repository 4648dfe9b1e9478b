import type { ECSClient } from '@aws-sdk/client-ecs'
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Clock, Logger } from '@fargate-promote/common'
import type { TaskDefinitionDiff } from './diff.js'
import type { RolloutResult } from './types-rollout.js'

/** The clients and services every mutating operation of this package needs. */
export interface EcsDeps {
  ecs: ECSClient
  elb: ElasticLoadBalancingV2Client
  clock: Clock
  log: Logger
  /** Cancellation: watches stop early and report 'timed-out' with reason 'cancelled'. */
  signal?: AbortSignal
}

/**
 * `started`: the deployment was started but not watched (wait: false); nothing is claimed
 * about its outcome.
 */
export type DeployStatus =
  'succeeded' | 'failed' | 'rolled-back' | 'timed-out' | 'started' | 'dry-run'

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

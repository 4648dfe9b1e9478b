/**
 * What the rollout watcher reports. Plain data: the action adapters turn it into outputs,
 * job summaries and annotations; deploy, rollback and the cancellation post step share it.
 */

import type { ECSClient } from '@aws-sdk/client-ecs'
import type { ElbClient } from '../deps.js'
import type { Clock, Logger } from '@fargate-promote/common'
import type { AwsCallListener } from '../observe/services.js'
import type { ServiceEventView, StoppedTaskView, TargetView } from '../observe/types.js'

export type RolloutOutcome = 'succeeded' | 'failed' | 'rolled-back' | 'timed-out'

export interface RollbackObservation {
  deploymentId: string
  taskDefinitionArn: string
  outcome: 'succeeded' | 'failed' | 'timed-out'
  reason?: string
}

export interface RolloutResult {
  service: string
  outcome: RolloutOutcome
  /** One sentence a person understands, with the AWS evidence. */
  reason?: string
  deploymentId: string
  taskDefinitionArn: string
  desiredCount: number
  runningCount: number
  rolloutState?: string
  rolloutStateReason?: string
  failedTasks: number
  /** Every new event seen during the watch, oldest first. */
  events: ServiceEventView[]
  /** Tasks of OUR deployment that stopped, with reasons and exit codes. */
  stoppedTasks: StoppedTaskView[]
  /** Last observed health of our tasks' targets. */
  targets: TargetView[]
  /** Set when ECS itself rolled our deployment back (circuit breaker / alarm). */
  rollback?: RollbackObservation
  startedAt: number
  finishedAt: number
  /** Polls and AWS calls of the whole watch (shared by every service watched together). */
  polls: number
  awsCalls: number
}

export interface WatchTarget {
  service: string
  deploymentId: string
  taskDefinitionArn: string
}

export interface WatchOptions {
  cluster: string
  /** 1..n services of one cluster. */
  targets: WatchTarget[]
  timeoutMs: number
  pollIntervalMs: number
  /** auto = when the service has load balancers. */
  waitForTargetHealth: boolean | 'auto'
  /** When ECS rolls back, keep watching that rollback until it completes/fails/times out. */
  followRollback: boolean
  /** Only events with createdAt > since are streamed; default: the newest event at the first poll. */
  since?: number
}

export interface WatchDeps {
  ecs: ECSClient
  elb: ElbClient
  clock: Clock
  log: Logger
  /** Stop early (cancellation): resolve with outcome 'timed-out' and reason 'cancelled'. */
  signal?: AbortSignal
}

/** What one service watch needs from the loop that drives it. */
export interface ServiceWatchContext {
  options: WatchOptions
  deps: WatchDeps & { onAwsCall: AwsCallListener }
  /** Prefix streamed events with the service name (several services watched together). */
  prefixEvents: boolean
  /** How long to wait before looking at target health again when nothing signalled a change. */
  targetRecheckMs: number
  initialTargetRecheckMs: number
}

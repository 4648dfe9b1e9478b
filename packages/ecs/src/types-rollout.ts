/**
 * What the rollout watcher reports. Plain data: the action adapters turn it into outputs,
 * job summaries and annotations; deploy, rollback and the cancellation post step share it.
 */

export type RolloutOutcome = 'succeeded' | 'failed' | 'rolled-back' | 'timed-out'

export interface ServiceEventView {
  id: string
  /** Epoch milliseconds. */
  at: number
  message: string
}

export interface ContainerExitView {
  name: string
  image?: string
  exitCode?: number
  reason?: string
  lastStatus?: string
}

export interface StoppedTaskView {
  taskArn: string
  taskId: string
  taskDefinitionArn: string
  startedBy?: string
  stoppedAt?: number
  stopCode?: string
  stoppedReason?: string
  containers: ContainerExitView[]
}

export interface TargetView {
  targetGroupArn: string
  id: string
  port: number
  state: string
  reason?: string
  description?: string
  taskId?: string
}

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

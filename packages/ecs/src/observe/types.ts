/** What this package reports of ECS and ELBv2 objects: plain data for logs, summaries and reports. */

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

import type { ContainerExit, RunningContainer, Target } from '../contract.js'

/** The sim's ECS state. Timestamps are Dates (wall clock); `*Sim` fields are sim milliseconds. */

export interface Tag {
  key: string
  value: string
}

export interface ClusterRec {
  arn: string
  name: string
  region: string
  tags: Tag[]
  createdAt: Date
}

export interface ContainerDef {
  name: string
  image: string
  essential: boolean
  containerPorts: number[]
  environment: Record<string, string>
  hasHealthCheck: boolean
}

export interface TaskDefRec {
  arn: string
  family: string
  revision: number
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS'
  /** The registered members, echoed back by DescribeTaskDefinition. */
  body: Record<string, unknown>
  containers: ContainerDef[]
  tags: Tag[]
  registeredAt: Date
  deregisteredAt?: Date
}

/** `loadBalancers[].advancedConfiguration`: what ECS needs to shift traffic itself. */
export interface AdvancedLbConfig {
  alternateTargetGroupArn: string
  productionListenerRule: string
  testListenerRule?: string
  roleArn: string
}

export interface LoadBalancerSpec {
  targetGroupArn: string
  containerName: string
  containerPort: number
  advanced?: AdvancedLbConfig
  raw: Record<string, unknown>
}

export interface ServiceRevisionRec {
  arn: string
  serviceArn: string
  clusterArn: string
  taskDefinitionArn: string
  launchType?: string
  capacityProviderStrategy?: unknown
  platformVersion?: string
  loadBalancers: LoadBalancerSpec[]
  networkConfiguration?: unknown
  containerImages: { containerName: string; image: string; imageDigest?: string }[]
  createdAt: Date
}

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED'

export interface ServiceDeploymentRec {
  arn: string
  service: ServiceRec
  createdAt: Date
  startedAt?: Date
  finishedAt?: Date
  stoppedAt?: Date
  updatedAt: Date
  sources: ServiceRevisionRec[]
  target: ServiceRevisionRec
  status: ServiceDeploymentStatus
  statusReason?: string
  deploymentConfiguration: DeploymentConfig
  rollback?: { reason: string; serviceRevisionArn: string; startedAt: Date }
  breakerStatus: 'TRIGGERED' | 'MONITORING' | 'MONITORING_COMPLETE' | 'DISABLED'
  failureCount: number
  threshold: number
  alarmStatus: 'TRIGGERED' | 'MONITORING' | 'MONITORING_COMPLETE' | 'DISABLED'
  triggeredAlarmNames: string[]
  /** BLUE_GREEN, CANARY and LINEAR only (SDK enum ServiceDeploymentLifecycleStage). */
  lifecycleStage?: LifecycleStage
  /** Every stage entered, in order (sim only: shown by `GET /_sim/state`). */
  lifecycleHistory?: LifecycleStage[]
  /** PAUSE hooks met so far, oldest first (DescribeServiceDeployments `lifecycleHookDetails`). */
  lifecycleHookDetails?: PauseHookRec[]
}

/**
 * One PAUSE lifecycle hook as ECS runs it (SDK d.ts DeploymentLifecycleHookDetail; ECS-DG
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pause-lifecycle-hooks.html).
 */
export interface PauseHookRec {
  hookId: string
  targetType: 'PAUSE'
  status: 'AWAITING_ACTION' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT'
  expiresAt: Date
  timeoutAction: 'CONTINUE' | 'ROLLBACK'
  /** Sim only: the stage it holds, and which entry of lifecycleHistory (its length then). */
  stage: LifecycleStage
  visit: number
  /** Sim milliseconds (EcsStore.simNow) at which the timeout action is taken. */
  expiresSim: number
}

export type LifecycleStage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRE_PRODUCTION_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'
  | 'BAKE_TIME'
  | 'CLEAN_UP'

export type DeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'CANARY' | 'LINEAR'

/** One load balancer of a traffic-shifting deployment: where production (blue) is and green goes. */
export interface ShiftLb {
  /** The service's `targetGroupArn` (the key tasks register under). */
  targetGroupArn: string
  alternateTargetGroupArn: string
  productionListenerRule: string
  testListenerRule?: string
  blueGroup: string
  greenGroup: string
}

/** The progress of a BLUE_GREEN, CANARY or LINEAR deployment (strategies.ts). */
export interface ShiftState {
  active: boolean
  lbs: ShiftLb[]
  /** The deployment serving production when this one started; kept running until CLEAN_UP. */
  blue?: DeploymentRec
  /** Production percentages sent to green, in order (BLUE_GREEN: [100]). */
  steps: number[]
  stepIndex: number
  stepBakeMs: number
  bakeMs: number
  stageSinceSim: number
}

export interface DeploymentConfig {
  minimumHealthyPercent: number
  maximumPercent: number
  deploymentCircuitBreaker: {
    enable: boolean
    rollback: boolean
    resetOnHealthyTask?: boolean
    thresholdConfiguration?: { type: string; value: number }
  }
  alarms?: { alarmNames: string[]; enable: boolean; rollback: boolean }
  strategy: DeploymentStrategy
  bakeTimeInMinutes?: number
  /** Recorded and echoed; the sim runs no hook (README, strategies). */
  lifecycleHooks?: Record<string, unknown>[]
  canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: number }
  linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: number }
}

export interface DeploymentRec {
  id: string
  status: 'PRIMARY' | 'ACTIVE'
  revision: ServiceRevisionRec
  desiredCount: number
  runningCount: number
  pendingCount: number
  failedTasks: number
  createdAt: Date
  updatedAt: Date
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED'
  rolloutStateReason: string
  serviceDeployment: ServiceDeploymentRec
  /** A rollback deployment: its failure is final and its success is the rollback's success. */
  isRollback: boolean
  /** Sim time the deployment first looked complete while alarms still bake. */
  bakeStartedSim?: number
  impairedEventSent: boolean
  /** Target group each task registers in, by the service's `targetGroupArn` (blue/green). */
  targetGroups?: Record<string, string>
  /** Set for BLUE_GREEN, CANARY and LINEAR deployments. */
  shift?: ShiftState
}

export interface ServiceEventRec {
  id: string
  createdAt: Date
  message: string
}

export interface ServiceRec {
  arn: string
  name: string
  cluster: ClusterRec
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE'
  desiredCount: number
  taskDefinitionArn: string
  launchType?: string
  capacityProviderStrategy?: unknown
  platformVersion?: string
  deploymentControllerType: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL'
  deploymentConfiguration: DeploymentConfig
  loadBalancers: LoadBalancerSpec[]
  networkConfiguration?: unknown
  healthCheckGracePeriodSeconds?: number
  schedulingStrategy: string
  propagateTags: string
  enableECSManagedTags: boolean
  enableExecuteCommand: boolean
  createdAt: Date
  events: ServiceEventRec[]
  /** PRIMARY first. */
  deployments: DeploymentRec[]
  serviceDeployments: ServiceDeploymentRec[]
  revisions: ServiceRevisionRec[]
  lastCompletedRevision?: ServiceRevisionRec
  lastCompletedDeploymentId?: string
  tags: Tag[]
  steady: boolean
  /** Messages currently suppressed as duplicates (AWS repeats them only when the cause changes). */
  quietMessages: Set<string>
}

export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED'

export interface ContainerState {
  def: ContainerDef
  image: string
  environment: Record<string, string>
  command?: string[]
  lastStatus: 'PENDING' | 'RUNNING' | 'STOPPED'
  running?: RunningContainer
  imageDigest?: string
  exitCode?: number
  reason?: string
  /**
   * An exit the runtime reported before the task reached RUNNING. The container process only
   * runs from RUNNING on, so the exit is applied `exitAfterMs` after RUNNING instead.
   */
  deferredExit?: ContainerExit
}

export interface RegisteredTarget {
  targetGroupArn: string
  target: Target
  containerPort: number
}

export interface TaskRec {
  arn: string
  id: string
  cluster: ClusterRec
  taskDef: TaskDefRec
  service?: ServiceRec
  deployment?: DeploymentRec
  group: string
  startedBy?: string
  lastStatus: TaskStatus
  desiredStatus: 'RUNNING' | 'STOPPED'
  launchType: string
  createdAt: Date
  pullStartedAt?: Date
  pullStoppedAt?: Date
  connectivityAt?: Date
  startedAt?: Date
  stoppingAt?: Date
  executionStoppedAt?: Date
  stoppedAt?: Date
  stopCode?: string
  stoppedReason?: string
  containers: ContainerState[]
  overrides?: unknown
  tags: Tag[]
  /** Sim time the task entered lastStatus. */
  phaseSinceSim: number
  runningSinceSim?: number
  /** Containers still starting (the runtime's start promise has not settled). */
  starting: number
  registered: RegisteredTarget[]
  everHealthy: boolean
  /** Sim time a one-off task given a command ends by itself (pre-deploy migrations). */
  commandExitAtSim?: number
  /** Whether a command override asks for a self-ending run. */
  runsCommand: boolean
}

import type { EcsDeps } from '../deps.js'
import type { AnalysisThresholds } from '../progressive/analysis.js'
import type { TestTrafficCheck } from '../progressive/follow-types.js'
import type { MetricsReader } from '../progressive/metrics.js'
import type { StrategySettings } from '../progressive/strategy.js'

/** Where the new revision comes from. */
export type TaskDefinitionSource =
  | { kind: 'file'; definition: unknown; path: string }
  | { kind: 'arn'; arn: string }
  | { kind: 'current' }

export interface DeploymentStartedInfo {
  service: string
  deploymentId: string
  taskDefinitionArn: string
  previousTaskDefinitionArn: string
  serviceDeploymentArn?: string
}

/**
 * What to deploy, already validated where it was read (packages/promotion's deploy inputs): the
 * rules of each field are checked once, there, and not again here.
 */
/** An ECS-native traffic-shifting deployment (canary, linear, blue/green) and how it is judged. */
export interface ProgressiveOptions {
  settings: StrategySettings
  thresholds: AnalysisThresholds
  /** At a PAUSE hook: continue once the step's analysis passed, or hand the hook back. */
  pauses: 'continue-on-pass' | 'wait'
  /** How long after a minute ends its CloudWatch metrics are read (default 0). */
  metricsDelayMs?: number
}

export interface DeployOptions {
  cluster: string
  /** 1..10 services of the cluster. */
  services: string[]
  /** A file only with one service. */
  taskDefinition: TaskDefinitionSource
  /** Container name -> image. */
  images: Record<string, string>
  /** Container name -> variable -> value. */
  environment: Record<string, Record<string, string>>
  /** Set on the new revision (version, commit sha, ref, run URL, actor, user tags). */
  tags: Record<string, string>
  desiredCount?: number
  forceNewDeployment: boolean
  /** Turn on the ECS deployment circuit breaker with rollback if it is not. */
  circuitBreaker: boolean
  /** CloudWatch alarms that fail (and roll back) the deployment. */
  alarms: string[]
  wait: boolean
  /** One deadline for the whole deploy: waiting for a deployment in progress, pre-deploy, rollout. */
  timeoutMs: number
  pollIntervalMs: number
  waitForTargetHealth: boolean | 'auto'
  /** On failure or timeout, return to the exact revision live before (when ECS did not already). */
  onFailure: 'rollback' | 'none'
  /** A one-off task run from the new revision before any service is updated (migrations). */
  preDeploy?: { command: string[]; container?: string }
  dryRun: boolean
  /** After the deploy, deregister revisions of the family beyond the newest N. */
  keepRevisions?: number
  /** Set for a strategy other than rolling: ECS shifts traffic, the deploy judges each step. */
  progressive?: ProgressiveOptions
  /**
   * Rolling was asked for explicitly: a service set up for a traffic-shifting strategy is
   * switched to rolling. Without it, such a service is refused (its strategy is not judged).
   */
  switchToRolling?: boolean
}

export interface DeployDeps extends EcsDeps {
  /** Called as soon as a service's deployment exists, so a cancellation step can undo it. */
  onDeploymentStarted?: (info: DeploymentStartedInfo) => void
  /** Target-group metrics, to judge a progressive deployment's steps (needed with one). */
  cloudwatch?: MetricsReader
  /** Blue/green: checks through the test listener before production traffic moves. */
  testTraffic?: TestTrafficCheck
}

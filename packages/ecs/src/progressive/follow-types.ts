import type { Clock, Logger } from '@fargate-promote/common'
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { AnalysisThresholds, AnalysisVerdict } from './analysis.js'
import type { MetricsReader, TrafficFigures } from './metrics.js'
import type { RuleReader } from './weights.js'

export interface FollowProgressiveOptions {
  cluster: string
  service: string
  /** The deployment to follow (UpdateService's `currentServiceDeployment`). */
  serviceDeploymentArn: string
  /** The Application Load Balancer's ARN, for the target groups' metrics. */
  loadBalancer: string
  /**
   * The production listener rule's ARN (or a listener's, for its default rule): its forward
   * weights tell which traffic step the deployment is at. ECS's service deployment carries none.
   */
  productionListenerRule: string
  /** The target group serving production before the deployment (`old`) and the new one. */
  productionTargetGroups: { old: string; new: string }
  thresholds: AnalysisThresholds
  /** Length of one analysis window, whole minutes; default 60 s (one metrics minute). */
  analysisIntervalMs?: number
  /** How often the deployment and the weights are read; default 5 s. */
  pollIntervalMs?: number
  /**
   * At a PAUSE hook: `continue-on-pass` continues once the step's latest analysis passed (at once
   * when no production traffic reaches the new revision yet: there is nothing to judge);
   * `wait` returns `paused` with the hook's id for a later run to continue or abort.
   */
  pauses: 'continue-on-pass' | 'wait'
  /** Epoch ms at which following gives up with `timed-out` (the deployment goes on). */
  deadline: number
  /**
   * Stages whose PAUSE hook this run added only to verify the test traffic: once the
   * verification passed it is continued, whatever `pauses` says.
   */
  verificationStages?: string[]
  /**
   * How long after a minute ends its metrics are read: 0 on the sim, which publishes a minute
   * as it ends; CloudWatch's ALB metrics can arrive later (deploy-fargate's metrics-delay).
   * Default 0.
   */
  metricsDelayMs?: number
  /** A rollback this run already asked for before following (an abort): why. */
  stopping?: string
}

/** The verdict of checks through the test listener (blue/green) before production moves. */
export interface TestTrafficVerdict {
  passed: boolean
  /** What failed (or what was checked), one line each. */
  reasons: string[]
}

/**
 * Verifies the new revision through the test listener while the deployment waits at
 * POST_TEST_TRAFFIC_SHIFT (health checks against the test URL: the caller's).
 */
export type TestTrafficCheck = (signal?: AbortSignal) => Promise<TestTrafficVerdict>

export interface FollowProgressiveDeps {
  ecs: Pick<ECSClient, 'send'>
  cloudwatch: MetricsReader
  elb: RuleReader
  clock: Clock
  log: Logger
  /** Ends the following with `cancelled`; the deployment itself goes on untouched. */
  signal?: AbortSignal
  /** Run at a PAUSE hook of POST_TEST_TRAFFIC_SHIFT: a failure rolls back before production moves. */
  testTraffic?: TestTrafficCheck
}

export interface StepAnalysis {
  verdict: AnalysisVerdict
  reasons: string[]
  candidate: TrafficFigures
  baseline: TrafficFigures
}

/** One production traffic step with traffic on the new revision. */
export interface ProgressiveStep {
  /** The lifecycle stage when the weights moved. */
  stage: string
  /** Percent of production traffic the listener rule sends to the new revision. */
  weightNew: number
  startedAt: number
  /** When the weights were seen to move on (or the following ended). */
  endedAt?: number
  /** The step's latest analysis (a failed one is the last). */
  analysis?: StepAnalysis
}

export interface BlastRadius {
  requestsToNew: number
  requestsTotal: number
  /** requestsToNew / requestsTotal, 0 without requests. */
  share: number
}

export type ProgressiveOutcome =
  'succeeded' | 'rolled-back' | 'paused' | 'failed' | 'timed-out' | 'cancelled'

export interface ProgressiveResult {
  outcome: ProgressiveOutcome
  steps: ProgressiveStep[]
  /** Both target groups' requests over the whole minutes the following spanned. */
  blastRadius: BlastRadius
  reason: string
  /** The PAUSE hook awaiting action, when `paused`. */
  hookId?: string
  /** The lifecycle stage the deployment was paused at, when `paused`. */
  pausedAt?: string
  /** The test-traffic verification, when one ran (blue/green with a test URL). */
  testTraffic?: TestTrafficVerdict & { startedAt: number; endedAt: number }
}

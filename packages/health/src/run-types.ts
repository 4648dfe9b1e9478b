import type { ECSClient } from '@aws-sdk/client-ecs'
import type { Clock, Logger, ProxySettings } from '@fargate-promote/common'
import type { ElbClient } from '@fargate-promote/ecs'
import type { CloudWatchReader, SqsReader } from './aws-clients.js'
import type { LatencyThresholds } from './analysis.js'
import type { LoadOptions } from './load.js'
import type { CommandRunner } from './command-runner.js'
import type { CheckSpec, EnvironmentUnderTest, HealthMode } from './types.js'

/**
 * How to run the checks, already validated where it was read (health-verify's inputs, the
 * staging gate's and the rollback's own settings): it is not checked again here.
 */
export interface RunHealthChecksOptions {
  checks: CheckSpec[]
  mode: HealthMode
  /** verify: give up on a check this long after the start. */
  timeoutMs: number
  /** Each check's rounds start this far apart, on its own schedule. */
  intervalMs: number
  /** verify: passing rounds in a row a check needs. */
  consecutiveSuccesses: number
  /** monitor: how long to keep sampling. */
  durationMs?: number
  /** monitor: a check fails once its failed rounds exceed this (Argo Rollouts semantics). Default 0. */
  failureLimit?: number
  /** HTTP checks send this many requests per round instead of one. */
  load?: LoadOptions
  thresholds?: LatencyThresholds
  /** The deployment under test, for command checks (FARGATE_PROMOTE_URL, _VERSION, _ENVIRONMENT). */
  target?: EnvironmentUnderTest
}

export interface RunHealthChecksDeps {
  clock: Clock
  log: Logger
  ecs?: ECSClient
  elb?: ElbClient
  cloudwatch?: CloudWatchReader
  sqs?: SqsReader
  /** Runs command checks: createCommandRunner, given the front end's environment and workspace. */
  commands?: CommandRunner
  /** The proxies HTTP checks go through (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, read by the front end). */
  proxy?: ProxySettings
  /**
   * Cancellation (the runner's SIGINT): no new round starts, the wait for the next one ends at
   * once, HTTP requests in flight are aborted, commands are ended (AWS calls in flight are let finish), and the
   * run resolves with a `cancelled` report of what was gathered so far. It never throws for it.
   */
  signal?: AbortSignal
}

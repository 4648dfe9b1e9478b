import type { ECSClient } from '@aws-sdk/client-ecs'
import { errorMessage, type Clock, type Logger, type ProxySettings } from '@fargate-promote/common'
import {
  describeRevision,
  resolveRollbackTarget,
  rollbackService,
  shortName,
  tagRolledBack,
  type RevisionView,
  type RollbackResult,
  type RollbackStatus,
  type RollbackTarget,
  type ElbClient
} from '@fargate-promote/ecs'
import {
  requireClients,
  runHealthChecks,
  type CloudWatchReader,
  type CommandRunner,
  type HealthReport,
  type RunHealthChecksOptions,
  type SqsReader
} from '@fargate-promote/health'
import type { GitHubClient } from '../github/client.js'
import type { RollbackInputs } from './inputs.js'
import { RollbackRecorder, type FinishedRollback, type RecordReport } from './records.js'

/** Passing rounds in a row each post-rollback check needs. */
export const CHECK_SUCCESSES = 3

/** A rollback's settings are its inputs, read once (see readRollbackInputs). */
export type RollbackAndRecordOptions = RollbackInputs

export interface RollbackAndRecordDeps {
  ecs: ECSClient
  elb: ElbClient
  clock: Clock
  log: Logger
  /** Cancellation: the watch and the checks stop and report; ECS carries on. */
  signal?: AbortSignal
  /** Needed with `record`. */
  github?: () => Promise<GitHubClient>
  /** Needed by alarm and queue checks. */
  cloudwatch?: CloudWatchReader
  sqs?: SqsReader
  /** Needed by command checks. */
  commands?: CommandRunner
  /** The proxies the checks' HTTP requests go through (see RunHealthChecksDeps). */
  proxy?: ProxySettings
}

/** Everything a caller reports: outputs, summary, annotations. */
export interface RollbackOutcome {
  status: RollbackStatus
  target: RollbackTarget
  result: RollbackResult
  /** The ARN the service was moved to: the target, or its re-registered copy. */
  toTaskDefinitionArn: string
  /** Set when the target was INACTIVE and registered again as `toTaskDefinitionArn`. */
  reinstatedFrom?: string
  /** The version rolled back to (its `version` tag), when known. */
  version?: string
  from?: RevisionView
  to?: RevisionView
  health?: HealthReport
  tagged: boolean
  records: RecordReport
}

/** The GitHub state and description a rollback ends with (exported for its tests). */
export function finalRecord(
  status: RollbackStatus,
  result: RollbackResult,
  health: HealthReport | undefined,
  reason: string
): FinishedRollback {
  const to = shortName(result.toTaskDefinitionArn)
  if (status === 'started') return { state: undefined, description: '' }
  if (status === 'cancelled' && result.method === undefined) {
    return { state: 'error', description: `Cancelled before the rollback was requested: ${reason}` }
  }
  if (status === 'cancelled') {
    return {
      state: 'error',
      description: `Cancelled while ECS was rolling back to ${to}; check the service`
    }
  }
  if (health?.cancelled) {
    return {
      state: 'error',
      description: `Rolled back to ${to}; the checks after it were cancelled`
    }
  }
  const success = (status === 'rolled-back' || status === 'noop') && health?.healthy !== false
  if (success) return { state: 'success', description: `Rolled back to ${to}: ${reason}` }
  if (status === 'rolled-back' || status === 'noop') {
    return {
      state: 'failure',
      description: `Runs ${to}, but the checks failed: ${health?.reason ?? 'see the run'}`
    }
  }
  return {
    state: 'failure',
    description: `Rollback ${status}: ${result.reason ?? 'see the run'}`
  }
}

function checkOptions(options: RollbackAndRecordOptions): RunHealthChecksOptions | undefined {
  if (options.checks.length === 0) return undefined
  return {
    checks: options.checks,
    mode: 'verify',
    timeoutMs: options.checksTimeoutMs,
    intervalMs: options.checksIntervalMs,
    consecutiveSuccesses: CHECK_SUCCESSES,
    ...(options.target !== undefined && { target: options.target })
  }
}

function recorderOf(
  options: RollbackAndRecordOptions,
  deps: RollbackAndRecordDeps
): RollbackRecorder | undefined {
  if (options.githubToken !== undefined && options.environmentName === undefined) {
    deps.log.warning(
      "No GitHub deployment is recorded and GitHub history is not read: 'github-token' was given without 'environment'."
    )
  }
  const { github, log } = deps
  if (options.record === undefined || github === undefined) return undefined
  const { cluster, service, reason, record } = options
  return new RollbackRecorder({ record, cluster, service, reason }, { github, log })
}

/** Moves the service to the target with the one rollout watcher, recording the request. */
async function rollBack(
  options: RollbackAndRecordOptions,
  deps: RollbackAndRecordDeps,
  target: RollbackTarget,
  recorder: RollbackRecorder | undefined
): Promise<{ result: RollbackResult; toView?: Promise<RevisionView | undefined> }> {
  const { ecs, elb, clock, log, signal } = deps
  let toView: Promise<RevisionView | undefined> | undefined
  const result = await rollbackService(
    {
      cluster: options.cluster,
      service: options.service,
      taskDefinitionArn: target.taskDefinitionArn,
      reason: options.reason,
      timeoutMs: options.timeoutMs,
      pollIntervalMs: options.pollIntervalMs,
      waitForTargetHealth: 'auto',
      stopInProgress: options.stopInProgress,
      wait: options.wait,
      // Described while resolving the target, and nothing has changed the service since.
      ...(target.liveService ? { describedService: target.liveService } : {}),
      onRequested: request => {
        // Read while ECS rolls out, not before the write: the record and the summary need it.
        toView = describeRevision(request.toTaskDefinitionArn, { ecs, log })
        recorder?.started({
          fromTaskDefinitionArn: request.fromTaskDefinitionArn,
          toTaskDefinitionArn: request.toTaskDefinitionArn,
          version: toView.then(view => view?.version ?? target.version)
        })
      }
    },
    { ecs, elb, clock, log, ...(signal ? { signal } : {}) }
  )
  return { result, ...(toView !== undefined && { toView }) }
}

/** The checks after an observed rollback; a failure to run them still closes the record. */
async function checkAfter(
  options: RollbackAndRecordOptions,
  deps: RollbackAndRecordDeps,
  result: RollbackResult,
  recorder: RollbackRecorder | undefined
): Promise<HealthReport | undefined> {
  const checks = checkOptions(options)
  if (!checks || (result.status !== 'rolled-back' && result.status !== 'noop')) return undefined
  try {
    return await deps.log.group(`Health checks after the rollback (${checks.checks.length})`, () =>
      runHealthChecks(checks, deps)
    )
  } catch (error) {
    // ECS has been asked already: the GitHub record must not stay in_progress.
    await recorder?.finished({
      state: 'error',
      description: `Rolled back to ${shortName(result.toTaskDefinitionArn)}; the checks could not run: ${errorMessage(error)}`
    })
    throw error
  }
}

/**
 * Roll a service back and account for it: resolve the target (ECS history, tags, GitHub
 * history, a version, a revision or an ARN), move the service there with the one rollout
 * watcher (an INACTIVE target registered again), run the checks, tag the revision with when and
 * why, and record the rollback as a GitHub deployment that supersedes the one it replaced.
 * Nothing is changed before the target is resolved; a bad target is a ConfigurationError.
 */
export async function rollbackAndRecord(
  options: RollbackAndRecordOptions,
  deps: RollbackAndRecordDeps
): Promise<RollbackOutcome> {
  const { ecs, clock, log } = deps
  requireClients(options.checks, deps)
  const recorder = recorderOf(options, deps)
  const target = await resolveRollbackTarget(
    { cluster: options.cluster, service: options.service, to: options.to },
    { ecs, log, ...(recorder ? { history: recorder.targetHistory() } : {}) }
  )
  const { result, toView } = await rollBack(options, deps, target, recorder)
  const { status, toTaskDefinitionArn: toArn } = result
  const health = await checkAfter(options, deps, result, recorder)
  // Only a rollback seen to complete is tagged as one.
  const tagged =
    status === 'rolled-back'
      ? await tagRolledBack(toArn, options.reason, new Date(clock.now()), { ecs, log })
      : false
  const records = recorder
    ? await recorder.finished(finalRecord(status, result, health, options.reason))
    : {}
  const [from, to] = await Promise.all([
    describeRevision(result.fromTaskDefinitionArn, { ecs, log }),
    toView ?? describeRevision(toArn, { ecs, log })
  ])
  const version = to?.version ?? target.version
  return {
    status,
    target,
    result,
    toTaskDefinitionArn: toArn,
    ...(result.reinstatedFrom ? { reinstatedFrom: result.reinstatedFrom } : {}),
    ...(version === undefined ? {} : { version }),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(health ? { health } : {}),
    tagged,
    records
  }
}

import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { ConfigurationError, errorMessage, type Clock, type Logger } from '@fargate-promote/common'
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
  type RollbackTo
} from '@fargate-promote/ecs'
import {
  runHealthChecks,
  validateRunOptions,
  type CheckSpec,
  type HealthReport,
  type RunHealthChecksOptions
} from '@fargate-promote/health'
import type { GitHubClient } from '../github-client.js'
import {
  RollbackRecorder,
  type FinishedRollback,
  type RecordReport,
  type RollbackRecordTarget
} from './records.js'

/** Passing rounds in a row each post-rollback check needs. */
export const CHECK_SUCCESSES = 3

export interface RollbackAndRecordOptions {
  cluster: string
  service: string
  to: RollbackTo
  /** Why: recorded on the GitHub deployment, the revision's tags and the log. */
  reason: string
  /** False: end once ECS accepted the rollback (status `started`); nothing else is claimed. */
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  stopInProgress: boolean
  /** Run after an observed rollback; each must pass CHECK_SUCCESSES rounds in a row. */
  checks: CheckSpec[]
  checksTimeoutMs: number
  checksIntervalMs: number
  /** Where to record the rollback on GitHub; also a source for `to: previous`. */
  record?: RollbackRecordTarget
}

export interface RollbackAndRecordDeps {
  ecs: ECSClient
  elb: ElasticLoadBalancingV2Client
  clock: Clock
  log: Logger
  /** Cancellation: the watch and the checks stop and report; ECS carries on. */
  signal?: AbortSignal
  /** Needed with `record`. */
  github?: () => Promise<GitHubClient>
  /** Needed by alarm and queue checks. */
  cloudwatch?: CloudWatchClient
  sqs?: SQSClient
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
    consecutiveSuccesses: CHECK_SUCCESSES
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
  const { ecs, elb, clock, log, signal } = deps
  // Everything that could refuse the rollback's tail is checked before the first AWS call.
  const checks = checkOptions(options)
  if (checks) {
    if (!options.wait) {
      throw new ConfigurationError(
        'checks: the checks run once the rollback is observed complete, which needs wait: true. Remove the checks or wait.'
      )
    }
    validateRunOptions(checks, deps)
  }
  const github = deps.github
  const recorder =
    options.record && github
      ? new RollbackRecorder(
          {
            record: options.record,
            cluster: options.cluster,
            service: options.service,
            reason: options.reason
          },
          { github, log }
        )
      : undefined

  const target = await resolveRollbackTarget(
    { cluster: options.cluster, service: options.service, to: options.to },
    { ecs, log, ...(recorder ? { history: recorder.targetHistory() } : {}) }
  )
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
  const status = result.status
  const toArn = result.toTaskDefinitionArn

  let health: HealthReport | undefined
  try {
    health =
      checks && (status === 'rolled-back' || status === 'noop')
        ? await log.group(`Health checks after the rollback (${checks.checks.length})`, () =>
            runHealthChecks(checks, deps)
          )
        : undefined
  } catch (error) {
    // ECS has been asked already: the GitHub record must not stay in_progress.
    await recorder?.finished({
      state: 'error',
      description: `Rolled back to ${shortName(toArn)}; the checks could not run: ${errorMessage(error)}`
    })
    throw error
  }
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

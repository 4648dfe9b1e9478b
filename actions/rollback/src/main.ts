import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { systemClock, type Logger } from '@fargate-promote/common'
import {
  reinstateRevision,
  resolveRollbackTarget,
  rollbackService,
  shortName,
  type RollbackResult,
  type RollbackTarget
} from '@fargate-promote/ecs'
import { runHealthChecks, secretValues, type HealthReport } from '@fargate-promote/health'
import {
  actionsLogger,
  Annotations,
  ConfigurationError,
  isConfigurationError,
  maskSecret,
  readRunContext,
  runAction,
  setOutputs,
  type RunContext
} from '@fargate-promote/runner'
import { checkClients } from './clients.js'
import { readRollbackSettings, type RollbackSettings } from './inputs.js'
import { RollbackRecorder, type RecordReport } from './records.js'
import { describeRevision, tagRolledBack, type RevisionView } from './revision.js'
import { writeRollbackSummary } from './summary.js'

const ACTION = 'rollback'
/** Passing rounds in a row each post-rollback check needs. */
export const CHECK_SUCCESSES = 3

/** `started`: wait is false, the rollback was requested and not watched. */
export type RollbackStatus = RollbackResult['status'] | 'started'

/** Everything the outputs, the summary and the annotations are made of. */
export interface RollbackReport {
  settings: RollbackSettings
  status: RollbackStatus
  target: RollbackTarget
  result: RollbackResult
  /** The ARN the service was moved to: the target, or its re-registered copy. */
  toTaskDefinitionArn: string
  /** Set when the target was INACTIVE and registered again as `toTaskDefinitionArn`. */
  reinstatedFrom?: string
  from?: RevisionView
  to?: RevisionView
  health?: HealthReport
  tagged: boolean
  records: RecordReport
  durationMs: number
}

/**
 * Library messages name their option (`rollback-to:`, `services:`); the user wrote an input.
 * Same error, worded for the input.
 */
const OPTION_TO_INPUT: [RegExp, string][] = [
  [/^rollback-to:/, "Input 'to':"],
  [/^services?:/, "Input 'service':"],
  [/^cluster:/, "Input 'cluster':"]
]

function asInputError(error: unknown): unknown {
  if (!isConfigurationError(error)) return error
  const rule = OPTION_TO_INPUT.find(([pattern]) => pattern.test(error.message))
  return rule ? new ConfigurationError(error.message.replace(rule[0], rule[1])) : error
}

/** The libraries give a reason with every failure; the fallback only guards the type. */
function explain(reason: string | undefined): string {
  return reason ?? 'see the job summary'
}

function healthyOutput(health: HealthReport | undefined): string {
  return health === undefined ? '' : String(health.healthy)
}

function outputsOf(report: RollbackReport) {
  return {
    status: report.status,
    'task-definition-arn': report.toTaskDefinitionArn,
    'from-task-definition-arn': report.result.fromTaskDefinitionArn,
    version: report.target.version ?? '',
    'duration-seconds': Math.round(report.durationMs / 1000),
    healthy: healthyOutput(report.health),
    'github-deployment-id': report.records.deploymentId
  }
}

/**
 * With wait: false the library still watches; abort that watch as soon as ECS accepted the
 * rollback request (UpdateService or StopServiceDeployment answered).
 */
function stopWatchingAfterRequest(ecs: ECSClient, controller: AbortController): void {
  ecs.middlewareStack.add(
    (next, context) => async args => {
      const answer = await next(args)
      if (
        ['UpdateServiceCommand', 'StopServiceDeploymentCommand'].includes(
          String(context.commandName)
        )
      ) {
        controller.abort()
      }
      return answer
    },
    { step: 'initialize', name: 'rollbackStopWatching' }
  )
}

function statusOf(result: RollbackResult, settings: RollbackSettings): RollbackStatus {
  const unwatched =
    !settings.wait &&
    result.status === 'failed' &&
    result.deploymentId !== undefined &&
    result.rollout?.reason === 'cancelled'
  return unwatched ? 'started' : result.status
}

async function runChecks(
  settings: RollbackSettings,
  deps: { ecs: ECSClient; elb: ElasticLoadBalancingV2Client; log: Logger }
): Promise<HealthReport> {
  const clients = await checkClients(settings.checks)
  try {
    return await deps.log.group(
      `Health checks after the rollback (${settings.checks.length})`,
      () =>
        runHealthChecks(
          {
            checks: settings.checks,
            mode: 'verify',
            timeoutMs: settings.checksTimeoutMs,
            intervalMs: settings.checksIntervalMs,
            consecutiveSuccesses: CHECK_SUCCESSES
          },
          { clock: systemClock, ...deps, ...clients }
        )
    )
  } finally {
    clients.cloudwatch?.destroy()
    clients.sqs?.destroy()
  }
}

function annotate(report: RollbackReport): void {
  const { settings, result } = report
  const annotations = new Annotations()
  const title = `Rollback of ${settings.service}`
  const to = `${shortName(report.toTaskDefinitionArn)}${report.target.version ? ` (${report.target.version})` : ''}`
  if (report.status === 'rolled-back' || report.status === 'started') {
    annotations.warning(
      `${settings.service} was ${report.status === 'started' ? 'being ' : ''}rolled back from ${shortName(result.fromTaskDefinitionArn)} to ${to}: ${settings.reason}`,
      { title }
    )
  }
  if (result.status === 'failed' && report.status !== 'started') {
    annotations.error(
      `Rollback of ${settings.service} to ${to} failed: ${explain(result.reason)}`,
      {
        title
      }
    )
  }
  if (report.health && !report.health.healthy) {
    annotations.error(
      `${settings.service} runs ${to} but the checks failed: ${explain(report.health.reason)}`,
      { title: `Checks after the rollback of ${settings.service}` }
    )
  }
  annotations.flush()
}

async function rollback(
  settings: RollbackSettings,
  context: RunContext,
  startedAt: number
): Promise<RollbackReport> {
  const ecs = new ECSClient({})
  const elb = new ElasticLoadBalancingV2Client({})
  try {
    return await rollbackWith(settings, context, startedAt, { ecs, elb, log: actionsLogger })
  } finally {
    ecs.destroy()
    elb.destroy()
  }
}

async function rollbackWith(
  settings: RollbackSettings,
  context: RunContext,
  startedAt: number,
  deps: { ecs: ECSClient; elb: ElasticLoadBalancingV2Client; log: Logger }
): Promise<RollbackReport> {
  const { ecs, elb, log } = deps
  const recorder = new RollbackRecorder(settings, context, log)

  const target = await resolveRollbackTarget(
    { cluster: settings.cluster, service: settings.service, to: settings.to },
    { ecs, history: recorder.targetHistory(), log }
  ).catch((error: unknown) => {
    throw asInputError(error)
  })
  let toArn = target.taskDefinitionArn
  let reinstatedFrom: string | undefined
  if (target.status === 'INACTIVE' && !target.isLive) {
    toArn = await reinstateRevision(target.taskDefinitionArn, { ecs, log })
    reinstatedFrom = target.taskDefinitionArn
  }
  if (!target.isLive) {
    recorder.started({
      fromTaskDefinitionArn: target.liveTaskDefinitionArn,
      toTaskDefinitionArn: toArn,
      version: target.version
    })
  }

  const controller = new AbortController()
  if (!settings.wait) stopWatchingAfterRequest(ecs, controller)
  const result = await rollbackService(
    {
      cluster: settings.cluster,
      service: settings.service,
      taskDefinitionArn: toArn,
      reason: settings.reason,
      timeoutMs: settings.timeoutMs,
      pollIntervalMs: settings.pollIntervalMs,
      waitForTargetHealth: 'auto',
      stopInProgress: settings.stopInProgress,
      // Described while resolving the target, and nothing has changed the service since.
      describedService: target.liveService
    },
    { ecs, elb, clock: systemClock, log, signal: controller.signal }
  )
  const status = statusOf(result, settings)

  const health =
    settings.checks.length > 0 && status !== 'failed'
      ? await runChecks(settings, { ecs, elb, log })
      : undefined
  // Only a rollback that was seen to complete is recorded and tagged as one; with wait: false
  // the GitHub deployment stays in_progress and the revision untagged.
  const tagged =
    status === 'rolled-back'
      ? await tagRolledBack(toArn, settings.reason, new Date(), { ecs, log })
      : false
  const success = (status === 'rolled-back' || status === 'noop') && health?.healthy !== false
  const records = await recorder.finished({
    success,
    observed: status !== 'started',
    description: success
      ? `Rolled back to ${shortName(toArn)}: ${settings.reason}`
      : `Rollback ${status}: ${explain(result.reason ?? health?.reason)}`
  })
  const [from, to] = await Promise.all([
    describeRevision(result.fromTaskDefinitionArn, { ecs, log }),
    describeRevision(toArn, { ecs, log })
  ])
  return {
    settings,
    status,
    target,
    result,
    toTaskDefinitionArn: toArn,
    reinstatedFrom,
    from,
    to,
    health,
    tagged,
    records,
    durationMs: Date.now() - startedAt
  }
}

export async function run(): Promise<void> {
  const startedAt = Date.now()
  let reported = false
  await runAction(ACTION, async () => {
    try {
      const context = readRunContext()
      const settings = readRollbackSettings(context)
      if (settings.githubToken) maskSecret(settings.githubToken)
      for (const value of secretValues(settings.checks)) maskSecret(value)

      const report = await rollback(settings, context, startedAt)
      setOutputs(outputsOf(report))
      reported = true
      await writeRollbackSummary(report)
      annotate(report)

      if (report.status === 'failed') {
        throw new Error(`${settings.service} was not rolled back: ${explain(report.result.reason)}`)
      }
      if (report.health && !report.health.healthy) {
        throw new Error(
          `${settings.service} was rolled back to ${shortName(report.toTaskDefinitionArn)}, but the checks failed: ${explain(report.health.reason)}`
        )
      }
    } finally {
      // Bad input or an error before a verdict: say that nothing is known to be rolled back.
      if (!reported) {
        setOutputs({
          status: 'failed',
          healthy: '',
          'duration-seconds': Math.round((Date.now() - startedAt) / 1000)
        })
      }
    }
  })
}

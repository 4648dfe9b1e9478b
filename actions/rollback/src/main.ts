import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { systemClock, AWS_CLIENT_CONFIG } from '@fargate-promote/common'
import { shortName } from '@fargate-promote/ecs'
import { secretValues, type HealthReport } from '@fargate-promote/health'
import {
  parseRepository,
  rollbackAndRecord,
  type RollbackAndRecordOptions,
  type RollbackOutcome
} from '@fargate-promote/promotion'
import {
  actionsLogger,
  Annotations,
  ConfigurationError,
  githubClient,
  isConfigurationError,
  maskSecret,
  readRunContext,
  runAction,
  setOutputs,
  watchCancellation,
  type RunContext
} from '@fargate-promote/runner'
import { checkClients } from './clients.js'
import { readRollbackSettings, type RollbackSettings } from './inputs.js'
import { writeRollbackSummary } from './summary.js'

const ACTION = 'rollback'

/** Everything the outputs, the summary and the annotations are made of. */
export interface RollbackReport extends RollbackOutcome {
  settings: RollbackSettings
  durationMs: number
}

/**
 * Library messages name their option (`to:`, `services:`); the user wrote an input.
 * Same error, worded for the input.
 */
const OPTION_TO_INPUT: [RegExp, string][] = [
  [/^to:/, "Input 'to':"],
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
    version: report.version ?? '',
    'duration-seconds': Math.round(report.durationMs / 1000),
    healthy: healthyOutput(report.health),
    'github-deployment-id': report.records.deploymentId
  }
}

function annotate(report: RollbackReport): void {
  const { settings, result } = report
  const annotations = new Annotations()
  const title = `Rollback of ${settings.service}`
  const to = `${shortName(report.toTaskDefinitionArn)}${report.version ? ` (${report.version})` : ''}`
  const from = shortName(result.fromTaskDefinitionArn)
  switch (report.status) {
    case 'rolled-back':
      annotations.warning(
        `${settings.service} was rolled back from ${from} to ${to}: ${settings.reason}`,
        { title }
      )
      break
    case 'started':
      annotations.warning(
        `${settings.service} is being rolled back from ${from} to ${to} (not watched): ${settings.reason}`,
        { title }
      )
      break
    case 'cancelled':
      annotations.error(
        result.method === undefined
          ? `The run was cancelled before the rollback of ${settings.service} was requested; it still runs ${from}.`
          : `The run was cancelled while ${settings.service} was rolling back from ${from} to ${to}; ECS carries on. Check the service.`,
        { title }
      )
      break
    case 'failed':
      annotations.error(
        `Rollback of ${settings.service} to ${to} failed: ${explain(result.reason)}`,
        {
          title
        }
      )
      break
    case 'noop':
      break
  }
  if (report.health && !report.health.healthy) {
    annotations.error(
      `${settings.service} runs ${to} but the checks ${report.health.cancelled ? 'were cancelled' : 'failed'}: ${explain(report.health.reason)}`,
      { title: `Checks after the rollback of ${settings.service}` }
    )
  }
  annotations.flush()
}

/** Where the rollback is recorded on GitHub: needs a token, an environment and a repository. */
function recordTarget(
  settings: RollbackSettings,
  context: RunContext
): RollbackAndRecordOptions['record'] {
  const repository = parseRepository(context.repository)
  if (settings.githubToken && !settings.environmentName) {
    actionsLogger.warning(
      "No GitHub deployment is recorded and GitHub history is not read: 'github-token' was given without 'environment'."
    )
  }
  if (!settings.githubToken || !settings.environmentName || !repository) return undefined
  return {
    ...repository,
    environment: settings.environmentName,
    ref: context.sha ?? context.ref ?? 'HEAD',
    ...(context.runUrl ? { logUrl: context.runUrl } : {})
  }
}

async function rollback(
  settings: RollbackSettings,
  context: RunContext,
  signal: AbortSignal
): Promise<RollbackOutcome> {
  const ecs = new ECSClient(AWS_CLIENT_CONFIG)
  const elb = new ElasticLoadBalancingV2Client(AWS_CLIENT_CONFIG)
  const checks = await checkClients(settings.checks)
  const token = settings.githubToken
  try {
    return await rollbackAndRecord(
      {
        cluster: settings.cluster,
        service: settings.service,
        to: settings.to,
        reason: settings.reason,
        wait: settings.wait,
        timeoutMs: settings.timeoutMs,
        pollIntervalMs: settings.pollIntervalMs,
        stopInProgress: settings.stopInProgress,
        checks: settings.checks,
        checksTimeoutMs: settings.checksTimeoutMs,
        checksIntervalMs: settings.checksIntervalMs,
        record: recordTarget(settings, context)
      },
      {
        ecs,
        elb,
        clock: systemClock,
        log: actionsLogger,
        signal,
        ...checks,
        ...(token ? { github: () => githubClient(token) } : {})
      }
    ).catch((error: unknown) => {
      throw asInputError(error)
    })
  } finally {
    ecs.destroy()
    elb.destroy()
    checks.cloudwatch?.destroy()
    checks.sqs?.destroy()
  }
}

export async function run(): Promise<void> {
  const startedAt = Date.now()
  let reported = false
  const cancellation = watchCancellation()
  await runAction(ACTION, async () => {
    try {
      const context = readRunContext()
      const settings = readRollbackSettings(context)
      if (settings.githubToken) maskSecret(settings.githubToken)
      for (const value of secretValues(settings.checks)) maskSecret(value)

      const outcome = await rollback(settings, context, cancellation.signal)
      const report: RollbackReport = { ...outcome, settings, durationMs: Date.now() - startedAt }
      setOutputs(outputsOf(report))
      reported = true
      await writeRollbackSummary(report)
      annotate(report)

      if (report.status === 'cancelled' && report.result.method === undefined) {
        throw new Error(
          `cancelled before the rollback was requested; ${settings.service} was not changed.`
        )
      }
      if (report.status === 'cancelled') {
        throw new Error(
          `cancelled while ${settings.service} was rolling back to ${shortName(report.toTaskDefinitionArn)}; ECS carries on with it. Check the service before acting again.`
        )
      }
      if (report.status === 'failed') {
        throw new Error(`${settings.service} was not rolled back: ${explain(report.result.reason)}`)
      }
      if (report.health && !report.health.healthy) {
        throw new Error(
          `${settings.service} was rolled back to ${shortName(report.toTaskDefinitionArn)}, but the checks ${report.health.cancelled ? 'were cancelled' : 'failed'}: ${explain(report.health.reason)}`
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
  cancellation.dispose()
}

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { SQSClient } from '@aws-sdk/client-sqs'
import { formatDuration, systemClock, AWS_CLIENT_CONFIG } from '@fargate-promote/common'
import {
  checkTarget,
  clientsNeeded,
  reportToJson,
  runHealthChecks,
  secretValues,
  type CheckSpec,
  type HealthReport,
  type RunHealthChecksDeps
} from '@fargate-promote/health'
import {
  actionsLogger,
  Annotations,
  maskSecret,
  readRunContext,
  runAction,
  setOutputs,
  watchCancellation
} from '@fargate-promote/runner'
import { readHealthSettings, type HealthSettings } from './inputs.js'
import { reasonOf, writeHealthSummary } from './summary.js'

const ACTION = 'health-verify'

type AwsClients = Pick<RunHealthChecksDeps, 'ecs' | 'elb' | 'cloudwatch' | 'sqs'>

/** Header values and URL passwords, registered with the runner before anything is logged. */
function maskSecrets(checks: CheckSpec[]): void {
  for (const value of secretValues(checks)) maskSecret(value)
}

/**
 * Only the clients the checks need; the region and endpoint come from the environment
 * (AWS_REGION, AWS_ENDPOINT_URL), as every AWS SDK reads them.
 */
function createClients(checks: CheckSpec[]): AwsClients {
  const needed = clientsNeeded(checks)
  const clients: AwsClients = {}
  if (needed.ecs) clients.ecs = new ECSClient(AWS_CLIENT_CONFIG)
  if (needed.elb) clients.elb = new ElasticLoadBalancingV2Client(AWS_CLIENT_CONFIG)
  if (needed.cloudwatch) clients.cloudwatch = new CloudWatchClient(AWS_CLIENT_CONFIG)
  if (needed.sqs) clients.sqs = new SQSClient(AWS_CLIENT_CONFIG)
  return clients
}

function destroyClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy()
}

/** Under RUNNER_TEMP (emptied after every job) when the runner gives one. */
function writeReport(report: HealthReport): string {
  const base = process.env['RUNNER_TEMP'] || tmpdir()
  const path = join(mkdtempSync(join(base, `${ACTION}-`)), 'report.json')
  writeFileSync(path, reportToJson(report))
  return path
}

function round(value: number | undefined, digits: number): number | undefined {
  if (value === undefined) return undefined
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

function outputsOf(report: HealthReport, reportPath: string) {
  const latency = report.latency
  return {
    healthy: report.healthy,
    'failed-checks': report.failedChecks,
    report: reportPath,
    'p50-ms': round(latency?.p50Ms, 1),
    'p95-ms': round(latency?.p95Ms, 1),
    'p99-ms': round(latency?.p99Ms, 1),
    'error-rate': round(latency?.errorRate, 4)
  }
}

function announce(settings: HealthSettings): void {
  const { checks, mode } = settings
  const span =
    mode === 'verify'
      ? `until each passes ${settings.consecutiveSuccesses} rounds in a row, at most ${formatDuration(settings.timeoutMs)}`
      : `for ${formatDuration(settings.durationMs)}, failure limit ${settings.failureLimit}`
  actionsLogger.info(
    `${mode}: ${checks.length} checks from ${settings.source}, every ${formatDuration(settings.intervalMs)}, ${span}`
  )
  for (const check of checks)
    actionsLogger.info(`  ${check.name} (${check.type}) ${checkTarget(check)}`)
}

function annotate(report: HealthReport, settings: HealthSettings): void {
  const annotations = new Annotations()
  if (report.cancelled) {
    annotations.error(`${ACTION} was ${reasonOf(report)}`, { title: 'Cancelled' })
  }
  // Checks the cancellation cut short did not fail: the Cancelled annotation covers them.
  for (const check of report.checks.filter(c => !c.ok && !c.cancelled)) {
    const message = `${check.type} ${check.target}: ${check.failures} of ${check.attempts} rounds failed; last: ${check.lastDetail}`
    const title = `Health check ${check.name} failed`
    if (settings.failOnUnhealthy) annotations.error(message, { title })
    else annotations.warning(message, { title })
  }
  if (!report.healthy && !report.cancelled && !settings.failOnUnhealthy) {
    annotations.warning(
      `UNHEALTHY, but fail-on-unhealthy is false so the step succeeds: ${reasonOf(report)}`,
      { title: 'Service unhealthy' }
    )
  }
  annotations.flush()
}

function verdictLine(report: HealthReport, reportPath: string): string {
  if (report.cancelled) return `CANCELLED: ${reasonOf(report)}. Report: ${reportPath}`
  return report.healthy
    ? `HEALTHY: all ${report.checks.length} checks passed. Report: ${reportPath}`
    : `UNHEALTHY: ${reasonOf(report)}. Report: ${reportPath}`
}

/** Runs the checks and reports them: outputs, report file, summary, annotations. */
async function verifyAndReport(settings: HealthSettings, signal: AbortSignal): Promise<void> {
  const clients = createClients(settings.checks)
  let report: HealthReport
  try {
    const options: Parameters<typeof runHealthChecks>[0] = {
      checks: settings.checks,
      mode: settings.mode,
      // In monitor mode the duration bounds the run; the library still wants a timeout.
      timeoutMs: settings.mode === 'verify' ? settings.timeoutMs : settings.durationMs,
      durationMs: settings.durationMs,
      intervalMs: settings.intervalMs,
      consecutiveSuccesses: settings.consecutiveSuccesses,
      failureLimit: settings.failureLimit,
      thresholds: settings.thresholds
    }
    if (settings.load !== undefined) options.load = settings.load
    report = await runHealthChecks(options, {
      clock: systemClock,
      log: actionsLogger,
      signal,
      ...clients
    })
  } finally {
    destroyClients(clients)
  }

  const reportPath = writeReport(report)
  setOutputs(outputsOf(report, reportPath))
  actionsLogger.info(verdictLine(report, reportPath))
  await writeHealthSummary({ report, settings, reportPath })
  annotate(report, settings)
  // A run cut short proves nothing: it fails the step whatever fail-on-unhealthy says.
  if (report.cancelled) {
    throw new Error('cancelled before every check reached a verdict; see the job summary')
  }
  if (!report.healthy && settings.failOnUnhealthy) {
    throw new Error(`UNHEALTHY: ${reasonOf(report)}`)
  }
}

export async function run(): Promise<void> {
  await runAction(ACTION, async () => {
    const context = readRunContext()
    const settings = readHealthSettings(context)
    maskSecrets(settings.checks)
    announce(settings)
    // The runner cancels a step (or times it out) with SIGINT, then SIGTERM 7.5 s later: either
    // ends the checks at once, and what was seen so far is still reported, well within that.
    const cancellation = watchCancellation()
    try {
      await verifyAndReport(settings, cancellation.signal)
    } finally {
      cancellation.dispose()
    }
  })
}

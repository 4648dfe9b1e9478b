import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { SQSClient } from '@aws-sdk/client-sqs'
import { ConfigurationError, systemClock, AWS_CLIENT_CONFIG } from '@fargate-promote/common'
import { describeServices } from '@fargate-promote/ecs'
import { secretValues } from '@fargate-promote/health'
import {
  evaluateGate,
  validateGateOptions,
  verdictToJson,
  type GateDeps,
  type GateOptions,
  type GateVerdict
} from '@fargate-promote/promotion'
import {
  actionsLogger,
  Annotations,
  maskSecret,
  readRunContext,
  runAction,
  watchCancellation,
  setOutputs,
  githubClient,
  type OutputValue
} from '@fargate-promote/runner'
import { recordCheckRun, type CheckRunRecord } from './github.js'
import { readGateSettings, type GateSettings } from './inputs.js'
import { writeGateSummary } from './summary.js'

const ACTION = 'staging-gate'

function gateOptions(settings: GateSettings): GateOptions {
  const alarms: GateOptions['alarms'] = {}
  if (settings.alarms.length > 0) alarms.names = settings.alarms
  if (settings.alarmPrefix !== undefined) alarms.prefix = settings.alarmPrefix
  const options: GateOptions = {
    cluster: settings.cluster,
    services: settings.services,
    candidate: settings.candidate,
    minSoakMs: settings.minSoakMs,
    checks: settings.checks,
    alarms,
    checksTimeoutMs: settings.checksTimeoutMs,
    requireGitHubDeployment: settings.requireGitHubDeployment,
    environment: settings.environment,
    emergency: settings.emergency
  }
  if (settings.repository !== undefined) options.repository = settings.repository
  return options
}

/** Unknown staging services and clusters are bad input: found with one describe, before any check. */
async function requireServices(ecs: ECSClient, settings: GateSettings): Promise<void> {
  let described: Awaited<ReturnType<typeof describeServices>>
  try {
    described = await describeServices({ ecs }, settings.cluster, settings.services)
  } catch (error) {
    if ((error as { name?: unknown }).name === 'ClusterNotFoundException') {
      throw new ConfigurationError(
        `Input 'cluster': '${settings.cluster}' is not an ECS cluster in this account and region. Check the name and the AWS region.`
      )
    }
    throw error
  }
  // A DRAINING service is being deleted: it is no staging to gate on either.
  const inactive = described.services
    .filter(service => service.status !== 'ACTIVE')
    .map(service => `${service.serviceName} (${service.status})`)
  const unknown = [...described.missing, ...inactive]
  if (unknown.length > 0) {
    const input = settings.services.length === 1 ? 'service' : 'services'
    throw new ConfigurationError(
      `Input '${input}': ${unknown.map(name => `'${name}'`).join(', ')} ${unknown.length === 1 ? 'is not an active service' : 'are not active services'} of cluster '${settings.cluster}'. Name the staging service(s) the deploy workflow updates.`
    )
  }
}

/** The JSON verdict, where later steps (the production deploy) can read it. */
function writeReport(verdict: GateVerdict, runId: string | undefined): string {
  const dir = process.env.RUNNER_TEMP || tmpdir()
  const path = join(dir, `staging-gate-${runId ?? 'local'}-${Date.now()}.json`)
  writeFileSync(path, verdictToJson(verdict))
  return path
}

/** One container: its digest reference; several: a JSON object (container, or service/container). */
function imageOutput(images: Record<string, string>): OutputValue {
  const values = Object.values(images)
  if (values.length === 0) return undefined
  return values.length === 1 ? values[0] : images
}

function outputsOf(
  verdict: GateVerdict,
  reportPath: string,
  checkRun: CheckRunRecord | undefined
): Record<string, OutputValue> {
  return {
    approved: verdict.approved,
    image: imageOutput(verdict.images),
    images: verdict.images,
    'task-definition-arn': verdict.taskDefinitionArn,
    version: verdict.version,
    sha: verdict.sha,
    'soaked-for': Math.floor(verdict.soakedForMs / 1000),
    'remaining-soak': Math.ceil(verdict.remainingSoakMs / 1000),
    emergency: verdict.mode === 'emergency',
    'emergency-reason': verdict.mode === 'emergency' ? (verdict.emergency?.reason ?? '') : '',
    report: reportPath,
    'check-run-id': checkRun?.id
  }
}

function annotate(verdict: GateVerdict, checkRun: CheckRunRecord | undefined): void {
  const annotations = new Annotations()
  if (verdict.mode === 'emergency') {
    for (const check of verdict.checks.filter(c => !c.ok)) {
      annotations.warning(`${check.name}: ${check.detail}`, {
        title: `Bypassed check: ${check.name}`
      })
    }
  }
  if (checkRun?.problem !== undefined) {
    annotations.warning(`No staging-gate check run was written: ${checkRun.problem}`, {
      title: 'Check run not written'
    })
  }
  annotations.flush()
}

function blockedMessage(verdict: GateVerdict): string {
  const blocking = verdict.checks.filter(check => check.blocking)
  return `blocked by ${blocking.map(check => `${check.name} (${check.detail})`).join('; ')}`
}

export async function run(): Promise<void> {
  // The runner cancels with SIGINT, then SIGTERM 7.5 s later: the checks stop at once and the
  // gate still reports (and records on the commit) that nothing was approved.
  const cancellation = watchCancellation()
  await runAction(ACTION, async () => {
    const context = readRunContext()
    const settings = readGateSettings(context)
    if (settings.githubToken !== undefined) maskSecret(settings.githubToken)
    for (const secret of secretValues(settings.checks)) maskSecret(secret)
    const log = actionsLogger
    log.info(`Candidate: ${settings.candidateSource}.`)

    const ecs = new ECSClient(AWS_CLIENT_CONFIG)
    const deps: GateDeps = {
      ecs,
      elb: new ElasticLoadBalancingV2Client(AWS_CLIENT_CONFIG),
      cloudwatch: new CloudWatchClient(AWS_CLIENT_CONFIG),
      sqs: new SQSClient(AWS_CLIENT_CONFIG),
      clock: systemClock,
      log,
      signal: cancellation.signal
    }
    if (settings.githubToken !== undefined) deps.github = await githubClient(settings.githubToken)
    const options = gateOptions(settings)
    validateGateOptions(options, deps)
    await requireServices(ecs, settings)

    const verdict = await evaluateGate(options, deps)
    const reportPath = writeReport(verdict, context.runId)

    let checkRun: CheckRunRecord | undefined
    if (deps.github !== undefined && settings.repository !== undefined) {
      checkRun = await recordCheckRun(
        verdict,
        {
          github: deps.github,
          repository: settings.repository,
          context,
          workflowRef: process.env.GITHUB_WORKFLOW_REF
        },
        log
      )
    } else if (deps.github !== undefined) {
      checkRun = { problem: `GITHUB_REPOSITORY ('${context.repository ?? ''}') is not owner/repo` }
    }
    // A bypass that could not be recorded is no approval: a later step must not read one.
    const unaudited = verdict.mode === 'emergency' && checkRun?.problem !== undefined
    const outputs = outputsOf(verdict, reportPath, checkRun)
    setOutputs(unaudited ? { ...outputs, approved: 'false' } : outputs)
    await writeGateSummary({ verdict, settings, reportPath, checkRun })
    annotate(verdict, checkRun)

    // A token is required under emergency, so checkRun is set: written, or with its problem.
    if (unaudited) {
      throw new Error(
        `the emergency bypass could not be recorded on the commit: ${checkRun?.problem ?? 'unknown'}. A bypass must leave an audit trail; give a token with checks: write.`
      )
    }
    if (verdict.cancelled === true) {
      throw new Error(
        'cancelled before every check had a verdict; nothing is approved. Re-run the gate.'
      )
    }
    if (!verdict.approved) throw new Error(blockedMessage(verdict))
  })
  cancellation.dispose()
}

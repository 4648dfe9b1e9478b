import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { errorMessage, systemClock, AWS_CLIENT_CONFIG } from '@fargate-promote/common'
import { deploy, type DeployResult } from '@fargate-promote/ecs'
import {
  actionsLogger,
  Annotations,
  isSecretName,
  maskSecret,
  readRunContext,
  runAction,
  saveState,
  setOutputs,
  watchCancellation
} from '@fargate-promote/runner'
import { readDeploySettings, type DeploySettings } from './inputs.js'
import { GitHubRecorder } from './records.js'
import { StateKey, type StartedDeployment } from './state.js'
import { writeDeploySummary } from './summary.js'

const ACTION = 'deploy-fargate'

function maskSecrets(settings: DeploySettings): void {
  if (settings.githubToken) maskSecret(settings.githubToken)
  for (const variables of Object.values(settings.environment)) {
    for (const [name, value] of Object.entries(variables)) {
      if (isSecretName(name)) maskSecret(value)
    }
  }
}

function outputsOf(result: DeployResult, startedAt: number, githubDeploymentId?: number) {
  const first = result.services[0]
  return {
    status: result.status,
    'task-definition-arn': first?.taskDefinitionArn,
    'previous-task-definition-arn': first?.previousTaskDefinitionArn,
    'deployment-id': first?.deploymentId,
    'service-deployment-arn': first?.serviceDeploymentArn,
    images: first?.images ?? {},
    services: result.services.map(service => ({
      service: service.service,
      status: service.status,
      taskDefinitionArn: service.taskDefinitionArn,
      previousTaskDefinitionArn: service.previousTaskDefinitionArn,
      deploymentId: service.deploymentId,
      failureReason: service.failureReason,
      rollback: service.rollback?.status
    })),
    'failure-reason': result.failureReason ?? '',
    'duration-seconds': Math.round((Date.now() - startedAt) / 1000),
    'github-deployment-id': githubDeploymentId
  }
}

export async function run(): Promise<void> {
  const startedAt = Date.now()
  await runAction(ACTION, async () => {
    saveState(StateKey.IsPost, 'true')
    const context = readRunContext()
    const settings = readDeploySettings(context)
    maskSecrets(settings)

    const ecs = new ECSClient(AWS_CLIENT_CONFIG)
    const elb = new ElasticLoadBalancingV2Client(AWS_CLIENT_CONFIG)
    const log = actionsLogger
    const recorder = new GitHubRecorder(settings, context, log)
    const started: StartedDeployment[] = []
    const cancellation = watchCancellation()
    const signal = cancellation.signal

    const result = await deployOrReport(
      {
        cluster: settings.cluster,
        services: settings.services,
        taskDefinition: settings.taskDefinition,
        images: settings.images,
        environment: settings.environment,
        tags: releaseTags(settings, context),
        desiredCount: settings.desiredCount,
        forceNewDeployment: settings.forceNewDeployment,
        circuitBreaker: settings.circuitBreaker,
        alarms: settings.alarms,
        wait: settings.wait,
        timeoutMs: settings.timeoutMs,
        pollIntervalMs: settings.pollIntervalMs,
        waitForTargetHealth: settings.waitForTargetHealth,
        onFailure: settings.onFailure,
        preDeploy: settings.preDeploy,
        dryRun: settings.dryRun,
        keepRevisions: settings.keepRevisions,
        onDeploymentStarted: info => {
          started.push(info)
          saveState(StateKey.Phase, 'deploying')
          saveState(StateKey.Cluster, settings.cluster)
          saveState(StateKey.Deployments, JSON.stringify(started))
          saveState(StateKey.PollIntervalMs, String(settings.pollIntervalMs))
          saveState(StateKey.OnFailure, settings.onFailure)
          recorder.started(info)
        }
      },
      { ecs, elb, clock: systemClock, log, signal }
    ).finally(() => cancellation.dispose())
    const cancelled = signal.aborted
    if (!cancelled) saveState(StateKey.Phase, 'finished')

    const githubDeploymentId = await recorder.finished(result)
    setOutputs(outputsOf(result, startedAt, githubDeploymentId))

    const region = await ecs.config.region()
    await writeDeploySummary({ result, settings, region, cancelled })
    const annotations = new Annotations()
    for (const service of result.services) {
      if (service.failureReason) {
        annotations.error(service.failureReason, {
          title: `Deployment of ${service.service} ${service.status}`
        })
      }
      if (service.rollback && service.rollback.status !== 'noop') {
        annotations.warning(
          `${service.service} was rolled back to ${service.previousTaskDefinitionArn}: ${service.rollback.status}${service.rollback.reason ? ` (${service.rollback.reason})` : ''}.`,
          { title: `Rollback of ${service.service}` }
        )
      } else if (service.status === 'rolled-back') {
        annotations.warning(
          `ECS rolled ${service.service} back: ${service.failureReason ?? 'see the summary'}.`,
          {
            title: `Rollback of ${service.service}`
          }
        )
      }
    }
    annotations.flush()

    if (cancelled)
      throw new Error(
        'the run was cancelled while the deployment was in progress; the post step rolls it back.'
      )
    if (!['succeeded', 'dry-run', 'started'].includes(result.status)) {
      throw new Error(`${result.status}: ${result.failureReason ?? 'see the job summary'}`)
    }
  })
}

/**
 * Outputs are set on every failure, so an `if: failure()` step knows what happened even when
 * the deploy stopped before it had a result (bad input found by AWS, an AWS error).
 */
async function deployOrReport(...args: Parameters<typeof deploy>): Promise<DeployResult> {
  try {
    return await deploy(...args)
  } catch (error) {
    setOutputs({ status: 'failed', 'failure-reason': errorMessage(error) })
    throw error
  }
}

/** Tags every revision carries so a release can be traced and rolled back by version. */
function releaseTags(
  settings: DeploySettings,
  context: ReturnType<typeof readRunContext>
): Record<string, string> {
  const tags: Record<string, string> = { version: settings.version }
  if (context.sha) tags.commit = context.sha
  if (context.ref) tags.ref = context.ref
  if (context.runUrl) tags['run-url'] = context.runUrl
  if (context.actor) tags.actor = context.actor
  return { ...tags, ...settings.tags }
}

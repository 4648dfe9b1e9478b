import { ConfigurationError, errorMessage, type Logger } from '@fargate-promote/common'
import {
  deployStatusOf,
  resumeProgressive,
  type DeployResult,
  type ResumeResult
} from '@fargate-promote/ecs'
import type { DeploymentHistoryEntry } from '../github/deployments.js'
import { DeploymentRecorder } from '../github/recorder.js'
import type { DeployInputs } from './inputs.js'
import type { DeployAndRecordDeps, DeployOutcome } from './run.js'
import { testTrafficCheck } from './test-traffic.js'

const NO_DIFF = {
  changed: false,
  containersAdded: [],
  containersRemoved: [],
  containers: [],
  otherFieldsChanged: []
}

/** The environment's GitHub deployment the paused deploy left in_progress for this service. */
async function pausedRecord(
  recorder: DeploymentRecorder | undefined,
  service: string,
  log: Logger
): Promise<DeploymentHistoryEntry | undefined> {
  if (recorder === undefined) return undefined
  try {
    const history = await recorder.deployments(20)
    const found = history.find(d => d.payload?.service === service && d.state === 'in_progress')
    if (found === undefined) {
      log.warning(
        `No in_progress GitHub deployment of ${service} in environment ${recorder.target.environment}: this resume is not recorded on GitHub.`
      )
    }
    return found
  } catch (error) {
    log.warning(`Could not read the GitHub deployments: ${errorMessage(error)}`)
    return undefined
  }
}

/** The resume did what was asked: continued to success (or the next pause), or rolled back. */
function asked(inputs: DeployInputs, status: DeployResult['status']): boolean {
  if (status === 'succeeded' || status === 'paused') return true
  return inputs.resume?.action === 'abort' && status === 'rolled-back'
}

function resultOf(
  inputs: DeployInputs,
  service: string,
  resumed: ResumeResult,
  startedAt: number,
  now: number
): DeployResult {
  const status = deployStatusOf(resumed.outcome)
  const failureReason =
    status === 'succeeded' || status === 'paused' ? undefined : `${service}: ${resumed.reason}`
  return {
    status,
    services: [
      {
        service,
        status,
        previousTaskDefinitionArn: resumed.previousTaskDefinitionArn ?? '',
        ...(resumed.taskDefinitionArn !== undefined && {
          taskDefinitionArn: resumed.taskDefinitionArn
        }),
        serviceDeploymentArn: resumed.serviceDeploymentArn,
        images: inputs.images,
        progressive: resumed,
        diff: NO_DIFF,
        ...(failureReason !== undefined && { failureReason })
      }
    ],
    ...(failureReason !== undefined && { failureReason }),
    startedAt,
    finishedAt: now,
    prunedRevisions: []
  }
}

/** What the GitHub deployment says once the resumed deployment is over (or paused again). */
function finalState(
  resumed: ResumeResult,
  who: string,
  record: DeploymentHistoryEntry
): { state: 'success' | 'failure' | 'in_progress'; description: string } {
  const version =
    typeof record.payload?.version === 'string' ? record.payload.version : 'the release'
  switch (resumed.outcome) {
    case 'succeeded':
      return {
        state: 'success',
        description: `Deployed ${version} (continued${who} at ${resumed.resumedAt})`
      }
    case 'paused':
      return {
        state: 'in_progress',
        description: `Paused at ${resumed.pausedAt ?? 'a PAUSE hook'}: continue or abort with resume`
      }
    case 'rolled-back':
      return { state: 'failure', description: resumed.reason }
    default:
      return { state: 'failure', description: `${resumed.outcome}: ${resumed.reason}` }
  }
}

/**
 * A later run's `continue` or `abort` of a deployment paused at a PAUSE hook: sent to ECS, the
 * rest of the deployment (or its rollback) followed and judged as the deploy would have, and
 * the environment's GitHub deployment of that release updated (in_progress, then its end).
 */
export async function resumeAndRecord(
  inputs: DeployInputs,
  deps: DeployAndRecordDeps
): Promise<DeployOutcome> {
  const resume = inputs.resume as NonNullable<DeployInputs['resume']>
  const [service, ...others] = inputs.services
  if (service === undefined || others.length > 0) {
    throw new ConfigurationError(
      `resume acts on one service's paused deployment, and ${inputs.services.length} services were given. Run it once per service.`,
      { input: 'services' }
    )
  }
  if (deps.cloudwatch === undefined) throw new Error('A resume needs deps.cloudwatch.')
  const { clock, log } = deps
  const startedAt = clock.now()
  const recorder =
    inputs.record && deps.github
      ? new DeploymentRecorder(inputs.record, { github: deps.github, log })
      : undefined
  const record = await pausedRecord(recorder, service, log)
  const who = inputs.actor === undefined ? '' : ` by ${inputs.actor}`
  // Posted once ECS accepted the answer: a refused resume (nothing paused) leaves no trace.
  const onSent = async () => {
    if (record === undefined) return
    const verb = resume.action === 'continue' ? 'Continuing' : 'Aborting'
    await recorder?.supersede(record.id, 'in_progress', `${verb}${who} at the pause`)
  }
  const resumed = await resumeProgressive(
    {
      cluster: inputs.cluster,
      service,
      action: resume.action,
      ...(inputs.actor !== undefined && { actor: inputs.actor }),
      thresholds: resume.thresholds,
      pauses: resume.pauses,
      metricsDelayMs: resume.metricsDelayMs,
      pollIntervalMs: inputs.pollIntervalMs,
      deadline: startedAt + inputs.timeoutMs,
      onSent
    },
    {
      ecs: deps.ecs,
      elb: deps.elb,
      cloudwatch: deps.cloudwatch,
      clock,
      log,
      ...(deps.signal && { signal: deps.signal }),
      ...(inputs.testTraffic && {
        testTraffic: testTrafficCheck(inputs.testTraffic, {
          clock,
          log,
          ...(deps.proxy && { proxy: deps.proxy })
        })
      })
    }
  )
  const cancelled = deps.signal?.aborted === true
  // A cancelled run saw no end: the record stays in_progress, as the deployment goes on.
  if (record !== undefined && !cancelled) {
    const end = finalState(resumed, who, record)
    await recorder?.supersede(record.id, end.state, end.description.slice(0, 140))
  }
  const result = resultOf(inputs, service, resumed, startedAt, clock.now())
  if (cancelled) {
    return {
      result,
      cancelled,
      ...(record !== undefined && { githubDeploymentId: record.id }),
      failure: 'the run was cancelled while following the resumed deployment; ECS goes on with it.'
    }
  }
  return {
    result,
    cancelled,
    ...(record !== undefined && { githubDeploymentId: record.id }),
    ...(!asked(inputs, result.status) && {
      failure: `${result.status}: ${result.failureReason ?? 'see the job summary'}`
    })
  }
}

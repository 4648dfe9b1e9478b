import { errorMessage } from '@fargate-promote/common'
import {
  createClients,
  deployAndRecord,
  destroyAwsClients,
  readDeployInputs,
  type DeployAndRecordDeps,
  type DeployInputs,
  type DeployOutcome
} from '@fargate-promote/promotion'
import {
  actionClock,
  actionInputs,
  actionsLogger,
  githubClient,
  readProxySettings,
  readRunContext,
  runAction,
  setOutputs,
  watchCancellation
} from '@fargate-promote/runner'
import { annotate, maskSecrets, outputsOf } from './report.js'
import { saveCheckpoint } from './state.js'
import { writeDeploySummary } from './summary.js'

const ACTION = 'deploy-fargate'

/**
 * Outputs are set on every failure, so an `if: failure()` step knows what happened even when
 * the deploy stopped before it had a result (bad input found by AWS, an AWS error).
 */
async function deployOrReport(
  inputs: DeployInputs,
  deps: DeployAndRecordDeps
): Promise<DeployOutcome> {
  try {
    return await deployAndRecord(inputs, deps)
  } catch (error) {
    setOutputs({ status: 'failed', 'failure-reason': errorMessage(error) })
    throw error
  }
}

export async function run(): Promise<void> {
  const startedAt = Date.now()
  await runAction(ACTION, async () => {
    const proxy = readProxySettings()
    const inputs = await readDeployInputs(actionInputs(), readRunContext(), proxy)
    maskSecrets(inputs)
    // CloudWatch is loaded lazily: only a progressive deployment reads its metrics.
    const { ecs, elb, cloudwatch } = createClients(['ecs', 'elb', 'cloudwatch'], `action/${ACTION}`)
    const token = inputs.githubToken
    const cancellation = watchCancellation()
    try {
      const outcome = await deployOrReport(inputs, {
        ecs,
        elb,
        cloudwatch,
        clock: actionClock(),
        log: actionsLogger,
        signal: cancellation.signal,
        checkpoint: saveCheckpoint,
        proxy,
        ...(token !== undefined && { github: () => githubClient(token, { log: actionsLogger }) })
      })
      setOutputs(outputsOf(outcome, Date.now() - startedAt))
      await writeDeploySummary(outcome, inputs, await ecs.config.region())
      annotate(outcome)
      if (outcome.failure !== undefined) throw new Error(outcome.failure)
    } finally {
      cancellation.dispose()
      destroyAwsClients({ ecs, elb })
    }
  })
}

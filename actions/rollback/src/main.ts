import { createCommandRunner, secretValues } from '@fargate-promote/health'
import {
  createClients,
  destroyAwsClients,
  readRollbackInputs,
  rollbackAndRecord,
  type RollbackInputs,
  type RollbackOutcome
} from '@fargate-promote/promotion'
import {
  actionClock,
  actionInputs,
  actionsLogger,
  githubClient,
  maskSecret,
  readProxySettings,
  readRunContext,
  runAction,
  setOutputs,
  watchCancellation
} from '@fargate-promote/runner'
import { annotate, failureOf, outputsOf } from './report.js'
import { writeRollbackSummary } from './summary.js'

const ACTION = 'rollback'

async function rollback(
  inputs: RollbackInputs,
  signal: AbortSignal,
  workspace: string
): Promise<RollbackOutcome> {
  // CloudWatch and SQS are made on their first request: only checks that need them pay.
  const clients = createClients(['ecs', 'elb', 'cloudwatch', 'sqs'], `action/${ACTION}`)
  const token = inputs.githubToken
  const log = actionsLogger
  try {
    return await rollbackAndRecord(inputs, {
      ...clients,
      commands: createCommandRunner({ env: process.env, workspace }),
      proxy: readProxySettings(),
      clock: actionClock(),
      log,
      signal,
      ...(token !== undefined && { github: () => githubClient(token, { log }) })
    })
  } finally {
    destroyAwsClients(clients)
  }
}

export async function run(): Promise<void> {
  const startedAt = Date.now()
  let reported = false
  const cancellation = watchCancellation()
  await runAction(ACTION, async () => {
    try {
      const context = readRunContext()
      const inputs = await readRollbackInputs(actionInputs(), context)
      if (inputs.githubToken) maskSecret(inputs.githubToken)
      for (const value of secretValues(inputs.checks)) maskSecret(value)
      const outcome = await rollback(inputs, cancellation.signal, context.workspace)
      const report = { ...outcome, inputs, durationMs: Date.now() - startedAt }
      setOutputs(outputsOf(report))
      reported = true
      await writeRollbackSummary(report)
      annotate(report)
      const failure = failureOf(report)
      if (failure !== undefined) throw new Error(failure)
    } finally {
      // Bad input or an error before a verdict: say that nothing is known to be rolled back.
      if (!reported) {
        const duration = Math.round((Date.now() - startedAt) / 1000)
        setOutputs({ status: 'failed', healthy: '', 'duration-seconds': duration })
      }
    }
  })
  cancellation.dispose()
}

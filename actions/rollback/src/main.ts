import { createCommandRunner, proxyProblems, secretValues } from '@fargate-promote/health'
import {
  createClients,
  destroyAwsClients,
  readRollbackInputs,
  rollbackAndRecord,
  type RollbackAndRecordDeps,
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

type StepDeps = Pick<RollbackAndRecordDeps, 'proxy' | 'signal'> & { workspace: string }

async function rollback(inputs: RollbackInputs, step: StepDeps): Promise<RollbackOutcome> {
  // CloudWatch and SQS are made on their first request: only checks that need them pay.
  const clients = createClients(['ecs', 'elb', 'cloudwatch', 'sqs'], `action/${ACTION}`)
  const { workspace, ...deps } = step
  const token = inputs.githubToken
  try {
    return await rollbackAndRecord(inputs, {
      ...clients,
      ...deps,
      commands: createCommandRunner({ env: process.env, workspace }),
      clock: actionClock(),
      log: actionsLogger,
      ...(token !== undefined && { github: () => githubClient(token, { log: actionsLogger }) })
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
      // Passwords masked at once; a variable a check cannot use is refused with the inputs.
      const proxy = readProxySettings()
      const inputs = await readRollbackInputs(actionInputs(), context, proxy)
      for (const line of proxyProblems(inputs.checks, proxy).warnings) actionsLogger.warning(line)
      if (inputs.githubToken) maskSecret(inputs.githubToken)
      for (const value of secretValues(inputs.checks)) maskSecret(value)
      const step = { proxy, signal: cancellation.signal, workspace: context.workspace }
      const outcome = await rollback(inputs, step)
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

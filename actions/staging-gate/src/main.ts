import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunContext } from '@fargate-promote/common'
import { createCommandRunner, proxyProblems, secretValues } from '@fargate-promote/health'
import {
  createClients,
  destroyAwsClients,
  gateAndRecord,
  readGateInputs,
  verdictToJson,
  type GateVerdict
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
import { annotate, outputsOf } from './report.js'
import { writeGateSummary } from './summary.js'

const ACTION = 'staging-gate'

/** The JSON verdict, where later steps (the production deploy) can read it. */
function writeReport(verdict: GateVerdict, context: RunContext): string {
  const dir = context.runnerTemp ?? tmpdir()
  const path = join(dir, `staging-gate-${context.runId ?? 'local'}-${Date.now()}.json`)
  writeFileSync(path, verdictToJson(verdict))
  return path
}

export async function run(): Promise<void> {
  // The runner cancels with SIGINT, then SIGTERM 7.5 s later: the checks stop at once and the
  // gate still reports (and records on the commit) that nothing was approved.
  const cancellation = watchCancellation()
  await runAction(ACTION, async () => {
    const context = readRunContext()
    // Passwords masked at once; a variable no check can use is refused with the inputs' problems.
    const proxy = readProxySettings()
    const inputs = await readGateInputs(actionInputs(), context, proxy)
    for (const line of proxyProblems(inputs.checks, proxy).warnings) actionsLogger.warning(line)
    const token = inputs.githubToken
    if (token !== undefined) maskSecret(token)
    for (const secret of secretValues(inputs.checks)) maskSecret(secret)
    const log = actionsLogger
    const clients = createClients(['ecs', 'elb', 'cloudwatch', 'sqs'], `action/${ACTION}`)
    try {
      const outcome = await gateAndRecord(inputs, {
        ...clients,
        commands: createCommandRunner({ env: process.env, workspace: context.workspace }),
        proxy,
        clock: actionClock(),
        log,
        signal: cancellation.signal,
        ...(token !== undefined && { github: await githubClient(token, { log }) })
      })
      const reportPath = writeReport(outcome.verdict, context)
      setOutputs(outputsOf(outcome, reportPath))
      await writeGateSummary({ outcome, inputs, reportPath })
      annotate(outcome)
      if (outcome.failure !== undefined) throw new Error(outcome.failure)
    } finally {
      destroyAwsClients(clients)
    }
  })
  cancellation.dispose()
}

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  clientsNeeded,
  createCommandRunner,
  proxyProblems,
  reportToJson,
  secretValues,
  type HealthReport
} from '@fargate-promote/health'
import {
  createAwsClients,
  destroyAwsClients,
  readVerifyInputs,
  verify
} from '@fargate-promote/promotion'
import {
  actionClock,
  actionInputs,
  actionsLogger,
  maskSecret,
  readProxySettings,
  readRunContext,
  runAction,
  setOutputs,
  watchCancellation
} from '@fargate-promote/runner'
import { annotate, outputsOf, verdictLine } from './report.js'
import { writeHealthSummary } from './summary.js'

const ACTION = 'health-verify'

/** Under RUNNER_TEMP (emptied after every job) when the runner gives one. */
function writeReport(report: HealthReport, runnerTemp: string | undefined): string {
  const path = join(mkdtempSync(join(runnerTemp ?? tmpdir(), `${ACTION}-`)), 'report.json')
  writeFileSync(path, reportToJson(report))
  return path
}

export async function run(): Promise<void> {
  await runAction(ACTION, async () => {
    const context = readRunContext()
    // Passwords masked at once; a variable no check can use is refused with the inputs' problems.
    const proxy = readProxySettings()
    const inputs = await readVerifyInputs(actionInputs(), context, proxy)
    for (const line of proxyProblems(inputs.checks, proxy).warnings) actionsLogger.warning(line)
    // Header values and URL passwords, registered with the runner before anything is logged.
    for (const value of secretValues(inputs.checks)) maskSecret(value)
    // The runner cancels a step (or times it out) with SIGINT, then SIGTERM 7.5 s later: either
    // ends the checks at once, and what was seen so far is still reported, well within that.
    const cancellation = watchCancellation()
    const clients = createAwsClients(clientsNeeded(inputs.checks), { frontEnd: `action/${ACTION}` })
    try {
      const { signal } = cancellation
      const outcome = await verify(inputs, {
        ...clients,
        // Command checks run with the step's environment, in the workspace.
        commands: createCommandRunner({ env: process.env, workspace: context.workspace }),
        proxy,
        clock: actionClock(),
        log: actionsLogger,
        signal
      })
      const reportPath = writeReport(outcome.report, context.runnerTemp)
      setOutputs(outputsOf(outcome.report, reportPath))
      actionsLogger.info(verdictLine(outcome.report, reportPath))
      await writeHealthSummary({ report: outcome.report, inputs, reportPath })
      annotate(outcome.report, inputs)
      if (outcome.failure !== undefined) throw new Error(outcome.failure)
    } finally {
      cancellation.dispose()
      destroyAwsClients(clients)
    }
  })
}

import {
  clientsNeeded,
  createCommandRunner,
  proxyProblems,
  secretValues
} from '@fargate-promote/health'
import type { HealthReport } from '@fargate-promote/health'
import { readVerifyInputs, verify, type VerifyInputs } from '@fargate-promote/promotion'
import { createCliClients } from '../aws.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { reportFailure } from '../failures.js'
import type { CliIo } from '../io.js'
import { jsonLine } from '../text.js'
import { VERIFY_OPTIONS } from './input-options.js'
import { healthTable, round } from './render.js'
import { Session, type UseCaseFlags } from './session.js'

/** The verdict in one line, as health-verify logs it. */
export function verdictText(report: HealthReport, failOnUnhealthy: boolean): string {
  const reason = report.reason ?? 'see the checks above'
  if (report.cancelled) return `CANCELLED: ${reason}`
  if (report.healthy) return `HEALTHY: all ${report.checks.length} checks passed.`
  return failOnUnhealthy
    ? `UNHEALTHY: ${reason}`
    : `UNHEALTHY (--no-fail-on-unhealthy: exit 0): ${reason}`
}

/** health-verify's outputs (but `report`: the report itself is under details). */
export function verifyJson(report: HealthReport, failure: string | undefined) {
  const latency = report.latency
  return {
    ok: failure === undefined,
    healthy: report.healthy,
    'failed-checks': report.failedChecks,
    'p50-ms': round(latency?.p50Ms, 1),
    'p95-ms': round(latency?.p95Ms, 1),
    'p99-ms': round(latency?.p99Ms, 1),
    'error-rate': round(latency?.errorRate, 4),
    details: {
      mode: report.mode,
      cancelled: report.cancelled,
      reason: report.reason,
      failure,
      checks: report.checks
    }
  }
}

async function runChecks(inputs: VerifyInputs, session: Session) {
  const needed = clientsNeeded(inputs.checks)
  const aws = Object.values(needed).some(Boolean)
    ? await createCliClients(session.io.env, await session.region())
    : undefined
  const { progress } = session
  try {
    progress.begin(`${inputs.checks.length} checks (${inputs.mode})`, inputs.durationMs)
    return await verify(inputs, {
      ...aws?.clients,
      commands: createCommandRunner({ env: session.io.env, workspace: session.context.workspace }),
      proxy: session.proxy,
      clock: progress.clock,
      log: progress.log,
      ...(session.signal !== undefined && { signal: session.signal })
    })
  } finally {
    progress.end()
    aws?.destroy()
  }
}

/** `fargate-promote verify`: the health-verify use case, as the action runs it. */
export async function verifyCommand(
  flags: UseCaseFlags,
  options: Readonly<Record<string, unknown>>,
  io: CliIo
): Promise<ExitCode> {
  const session = new Session(flags, options, VERIFY_OPTIONS, io)
  const { ui } = session
  try {
    const inputs = await session.readInputs(reader =>
      readVerifyInputs(reader, session.context, session.proxy)
    )
    for (const line of proxyProblems(inputs.checks, session.proxy).warnings) {
      session.progress.log.warning(line)
    }
    for (const value of secretValues(inputs.checks)) session.secret(value)
    const { report, failure } = await runChecks(inputs, session)
    if (ui.json) ui.print(jsonLine(session.redactAll(verifyJson(report, failure))))
    else {
      ui.print(healthTable(report, ui.out, text => session.safe(text)))
      const verdict = session.safe(verdictText(report, inputs.failOnUnhealthy))
      ui.print(report.healthy ? ui.out.green(verdict) : ui.out.red(verdict))
    }
    if (report.cancelled) return EXIT.cancelled
    return failure === undefined ? EXIT.ok : EXIT.failed
  } catch (error) {
    return reportFailure(error, ui, text => session.redact(text))
  }
}

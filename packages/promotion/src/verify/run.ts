import { formatDuration } from '@fargate-promote/common'
import {
  checkTarget,
  runHealthChecks,
  type HealthReport,
  type RunHealthChecksDeps
} from '@fargate-promote/health'
import type { VerifyInputs } from './inputs.js'

/** What a verification ends with: the report, and why the step fails (absent when it passes). */
export interface VerifyOutcome {
  report: HealthReport
  failure?: string
}

function announce(inputs: VerifyInputs, deps: RunHealthChecksDeps): void {
  const { checks, mode } = inputs
  const span =
    mode === 'verify'
      ? `until each passes ${inputs.consecutiveSuccesses} rounds in a row, at most ${formatDuration(inputs.timeoutMs)}`
      : `for ${formatDuration(inputs.durationMs)}, failure limit ${inputs.failureLimit ?? 0}`
  deps.log.info(
    `${mode}: ${checks.length} checks from ${inputs.source}, every ${formatDuration(inputs.intervalMs)}, ${span}`
  )
  for (const check of checks) deps.log.info(`  ${check.name} (${check.type}) ${checkTarget(check)}`)
}

/**
 * Verify (until the checks pass, or time out) or monitor (for a fixed time, with a failure
 * limit) a deployment from the outside and from AWS. A run cut short proves nothing: it fails
 * whatever fail-on-unhealthy says.
 */
export async function verify(
  inputs: VerifyInputs,
  deps: RunHealthChecksDeps
): Promise<VerifyOutcome> {
  announce(inputs, deps)
  const report = await runHealthChecks(inputs, deps)
  if (report.cancelled) {
    return {
      report,
      failure: 'cancelled before every check reached a verdict; see the job summary'
    }
  }
  if (!report.healthy && inputs.failOnUnhealthy) {
    return { report, failure: `UNHEALTHY: ${report.reason ?? 'see the job summary'}` }
  }
  return { report }
}

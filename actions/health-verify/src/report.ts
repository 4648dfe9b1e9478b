import type { HealthReport } from '@fargate-promote/health'
import type { VerifyInputs } from '@fargate-promote/promotion'
import { Annotations } from '@fargate-promote/runner'
import { reasonOf } from './summary.js'

const ACTION = 'health-verify'

function round(value: number | undefined, digits: number): number | undefined {
  if (value === undefined) return undefined
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

export function outputsOf(report: HealthReport, reportPath: string) {
  const latency = report.latency
  return {
    healthy: report.healthy,
    'failed-checks': report.failedChecks,
    report: reportPath,
    'p50-ms': round(latency?.p50Ms, 1),
    'p95-ms': round(latency?.p95Ms, 1),
    'p99-ms': round(latency?.p99Ms, 1),
    'error-rate': round(latency?.errorRate, 4)
  }
}

export function verdictLine(report: HealthReport, reportPath: string): string {
  if (report.cancelled) return `CANCELLED: ${reasonOf(report)}. Report: ${reportPath}`
  return report.healthy
    ? `HEALTHY: all ${report.checks.length} checks passed. Report: ${reportPath}`
    : `UNHEALTHY: ${reasonOf(report)}. Report: ${reportPath}`
}

/** One annotation per failing check (warnings when fail-on-unhealthy is false), and the cancellation. */
export function annotate(report: HealthReport, inputs: VerifyInputs): void {
  const annotations = new Annotations()
  if (report.cancelled) {
    annotations.error(`${ACTION} was ${reasonOf(report)}`, { title: 'Cancelled' })
  }
  // Checks the cancellation cut short did not fail: the Cancelled annotation covers them.
  for (const check of report.checks.filter(c => !c.ok && !c.cancelled)) {
    const message = `${check.type} ${check.target}: ${check.failures} of ${check.attempts} rounds failed; last: ${check.lastDetail}`
    const title = `Health check ${check.name} failed`
    if (inputs.failOnUnhealthy) annotations.error(message, { title })
    else annotations.warning(message, { title })
  }
  if (!report.healthy && !report.cancelled && !inputs.failOnUnhealthy) {
    annotations.warning(
      `UNHEALTHY, but fail-on-unhealthy is false so the step succeeds: ${reasonOf(report)}`,
      { title: 'Service unhealthy' }
    )
  }
  annotations.flush()
}

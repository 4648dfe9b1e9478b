import { formatDuration } from '@fargate-promote/common'
import {
  formatRate,
  sparkline,
  type CheckResult,
  type HealthReport,
  type Sample
} from '@fargate-promote/health'
import { createSummary, type SummaryBuilder } from '@fargate-promote/runner'
import type { VerifyInputs } from '@fargate-promote/promotion'

/** Failed samples listed per failing check; the JSON report has every one. */
const MAX_FAILED_SAMPLES_SHOWN = 20

/** The library always gives a reason for an unhealthy report; this keeps the types honest. */
export function reasonOf(report: HealthReport): string {
  return report.reason ?? 'see the job summary'
}

export function ms(value: number | undefined): string {
  return value === undefined ? '—' : `${Math.round(value)} ms`
}

function result(check: CheckResult): string {
  if (check.cancelled) return '⏹️ cancelled'
  return check.ok ? '✅ pass' : '❌ fail'
}

function latency(check: CheckResult): string {
  if (check.p50Ms === undefined) return '—'
  return `${ms(check.p50Ms)} / ${ms(check.p95Ms)}`
}

function describeSample(sample: Sample): string {
  const status = sample.status === undefined ? '' : ` ${sample.status}`
  const took = sample.latencyMs === undefined ? '' : ` ${ms(sample.latencyMs)}`
  return `${new Date(sample.at).toISOString()}${status}${took}  ${sample.detail}`
}

function settingsLine(settings: VerifyInputs, report: HealthReport): string {
  const parts = [`Mode ${settings.mode}`, `every ${formatDuration(settings.intervalMs)}`]
  if (settings.mode === 'verify') {
    parts.push(`${settings.consecutiveSuccesses} passing rounds in a row`)
    parts.push(`timeout ${formatDuration(settings.timeoutMs)}`)
  } else {
    parts.push(`for ${formatDuration(settings.durationMs)}`)
    parts.push(`failure limit ${settings.failureLimit}`)
  }
  if (settings.load) {
    parts.push(
      `${settings.load.requests} requests per round, ${settings.load.concurrency} at a time`
    )
  }
  parts.push(`took ${formatDuration(report.finishedAt - report.startedAt)}`)
  return parts.join(' · ')
}

function thresholdsLine(settings: VerifyInputs): string | undefined {
  const { p95Ms, p99Ms, maxErrorRate } = settings.thresholds
  const parts: string[] = []
  if (p95Ms !== undefined) parts.push(`p95 ≤ ${ms(p95Ms)}`)
  if (p99Ms !== undefined) parts.push(`p99 ≤ ${ms(p99Ms)}`)
  if (maxErrorRate !== undefined) parts.push(`error rate ≤ ${formatRate(maxErrorRate)}`)
  return parts.length === 0 ? undefined : `Thresholds: ${parts.join(', ')}`
}

/** Failed checks, and checks cut short by a cancellation that had failed rounds. */
function addFailures(summary: SummaryBuilder, report: HealthReport): void {
  for (const check of report.checks.filter(c => !c.ok)) {
    if (check.cancelled && check.failures === 0) continue
    const failed = report.samples.filter(s => s.check === check.name && !s.ok)
    const shown = failed.slice(-MAX_FAILED_SAMPLES_SHOWN)
    const lines = [
      `${check.type} ${check.target}`,
      `${check.failures} of ${check.attempts} rounds failed; last: ${check.lastDetail}`
    ]
    if (failed.length > 0) {
      const more = failed.length > shown.length ? ` (last ${shown.length} of ${failed.length})` : ''
      lines.push('', `Failed samples${more}:`, ...shown.map(describeSample))
    }
    const icon = check.cancelled ? '⏹️' : '❌'
    summary.details(`${icon} ${check.name}: ${check.lastDetail}`, lines.join('\n'))
  }
}

function addSparklines(summary: SummaryBuilder, report: HealthReport): void {
  const rows = report.checks
    .filter(check => check.type === 'http')
    .map(check => {
      const latencies = report.samples
        .filter(s => s.check === check.name && s.latencyMs !== undefined)
        .map(s => s.latencyMs as number)
      const range =
        latencies.length === 0
          ? '—'
          : `${ms(Math.min(...latencies))} – ${ms(Math.max(...latencies))}`
      return [check.name, sparkline(latencies) || '—', range, latency(check), latencies.length]
    })
  if (rows.length === 0) return
  summary.heading('Latency over time', 3)
  summary.table(['Check', 'Latency', 'Min – max', 'p50 / p95', 'Samples'], rows)
}

export async function writeHealthSummary(options: {
  report: HealthReport
  inputs: VerifyInputs
  reportPath: string
}): Promise<void> {
  const { report, inputs: settings, reportPath } = options
  const summary = createSummary()
  const passed = report.checks.filter(check => check.ok).length
  if (report.cancelled) {
    summary.heading(
      `⏹️ CANCELLED: no verdict, ${passed} of ${report.checks.length} checks passed before the run was cancelled (${report.mode})`,
      2
    )
    summary.paragraph(`Reason: ${reasonOf(report)}`)
    summary.paragraph(
      'The run was cancelled (SIGINT or SIGTERM from the runner) before every check reached a verdict: the results below are partial, and the step fails.'
    )
  } else {
    const verdict = report.healthy ? '✅ HEALTHY' : '❌ UNHEALTHY'
    summary.heading(
      `${verdict}: ${passed} of ${report.checks.length} checks passed (${report.mode})`,
      2
    )
    if (!report.healthy) {
      summary.paragraph(`Reason: ${reasonOf(report)}`)
      if (!settings.failOnUnhealthy) {
        summary.paragraph('fail-on-unhealthy is false: the step succeeds anyway.')
      }
    }
  }
  summary.table(
    ['Check', 'Type', 'Target', 'Result', 'Attempts', 'Latency p50 / p95', 'Last detail'],
    report.checks.map(check => [
      check.name,
      check.type,
      check.target,
      result(check),
      `${check.passes}/${check.attempts} passed`,
      latency(check),
      check.lastDetail
    ])
  )
  const lat = report.latency
  if (lat !== undefined) {
    summary.paragraph(
      `HTTP over ${lat.count} requests: p50 ${ms(lat.p50Ms)}, p95 ${ms(lat.p95Ms)}, p99 ${ms(lat.p99Ms)}, error rate ${formatRate(lat.errorRate)}`
    )
  }
  const thresholds = thresholdsLine(settings)
  if (thresholds !== undefined) summary.paragraph(thresholds)
  summary.paragraph(settingsLine(settings, report))
  addFailures(summary, report)
  if (report.mode === 'monitor') addSparklines(summary, report)
  summary.paragraph(`Every sample is in the JSON report (output report): ${reportPath}`)
  await summary.write()
}

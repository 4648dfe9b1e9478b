import type { HealthReport } from './types.js'

/**
 * The JSON report file: the verdict, every check and every sample with its time in ISO 8601.
 * Samples never hold header values or bodies, so the file is safe to upload as an artifact.
 */
export function reportToJson(report: HealthReport): string {
  const json = {
    healthy: report.healthy,
    cancelled: report.cancelled,
    mode: report.mode,
    reason: report.reason,
    startedAt: new Date(report.startedAt).toISOString(),
    finishedAt: new Date(report.finishedAt).toISOString(),
    failedChecks: report.failedChecks,
    latency: report.latency,
    checks: report.checks,
    samples: report.samples.map(sample => ({
      check: sample.check,
      type: sample.type,
      time: new Date(sample.at).toISOString(),
      ok: sample.ok,
      latencyMs:
        sample.latencyMs === undefined ? undefined : Math.round(sample.latencyMs * 10) / 10,
      status: sample.status,
      detail: sample.detail
    }))
  }
  return `${JSON.stringify(json, null, 2)}\n`
}

import { formatDuration } from '@fargate-promote/common'
import { percentile, summarizeLatency, thresholdViolations } from './analysis.js'
import { outOfAttempts, rounds, successesNeeded, type CheckState } from './check-state.js'
import { checkTarget } from './probe-round.js'
import type { RunHealthChecksOptions } from './run-types.js'
import type { CheckResult, HealthReport, Sample } from './types.js'

function describeFailure(
  state: CheckState,
  options: RunHealthChecksOptions,
  failureLimit: number
): string {
  const { name } = state.spec
  if (options.mode === 'monitor') {
    if (state.failures <= failureLimit) {
      return `${name} could not read AWS in ${state.unreadable} of ${state.attempts} rounds: the window observed too little to pass; last: ${state.lastDetail}`
    }
    return `${name} failed ${state.failures} of ${state.attempts} rounds, more than the failure limit ${failureLimit}; last: ${state.lastDetail}`
  }
  if (outOfAttempts(state)) {
    return `${name} failed (${state.failures} of ${state.spec.type === 'command' ? state.spec.attempts : 1} runs allowed); last: ${state.lastDetail}`
  }
  // A command check needs one pass, not a streak (see CommandCheckSpec).
  const streak =
    state.spec.type === 'command' ? '' : ` ${rounds(options.consecutiveSuccesses)} in a row`
  const unread = state.unreadable > 0 ? `, ${state.unreadable} could not read AWS` : ''
  return `${name} did not pass${streak} within ${formatDuration(options.timeoutMs)} (${state.passes} of ${state.attempts} passed${unread}); last: ${state.lastDetail}`
}

/** What a cancelled run knew about one check when it stopped. */
function describeSoFar(
  state: CheckState,
  options: RunHealthChecksOptions,
  failureLimit: number
): string {
  const { name } = state.spec
  if (state.attempts === 0) return `${name}: no round completed`
  if (state.cancelled) {
    const streak =
      options.mode === 'verify'
        ? `, ${state.consecutive} of ${successesNeeded(state.spec, options)} in a row`
        : ''
    return `${name} passed ${state.passes} of ${rounds(state.attempts)}${streak} (last: ${state.lastDetail})`
  }
  if (!state.ok) return describeFailure(state, options, failureLimit)
  return options.mode === 'verify'
    ? `${name} healthy (${rounds(state.consecutive, 'passing ')} in a row)`
    : `${name} passed ${state.passes} of ${rounds(state.attempts)}`
}

export function buildReport(
  options: RunHealthChecksOptions,
  states: CheckState[],
  samples: Sample[],
  startedAt: number,
  finishedAt: number,
  tripped: CheckState | undefined
): HealthReport {
  const failureLimit = options.failureLimit ?? 0
  const checks: CheckResult[] = states.map(state => {
    const sorted = [...state.latencies].sort((a, b) => a - b)
    const p50Ms = percentile(sorted, 50)
    const p95Ms = percentile(sorted, 95)
    const result: CheckResult = {
      name: state.spec.name,
      type: state.spec.type,
      target: checkTarget(state.spec),
      ok: state.ok,
      attempts: state.attempts,
      passes: state.passes,
      failures: state.failures,
      consecutive: state.consecutive,
      lastDetail: state.lastDetail
    }
    if (state.lastOutput !== undefined) result.lastOutput = state.lastOutput
    if (state.unreadable > 0) result.unreadable = state.unreadable
    if (p50Ms !== undefined) result.p50Ms = p50Ms
    if (p95Ms !== undefined) result.p95Ms = p95Ms
    if (state.cancelled) result.cancelled = true
    return result
  })
  const cancelled = states.some(state => state.cancelled)
  const httpSamples = samples.filter(sample => sample.type === 'http')
  const hasHttp = states.some(state => state.spec.type === 'http')
  const latency = hasHttp ? summarizeLatency(httpSamples) : undefined
  const took = formatDuration(finishedAt - startedAt)
  const reasons = cancelled
    ? states.map(state => describeSoFar(state, options, failureLimit))
    : states
        .filter(state => !state.ok)
        .sort((a, b) => (a === tripped ? -1 : b === tripped ? 1 : 0))
        .map(state => describeFailure(state, options, failureLimit))
  if (tripped !== undefined && !cancelled) reasons[0] += ` (stopped early after ${took})`
  // Over a whole monitor run the thresholds judge the service, not just single rounds; in
  // verify the early rounds before a check settled would unfairly count against it.
  if (options.mode === 'monitor' && latency !== undefined) {
    const over = cancelled ? 'over the HTTP requests so far' : 'over all HTTP requests'
    for (const violation of thresholdViolations(latency, options.thresholds)) {
      reasons.push(`${over}: ${violation}`)
    }
  }
  if (cancelled) {
    const total = states.reduce((sum, state) => sum + state.attempts, 0)
    reasons[0] = `cancelled after ${rounds(total)} (${took}): ${reasons[0] as string}`
  }
  const report: HealthReport = {
    healthy: reasons.length === 0,
    cancelled,
    mode: options.mode,
    // A check the cancellation cut short did not fail: it is not named here.
    failedChecks: checks.filter(check => !check.ok && !check.cancelled).map(check => check.name),
    checks,
    samples,
    latency,
    startedAt,
    finishedAt
  }
  if (reasons.length > 0) report.reason = reasons.join('; ')
  return report
}

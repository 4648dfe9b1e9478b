import { runHealthChecks } from '@fargate-promote/health'
import type { GateCheck, GateDeps, GateOptions } from './types.js'
import {
  ALARMS_CHECK,
  ALARM_PREFIX_CHECK,
  DEFAULT_CHECKS_TIMEOUT_MS,
  alarmChecks
} from './alarm-checks.js'

/** Rounds of a failing check within the timeout; a passing one is done after its first round. */
const MAX_INTERVAL_MS = 10_000

export type HealthCheckResult = Omit<GateCheck, 'blocking'> & { nextStep: string }

/**
 * The user's health checks and the staging alarms, each needing one passing round within
 * checksTimeoutMs: the gate asks "is staging healthy now", it does not watch it for long.
 */
export async function runGateHealth(
  options: GateOptions,
  deps: GateDeps
): Promise<HealthCheckResult[]> {
  const checks = [...options.checks, ...alarmChecks(options.alarms)]
  if (checks.length === 0) return []
  const timeoutMs = options.checksTimeoutMs ?? DEFAULT_CHECKS_TIMEOUT_MS
  const report = await runHealthChecks(
    {
      checks,
      mode: 'verify',
      timeoutMs,
      intervalMs: Math.min(MAX_INTERVAL_MS, timeoutMs),
      consecutiveSuccesses: 1,
      ...(options.target !== undefined && { target: options.target })
    },
    {
      clock: deps.clock,
      log: deps.log,
      ecs: deps.ecs,
      elb: deps.elb,
      ...(deps.cloudwatch && { cloudwatch: deps.cloudwatch }),
      ...(deps.sqs && { sqs: deps.sqs }),
      ...(deps.commands && { commands: deps.commands }),
      ...(deps.proxy && { proxy: deps.proxy }),
      ...(deps.signal && { signal: deps.signal })
    }
  )
  return report.checks.map((result): HealthCheckResult => {
    const alarm = result.name === ALARMS_CHECK || result.name === ALARM_PREFIX_CHECK
    return {
      name: alarm ? result.name : `health: ${result.name}`,
      kind: alarm ? 'alarms' : 'health',
      ok: result.ok,
      detail: result.cancelled
        ? `cancelled before a verdict (last: ${result.lastDetail})`
        : result.lastDetail,
      nextStep: result.cancelled
        ? `Re-run the gate: the run was cancelled while ${result.name} was being checked.`
        : alarm
          ? `Resolve the staging alarms (${result.target}) before promoting: ${result.lastDetail}`
          : `Make health check ${result.name} (${result.target}) pass on staging: ${result.lastDetail}`
    }
  })
}

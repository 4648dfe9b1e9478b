import type { CheckSpec } from '@fargate-promote/health'
import type { GateOptions } from './types.js'

export const DEFAULT_CHECKS_TIMEOUT_MS = 60_000
export const DEFAULT_ENVIRONMENT = 'staging'
export const ALARMS_CHECK = 'alarms'
export const ALARM_PREFIX_CHECK = 'alarms by prefix'

/** The alarm checks the gate adds to the user's health checks. */
export function alarmChecks(alarms: GateOptions['alarms']): CheckSpec[] {
  const checks: CheckSpec[] = []
  const names = alarms.names ?? []
  if (names.length > 0) {
    checks.push({
      type: 'cloudwatch-alarm',
      name: ALARMS_CHECK,
      alarms: names,
      failOnInsufficientData: false
    })
  }
  if (alarms.prefix !== undefined) {
    checks.push({
      type: 'cloudwatch-alarm',
      name: ALARM_PREFIX_CHECK,
      prefix: alarms.prefix,
      failOnInsufficientData: false
    })
  }
  return checks
}

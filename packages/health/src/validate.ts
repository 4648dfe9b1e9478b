import { ConfigurationError } from '@fargate-promote/common'
import { validateLoad } from './load.js'
import type { RunHealthChecksDeps, RunHealthChecksOptions } from './run.js'
import type { CheckType } from './types.js'

const CLIENT_FOR: Record<CheckType, { dep: keyof RunHealthChecksDeps; what: string } | undefined> =
  {
    http: undefined,
    'ecs-service': { dep: 'ecs', what: 'an ECS client' },
    'target-group': { dep: 'elb', what: 'an Elastic Load Balancing v2 client' },
    'cloudwatch-alarm': { dep: 'cloudwatch', what: 'a CloudWatch client' },
    'sqs-queue': { dep: 'sqs', what: 'an SQS client' }
  }

function fail(field: string, value: unknown, what: string): never {
  throw new ConfigurationError(`health checks option ${field}: '${String(value)}' ${what}`)
}

function positive(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(field, value, 'must be a duration longer than zero.')
  }
}

/** Every option and dependency checked before the first request. */
export function validateRunOptions(
  options: RunHealthChecksOptions,
  deps: RunHealthChecksDeps
): void {
  if (options.checks.length === 0) fail('checks', '[]', 'is empty. Define at least one check.')
  const seen = new Set<string>()
  for (const check of options.checks) {
    if (seen.has(check.name)) {
      fail('checks', check.name, 'is the name of two checks. Check names must be unique.')
    }
    seen.add(check.name)
  }
  if (options.mode !== 'verify' && options.mode !== 'monitor') {
    fail('mode', options.mode, "is not a mode. Use 'verify' or 'monitor'.")
  }
  if (!Number.isInteger(options.consecutiveSuccesses) || options.consecutiveSuccesses < 1) {
    fail('consecutiveSuccesses', options.consecutiveSuccesses, 'must be a whole number ≥ 1.')
  }
  positive('intervalMs', options.intervalMs)
  positive('timeoutMs', options.timeoutMs)
  if (options.timeoutMs < options.intervalMs) {
    fail(
      'timeoutMs',
      options.timeoutMs,
      `is shorter than the interval (${options.intervalMs} ms). Make the timeout at least one interval.`
    )
  }
  if (options.mode === 'monitor') {
    positive('durationMs', options.durationMs)
    if ((options.durationMs as number) < options.intervalMs) {
      fail(
        'durationMs',
        options.durationMs,
        `is shorter than the interval (${options.intervalMs} ms). Monitor for at least one interval.`
      )
    }
  }
  const limit = options.failureLimit
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    fail(
      'failureLimit',
      limit,
      'must be a whole number ≥ 0 (0: the first failed round fails the check).'
    )
  }
  const thresholds = options.thresholds
  if (thresholds?.p95Ms !== undefined) positive('thresholds.p95Ms', thresholds.p95Ms)
  if (thresholds?.p99Ms !== undefined) positive('thresholds.p99Ms', thresholds.p99Ms)
  const rate = thresholds?.maxErrorRate
  if (rate !== undefined && (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))) {
    fail('thresholds.maxErrorRate', rate, 'must be a fraction from 0 to 1 (0.01 = 1%).')
  }
  if (options.load !== undefined) validateLoad(options.load)
  for (const check of options.checks) {
    const needs = CLIENT_FOR[check.type]
    if (needs !== undefined && deps[needs.dep] === undefined) {
      throw new ConfigurationError(
        `check '${check.name}' (${check.type}) needs ${needs.what}, but none was given. Pass deps.${needs.dep}.`
      )
    }
    if (
      check.type === 'sqs-queue' &&
      check.maxAgeMs !== undefined &&
      deps.cloudwatch === undefined
    ) {
      throw new ConfigurationError(
        `check '${check.name}' (sqs-queue) field 'max-age' needs a CloudWatch client, but none was given. Pass deps.cloudwatch or drop max-age.`
      )
    }
  }
}

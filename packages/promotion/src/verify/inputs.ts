import {
  ConfigurationError,
  formatDuration,
  type InputReader,
  type RunContext
} from '@fargate-promote/common'
import { withEnvironmentConfig } from '../config/inputs.js'
import { readTarget } from '../inputs/common.js'
import {
  httpShorthand,
  loadChecks,
  type CheckSpec,
  type HealthMode,
  type LatencyThresholds,
  type RunHealthChecksOptions
} from '@fargate-promote/health'
import { fileRoots } from '../inputs/common.js'

/** Every setting of health-verify, read and checked once, before the first request. */
export interface VerifyInputs extends RunHealthChecksOptions {
  /** Where the checks came from, for the log: `input checks`, a file, or `input url`. */
  source: string
  /** monitor: how long to watch. verify: the same as timeoutMs, the longest a run lasts. */
  durationMs: number
  failureLimit: number
  thresholds: LatencyThresholds
  failOnUnhealthy: boolean
}

const HOUR = 3_600_000

async function readChecks(
  inputs: InputReader,
  context: RunContext
): Promise<{ checks: CheckSpec[]; source: string }> {
  const checksText = inputs.optional('checks')
  const url = inputs.url('url')
  const expectStatus = inputs.optional('expect-status')
  const bodyContains = inputs.optional('body-contains')
  if (checksText !== undefined && url !== undefined) {
    throw new ConfigurationError(
      "was given together with 'url'. Use 'url' for one HTTP check, or write it into 'checks' as '- name: http' with 'http: { url: … }'.",
      { input: 'checks' }
    )
  }
  if (url === undefined) {
    const given =
      expectStatus !== undefined
        ? 'expect-status'
        : bodyContains !== undefined
          ? 'body-contains'
          : undefined
    if (given !== undefined) {
      throw new ConfigurationError(
        "only applies to 'url'. In 'checks', write it as a field of the http check.",
        { input: given }
      )
    }
  }
  if (checksText !== undefined) {
    return loadChecks({ text: checksText, roots: fileRoots(context), input: 'checks' })
  }
  if (url === undefined) {
    throw inputs.notGiven(
      'checks',
      "a YAML list of checks (or the path of a .yml/.yaml/.json file), or 'url' for a single HTTP check"
    )
  }
  const check = httpShorthand({
    url,
    ...(expectStatus !== undefined && { expectStatus }),
    ...(bodyContains !== undefined && { bodyContains })
  })
  return { checks: [check], source: "input 'url'" }
}

/** `0.05` or `5%`: a fraction from 0 to 1. */
function readErrorRate(inputs: InputReader): number | undefined {
  const text = inputs.optional('max-error-rate')
  if (text === undefined) return undefined
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text)
  const rate = percent
    ? Number(percent[1]) / 100
    : /^\d+(?:\.\d+)?$/.test(text)
      ? Number(text)
      : Number.NaN
  if (!(rate >= 0 && rate <= 1)) {
    throw new ConfigurationError(
      `'${text}' is not a fraction from 0 to 1 (0.01) or a percentage from 0% to 100% (1%).`,
      { input: 'max-error-rate' }
    )
  }
  return rate
}

function readThresholds(inputs: InputReader): LatencyThresholds {
  const limits = { min: 1, max: 10 * 60_000 }
  const p95Ms = inputs.optionalDuration('p95-latency', limits)
  const p99Ms = inputs.optionalDuration('p99-latency', limits)
  const maxErrorRate = readErrorRate(inputs)
  return {
    ...(p95Ms !== undefined && { p95Ms }),
    ...(p99Ms !== undefined && { p99Ms }),
    ...(maxErrorRate !== undefined && { maxErrorRate })
  }
}

function tooShort(input: string, ms: number, intervalMs: number, what: string): ConfigurationError {
  return new ConfigurationError(
    `${formatDuration(ms)} is shorter than 'interval' (${formatDuration(intervalMs)}). ${what}`,
    { input }
  )
}

function readTiming(inputs: InputReader, mode: HealthMode) {
  const intervalMs = inputs.duration('interval', { defaultValue: '10s', min: 100, max: HOUR })
  const timeoutMs = inputs.duration('timeout', { defaultValue: '5m', min: 1000, max: 6 * HOUR })
  const durationMs = inputs.optionalDuration('duration', { min: 1000, max: 6 * HOUR })
  if (mode === 'verify') {
    if (durationMs !== undefined) {
      throw new ConfigurationError(
        "only applies to mode 'monitor'. In mode 'verify' the checks run until they pass or 'timeout' is up; set 'mode: monitor' to watch for a fixed time.",
        { input: 'duration' }
      )
    }
    if (timeoutMs < intervalMs) {
      throw tooShort('timeout', timeoutMs, intervalMs, 'Give the checks at least one interval.')
    }
    return { intervalMs, timeoutMs, durationMs: timeoutMs }
  }
  if (durationMs === undefined) {
    throw inputs.notGiven('duration', "how long to watch with mode 'monitor', such as 10m")
  }
  if (durationMs < intervalMs) {
    throw tooShort('duration', durationMs, intervalMs, 'Monitor for at least one interval.')
  }
  // In monitor mode the duration bounds the run; the checks' own timeout is the same.
  return { intervalMs, timeoutMs: durationMs, durationMs }
}

/** Settings that only HTTP checks use, given without any HTTP check: a mistake worth naming. */
function checkHttpOnly(inputs: VerifyInputs, requests: number, concurrency: number): void {
  if (inputs.checks.some(check => check.type === 'http')) return
  const { thresholds } = inputs
  const httpOnly = [
    ['requests', requests > 1],
    ['concurrency', concurrency > 1],
    ['p95-latency', thresholds.p95Ms !== undefined],
    ['p99-latency', thresholds.p99Ms !== undefined],
    ['max-error-rate', thresholds.maxErrorRate !== undefined]
  ] as const
  const given = httpOnly.find(([, set]) => set)
  if (given) {
    throw new ConfigurationError(
      `applies to http checks, but ${inputs.source} has none. Add an http check or drop '${given[0]}'.`,
      { input: given[0] }
    )
  }
}

/** health-verify's settings, from an action's inputs or any other InputReader. */
export async function readVerifyInputs(
  given: InputReader,
  context: RunContext
): Promise<VerifyInputs> {
  const inputs = await withEnvironmentConfig(given, { action: 'verify', context })
  const { checks, source } = await readChecks(inputs, context)
  const mode = inputs.choice<HealthMode>('mode', ['verify', 'monitor'], 'verify')
  const timing = readTiming(inputs, mode)
  const consecutiveSuccesses = inputs.integer('consecutive-successes', {
    min: 1,
    max: 100,
    defaultValue: 3
  })
  const failureLimit = inputs.integer('failure-limit', { min: 0, max: 10_000, defaultValue: 0 })
  const requests = inputs.integer('requests', { min: 1, max: 10_000, defaultValue: 1 })
  const concurrency = inputs.integer('concurrency', { min: 1, max: 256, defaultValue: 1 })
  if (concurrency > 1 && requests === 1) {
    throw new ConfigurationError(
      `${concurrency} only applies when 'requests' is more than 1: give how many requests each round sends.`,
      { input: 'concurrency' }
    )
  }
  const target = readTarget(inputs)
  const verify: VerifyInputs = {
    checks,
    source,
    mode,
    ...timing,
    consecutiveSuccesses,
    failureLimit,
    thresholds: readThresholds(inputs),
    failOnUnhealthy: inputs.boolean('fail-on-unhealthy', true),
    ...(requests > 1 && { load: { requests, concurrency } }),
    ...(target !== undefined && { target })
  }
  checkHttpOnly(verify, requests, concurrency)
  return verify
}

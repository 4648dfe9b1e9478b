import {
  ConfigurationError,
  formatDuration,
  isRead,
  quoteValue,
  SettingProblems,
  type InputReader,
  type ProxySettings,
  type Reading,
  type RunContext
} from '@fargate-promote/common'
import { withEnvironmentConfig } from '../config/inputs.js'
import { readTarget } from '../inputs/common.js'
import {
  checkProxyUse,
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

/** `expect-status` and `body-contains` given without `url`: each is its own problem. */
function urlOnlySettings(inputs: InputReader, problems: SettingProblems): void {
  for (const name of ['expect-status', 'body-contains']) {
    if (inputs.optional(name) === undefined) continue
    problems.add(
      new ConfigurationError(
        "only applies to 'url'. In 'checks', write it as a field of the http check.",
        { input: name }
      )
    )
  }
}

async function readChecks(
  inputs: InputReader,
  context: RunContext
): Promise<{ checks: CheckSpec[]; source: string }> {
  const problems = new SettingProblems()
  const checksText = inputs.optional('checks')
  const urlGiven = inputs.optional('url') !== undefined
  const url = problems.read(() => inputs.url('url'))
  if (checksText !== undefined && urlGiven) {
    problems.add(
      new ConfigurationError(
        "was given together with 'url'. Use 'url' for one HTTP check, or write it into 'checks' as '- name: http' with 'http: { url: … }'.",
        { input: 'checks' }
      )
    )
  }
  if (!urlGiven) urlOnlySettings(inputs, problems)
  const loaded =
    checksText === undefined
      ? undefined
      : await problems.readAsync(() =>
          loadChecks({
            text: checksText,
            roots: fileRoots(context),
            input: 'checks',
            from: inputs.subjectOf('checks')
          })
        )
  if (checksText === undefined && !urlGiven) {
    problems.add(
      inputs.notGiven(
        'checks',
        "a YAML list of checks (or the path of a .yml/.yaml/.json file), or 'url' for a single HTTP check"
      )
    )
  }
  const read = problems.finish({ loaded, url })
  if (read.loaded !== undefined) return read.loaded
  const expectStatus = inputs.optional('expect-status')
  const bodyContains = inputs.optional('body-contains')
  const check = httpShorthand({
    url: read.url as string,
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
      `${quoteValue(text)} is not a fraction from 0 to 1 (0.01) or a percentage from 0% to 100% (1%).`,
      { input: 'max-error-rate' }
    )
  }
  return rate
}

function readThresholds(inputs: InputReader): LatencyThresholds {
  const limits = { min: 1, max: 10 * 60_000 }
  const problems = new SettingProblems()
  const { p95Ms, p99Ms, maxErrorRate } = problems.finish({
    p95Ms: problems.read(() => inputs.optionalDuration('p95-latency', limits)),
    p99Ms: problems.read(() => inputs.optionalDuration('p99-latency', limits)),
    maxErrorRate: problems.read(() => readErrorRate(inputs))
  })
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

function readDurations(inputs: InputReader) {
  const problems = new SettingProblems()
  return problems.finish({
    intervalMs: problems.read(() =>
      inputs.duration('interval', { defaultValue: '10s', min: 100, max: HOUR })
    ),
    timeoutMs: problems.read(() =>
      inputs.duration('timeout', { defaultValue: '5m', min: 1000, max: 6 * HOUR })
    ),
    durationMs: problems.read(() =>
      inputs.optionalDuration('duration', { min: 1000, max: 6 * HOUR })
    )
  })
}

/** The durations, and how they fit `mode`; a mode that could not be read checks the forms only. */
function readTiming(inputs: InputReader, mode: Reading<HealthMode>) {
  const { intervalMs, timeoutMs, durationMs } = readDurations(inputs)
  // The mode's own problem is reported; the run never starts, so these values are never used.
  if (!isRead(mode)) return { intervalMs, timeoutMs, durationMs: timeoutMs }
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
function checkHttpOnly(
  checks: { checks: CheckSpec[]; source: string },
  thresholds: LatencyThresholds,
  load: { requests: number; concurrency: number }
): void {
  if (checks.checks.some(check => check.type === 'http')) return
  const httpOnly = [
    ['requests', load.requests > 1],
    ['concurrency', load.concurrency > 1],
    ['p95-latency', thresholds.p95Ms !== undefined],
    ['p99-latency', thresholds.p99Ms !== undefined],
    ['max-error-rate', thresholds.maxErrorRate !== undefined]
  ] as const
  const given = httpOnly.find(([, set]) => set)
  if (given) {
    throw new ConfigurationError(
      `applies to http checks, but ${checks.source} has none. Add an http check or drop '${given[0]}'.`,
      { input: given[0] }
    )
  }
}

/** `requests` and `concurrency`: concurrency needs several requests a round. */
function readLoad(inputs: InputReader): { requests: number; concurrency: number } {
  const problems = new SettingProblems()
  const { requests, concurrency } = problems.finish({
    requests: problems.read(() =>
      inputs.integer('requests', { min: 1, max: 10_000, defaultValue: 1 })
    ),
    concurrency: problems.read(() =>
      inputs.integer('concurrency', { min: 1, max: 256, defaultValue: 1 })
    )
  })
  if (concurrency > 1 && requests === 1) {
    throw new ConfigurationError(
      `${concurrency} only applies when 'requests' is more than 1: give how many requests each round sends.`,
      { input: 'concurrency' }
    )
  }
  return { requests, concurrency }
}

/** Every setting, each read on its own so that one run reports every problem. */
async function readSettings(
  inputs: InputReader,
  context: RunContext,
  problems: SettingProblems,
  proxy: ProxySettings | undefined
) {
  const read = <T>(fn: () => T) => problems.read(fn)
  const checks = await problems.readAsync(() => readChecks(inputs, context))
  // An unusable proxy variable a check would go through, reported with the inputs' problems.
  if (isRead(checks)) read(() => checkProxyUse(checks.checks, proxy))
  const mode = read(() => inputs.choice<HealthMode>('mode', ['verify', 'monitor'], 'verify'))
  const thresholds = read(() => readThresholds(inputs))
  const load = read(() => readLoad(inputs))
  if (isRead(checks) && isRead(thresholds) && isRead(load)) {
    read(() => checkHttpOnly(checks, thresholds, load))
  }
  return problems.finish({
    checks,
    mode,
    thresholds,
    load,
    timing: read(() => readTiming(inputs, mode)),
    consecutiveSuccesses: read(() =>
      inputs.integer('consecutive-successes', { min: 1, max: 100, defaultValue: 3 })
    ),
    failureLimit: read(() =>
      inputs.integer('failure-limit', { min: 0, max: 10_000, defaultValue: 0 })
    ),
    target: read(() => readTarget(inputs)),
    failOnUnhealthy: read(() => inputs.boolean('fail-on-unhealthy', true))
  })
}

/**
 * health-verify's settings, from an action's inputs or any other InputReader. Every problem
 * is reported at once (a ConfigurationErrors when there are several), with an unusable `proxy`
 * variable that an HTTP check would go through.
 */
export async function readVerifyInputs(
  given: InputReader,
  context: RunContext,
  proxy?: ProxySettings
): Promise<VerifyInputs> {
  const problems = new SettingProblems()
  const inputs = await withEnvironmentConfig(given, { action: 'verify', context, problems })
  const settings = await readSettings(inputs, context, problems, proxy)
  const { load, target } = settings
  return {
    checks: settings.checks.checks,
    source: settings.checks.source,
    mode: settings.mode,
    ...settings.timing,
    consecutiveSuccesses: settings.consecutiveSuccesses,
    failureLimit: settings.failureLimit,
    thresholds: settings.thresholds,
    failOnUnhealthy: settings.failOnUnhealthy,
    ...(load.requests > 1 && { load }),
    ...(target !== undefined && { target })
  }
}

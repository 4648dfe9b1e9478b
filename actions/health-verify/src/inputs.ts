import { formatDuration } from '@fargate-promote/common'
import {
  httpShorthand,
  loadChecks,
  type CheckSpec,
  type HealthMode,
  type LatencyThresholds,
  type LoadOptions
} from '@fargate-promote/health'
import {
  ConfigurationError,
  getBoolean,
  getChoice,
  getDuration,
  getInteger,
  getOptionalString,
  type RunContext
} from '@fargate-promote/runner'

/** Every input of health-verify, parsed and checked before the first request. */
export interface HealthSettings {
  checks: CheckSpec[]
  /** Where the checks came from, for the log: `input checks`, a file, or `input url`. */
  source: string
  mode: HealthMode
  timeoutMs: number
  intervalMs: number
  consecutiveSuccesses: number
  /** monitor: how long to watch. verify: the same as timeoutMs, the longest a run lasts. */
  durationMs: number
  failureLimit: number
  /** Set when `requests` is more than 1: HTTP checks send a batch per round. */
  load?: LoadOptions
  thresholds: LatencyThresholds
  failOnUnhealthy: boolean
}

const HOUR = 3_600_000
function readChecks(workspace: string): { checks: CheckSpec[]; source: string } {
  const checksText = getOptionalString('checks')
  const url = getOptionalString('url')
  const expectStatus = getOptionalString('expect-status')
  const bodyContains = getOptionalString('body-contains')
  if (checksText !== undefined && url !== undefined) {
    throw new ConfigurationError(
      "Inputs 'checks' and 'url' were both given. Use 'url' for one HTTP check, or write it into 'checks' as '- name: http' with 'http: { url: … }'."
    )
  }
  if (url === undefined) {
    for (const [name, value] of [
      ['expect-status', expectStatus],
      ['body-contains', bodyContains]
    ] as const) {
      if (value !== undefined) {
        throw new ConfigurationError(
          `Input '${name}' only applies to 'url'. In 'checks', write it as a field of the http check.`
        )
      }
    }
  }
  if (checksText !== undefined)
    return loadChecks({ text: checksText, baseDir: workspace, what: "Input 'checks'" })
  if (url !== undefined) {
    const options: Parameters<typeof httpShorthand>[0] = { url, source: "Input 'url'" }
    if (expectStatus !== undefined) options.expectStatus = expectStatus
    if (bodyContains !== undefined) options.bodyContains = bodyContains
    const check = httpShorthand(options)
    return { checks: [check], source: "input 'url'" }
  }
  throw new ConfigurationError(
    "Input 'checks' is required: give a YAML list of checks (or the path of a .yml/.yaml/.json file), or 'url' for a single HTTP check."
  )
}

/** `0.05` or `5%`: a fraction from 0 to 1. */
function readErrorRate(): number | undefined {
  const text = getOptionalString('max-error-rate')
  if (text === undefined) return undefined
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text)
  const rate = percent
    ? Number(percent[1]) / 100
    : /^\d+(?:\.\d+)?$/.test(text)
      ? Number(text)
      : Number.NaN
  if (!(rate >= 0 && rate <= 1)) {
    throw new ConfigurationError(
      `Input 'max-error-rate' must be a fraction from 0 to 1 (0.01) or a percentage from 0% to 100% (1%), got '${text}'.`
    )
  }
  return rate
}

function readThresholds(): LatencyThresholds {
  const thresholds: LatencyThresholds = {}
  const limits = { min: 1, max: 10 * 60_000 }
  if (getOptionalString('p95-latency') !== undefined) {
    thresholds.p95Ms = getDuration('p95-latency', limits)
  }
  if (getOptionalString('p99-latency') !== undefined) {
    thresholds.p99Ms = getDuration('p99-latency', limits)
  }
  const maxErrorRate = readErrorRate()
  if (maxErrorRate !== undefined) thresholds.maxErrorRate = maxErrorRate
  return thresholds
}

function readTiming(mode: HealthMode) {
  const intervalMs = getDuration('interval', { defaultValue: '10s', min: 100, max: HOUR })
  const timeoutMs = getDuration('timeout', { defaultValue: '5m', min: 1000, max: 6 * HOUR })
  const durationText = getOptionalString('duration')
  if (mode === 'verify') {
    if (durationText !== undefined) {
      throw new ConfigurationError(
        "Input 'duration' only applies to mode 'monitor'. In mode 'verify' the checks run until they pass or 'timeout' is up; set 'mode: monitor' to watch for a fixed time."
      )
    }
    if (timeoutMs < intervalMs) {
      throw new ConfigurationError(
        `Input 'timeout' (${formatDuration(timeoutMs)}) is shorter than 'interval' (${formatDuration(intervalMs)}). Give the checks at least one interval.`
      )
    }
    return { intervalMs, timeoutMs, durationMs: timeoutMs }
  }
  if (durationText === undefined) {
    throw new ConfigurationError(
      "Input 'duration' is required with mode 'monitor': give how long to watch, such as 10m."
    )
  }
  const durationMs = getDuration('duration', { min: 1000, max: 6 * HOUR })
  if (durationMs < intervalMs) {
    throw new ConfigurationError(
      `Input 'duration' (${formatDuration(durationMs)}) is shorter than 'interval' (${formatDuration(intervalMs)}). Monitor for at least one interval.`
    )
  }
  return { intervalMs, timeoutMs, durationMs }
}

export function readHealthSettings(context: RunContext): HealthSettings {
  const { checks, source } = readChecks(context.workspace)
  const mode = getChoice<HealthMode>('mode', ['verify', 'monitor'], 'verify')
  const timing = readTiming(mode)
  const consecutiveSuccesses = getInteger('consecutive-successes', {
    min: 1,
    max: 100,
    defaultValue: 3
  })
  const failureLimit = getInteger('failure-limit', { min: 0, max: 10_000, defaultValue: 0 })
  const requests = getInteger('requests', { min: 1, max: 10_000, defaultValue: 1 })
  const concurrency = getInteger('concurrency', { min: 1, max: 256, defaultValue: 1 })
  if (concurrency > 1 && requests === 1) {
    throw new ConfigurationError(
      `Input 'concurrency' (${concurrency}) only applies when 'requests' is more than 1: give how many requests each round sends.`
    )
  }
  const thresholds = readThresholds()
  const hasHttp = checks.some(check => check.type === 'http')
  if (!hasHttp) {
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
        `Input '${given[0]}' applies to http checks, but ${source} has none. Add an http check or drop '${given[0]}'.`
      )
    }
  }
  const settings: HealthSettings = {
    checks,
    source,
    mode,
    timeoutMs: timing.timeoutMs,
    intervalMs: timing.intervalMs,
    durationMs: timing.durationMs,
    consecutiveSuccesses,
    failureLimit,
    thresholds,
    failOnUnhealthy: getBoolean('fail-on-unhealthy', true)
  }
  if (requests > 1) settings.load = { requests, concurrency }
  return settings
}

import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import type { ECSClient } from '@aws-sdk/client-ecs'
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { formatDuration, type Clock, type Logger } from '@fargate-promote/common'
import {
  percentile,
  summarizeLatency,
  thresholdViolations,
  type LatencyThresholds
} from './analysis.js'
import { sampleLoad, type LoadOptions } from './load.js'
import { probeAlarms } from './probes/alarm.js'
import { probeEcsService } from './probes/ecs-service.js'
import {
  createHttpAgents,
  destroyHttpAgents,
  httpTarget,
  probeHttp,
  type HttpAgents
} from './probes/http.js'
import { probeSqsQueue } from './probes/sqs.js'
import { probeTargetGroup } from './probes/target-group.js'
import { judgeRound } from './round.js'
import type { CheckResult, CheckSpec, HealthMode, HealthReport, Sample } from './types.js'
import { validateRunOptions } from './validate.js'

export interface RunHealthChecksOptions {
  checks: CheckSpec[]
  mode: HealthMode
  /** verify: give up on a check this long after the start. */
  timeoutMs: number
  /** Each check's rounds start this far apart, on its own schedule. */
  intervalMs: number
  /** verify: passing rounds in a row a check needs. */
  consecutiveSuccesses: number
  /** monitor: how long to keep sampling. */
  durationMs?: number
  /** monitor: a check fails once its failed rounds exceed this (Argo Rollouts semantics). Default 0. */
  failureLimit?: number
  /** HTTP checks send this many requests per round instead of one. */
  load?: LoadOptions
  thresholds?: LatencyThresholds
}

export interface RunHealthChecksDeps {
  clock: Clock
  log: Logger
  ecs?: ECSClient
  elb?: ElasticLoadBalancingV2Client
  cloudwatch?: CloudWatchClient
  sqs?: SQSClient
  /**
   * Cancellation (the runner's SIGINT): no new round starts, the wait for the next one ends at
   * once, HTTP requests in flight are aborted (AWS calls in flight are let finish), and the
   * run resolves with a `cancelled` report of what was gathered so far. It never throws for it.
   */
  signal?: AbortSignal
}

interface CheckState {
  spec: CheckSpec
  attempts: number
  passes: number
  failures: number
  consecutive: number
  lastDetail: string
  /** The last round's outcome, to log only changes. */
  lastOk: boolean | undefined
  ok: boolean
  latencies: number[]
  agents?: HttpAgents
  /** The run was cancelled before this check reached its verdict. */
  cancelled: boolean
}

export function checkTarget(spec: CheckSpec): string {
  switch (spec.type) {
    case 'http':
      return httpTarget(spec)
    case 'ecs-service':
      return `${spec.cluster}/${spec.service}`
    case 'target-group':
      return spec.targetGroup
    case 'cloudwatch-alarm':
      return spec.alarms !== undefined ? spec.alarms.join(', ') : `${spec.prefix ?? ''}*`
    case 'sqs-queue':
      return spec.queue
  }
}

function takeRound(
  state: CheckState,
  options: RunHealthChecksOptions,
  deps: RunHealthChecksDeps,
  since: number
): Promise<Sample[]> {
  const { spec } = state
  const { clock } = deps
  // validateRunOptions has checked that the client each type needs is present.
  switch (spec.type) {
    case 'http': {
      const httpDeps = { clock, agents: state.agents as HttpAgents, signal: deps.signal }
      if (options.load) return sampleLoad(spec, options.load, httpDeps)
      return probeHttp(spec, httpDeps).then(sample => [sample])
    }
    case 'ecs-service':
      return probeEcsService(spec, { ecs: deps.ecs as ECSClient, clock, since }).then(s => [s])
    case 'target-group':
      return probeTargetGroup(spec, { elb: deps.elb as ElasticLoadBalancingV2Client, clock }).then(
        s => [s]
      )
    case 'cloudwatch-alarm':
      return probeAlarms(spec, { cloudwatch: deps.cloudwatch as CloudWatchClient, clock }).then(
        s => [s]
      )
    case 'sqs-queue': {
      const sqsDeps = { sqs: deps.sqs as SQSClient, clock, cloudwatch: deps.cloudwatch }
      return probeSqsQueue(spec, sqsDeps).then(s => [s])
    }
  }
}

/**
 * Sleep until `ms` have passed or `wake` aborts. The signal goes to the clock, so the system
 * clock clears its timer (no timer outlives the run); the race covers clocks that ignore it.
 */
async function pause(clock: Clock, ms: number, wake: AbortSignal): Promise<void> {
  if (wake.aborted) return
  let onWake: () => void = () => undefined
  const woken = new Promise<void>(resolve => {
    onWake = resolve
    wake.addEventListener('abort', onWake, { once: true })
  })
  try {
    await Promise.race([clock.sleep(ms, wake), woken])
  } finally {
    wake.removeEventListener('abort', onWake)
  }
}

/**
 * Runs every check on its own schedule and returns the verdict.
 *
 * verify: each check repeats every intervalMs until it has passed consecutiveSuccesses rounds in
 * a row, or timeoutMs since the start has gone by. monitor: each check repeats every intervalMs
 * for durationMs; the run stops as soon as one check has failed more than failureLimit rounds.
 * Checks run concurrently and each loop keeps its own clock, so a slow check never delays
 * another's rounds or deadline. Bad options or a missing AWS client: ConfigurationError before
 * any request. When deps.signal aborts, the run ends as soon as the rounds in flight have (HTTP
 * requests are aborted) and resolves with a `cancelled` report: see RunHealthChecksDeps.signal.
 */
export async function runHealthChecks(
  options: RunHealthChecksOptions,
  deps: RunHealthChecksDeps
): Promise<HealthReport> {
  validateRunOptions(options, deps)
  const { clock, log, signal } = deps
  const startedAt = clock.now()
  const deadline =
    startedAt + (options.mode === 'verify' ? options.timeoutMs : (options.durationMs as number))
  const failureLimit = options.failureLimit ?? 0
  const samples: Sample[] = []
  // Wakes every loop from its wait: a monitor check has tripped, or the caller cancelled.
  const wake = new AbortController()
  const onCancel = () => {
    log.info('Cancelled: no new round starts; reporting what was seen so far')
    wake.abort()
  }
  if (signal?.aborted) onCancel()
  else signal?.addEventListener('abort', onCancel, { once: true })
  let tripped: CheckState | undefined

  const states: CheckState[] = options.checks.map(spec => ({
    spec,
    attempts: 0,
    passes: 0,
    failures: 0,
    consecutive: 0,
    lastDetail: 'not run',
    lastOk: undefined,
    ok: false,
    latencies: [],
    cancelled: false,
    ...(spec.type === 'http'
      ? { agents: createHttpAgents(spec, options.load?.concurrency ?? 1) }
      : {})
  }))

  /**
   * Keeps the round's samples and judges it. A round cut short by the cancellation is not
   * judged (false): its finished requests are real observations and are kept, but a verdict on
   * part of a round would be made up.
   */
  const record = (state: CheckState, round: Sample[]): boolean => {
    for (const sample of round) {
      if (sample.cancelled) continue
      samples.push(sample)
      if (sample.latencyMs !== undefined) state.latencies.push(sample.latencyMs)
    }
    if (round.some(sample => sample.cancelled)) return false
    const verdict = judgeRound(round, options.thresholds)
    state.attempts++
    state.lastDetail = verdict.detail
    if (verdict.ok) {
      state.passes++
      state.consecutive++
    } else {
      state.failures++
      state.consecutive = 0
    }
    if (verdict.ok !== state.lastOk) {
      log.info(
        `${verdict.ok ? '✓' : '✗'} ${state.spec.name} ${verdict.ok ? 'passing' : 'failing'}: ${verdict.detail}`
      )
    }
    state.lastOk = verdict.ok
    return true
  }

  // Every verdict returns; only a cancellation breaks out of the loop.
  const loop = async (state: CheckState) => {
    for (;;) {
      if (signal?.aborted) break
      const roundStart = clock.now()
      if (!record(state, await takeRound(state, options, deps, startedAt))) break
      if (options.mode === 'verify' && state.consecutive >= options.consecutiveSuccesses) {
        state.ok = true
        log.info(`✓ ${state.spec.name} healthy: ${rounds(state.consecutive, 'passing ')} in a row`)
        return
      }
      if (options.mode === 'monitor' && state.failures > failureLimit) {
        if (tripped === undefined) tripped = state
        log.warning(
          `✗ ${state.spec.name} failed ${state.failures} rounds, more than the failure limit ${failureLimit}: stopping`
        )
        wake.abort()
        return
      }
      if (tripped !== undefined) {
        state.ok = true
        return
      }
      const nextAt = roundStart + options.intervalMs
      if (Math.max(nextAt, clock.now()) > deadline) {
        state.ok = options.mode === 'monitor'
        return
      }
      await pause(clock, Math.max(0, nextAt - clock.now()), wake.signal)
      if (tripped !== undefined) {
        state.ok = true
        return
      }
    }
    state.cancelled = true
  }

  try {
    await Promise.all(states.map(loop))
  } finally {
    signal?.removeEventListener('abort', onCancel)
    for (const state of states) if (state.agents) destroyHttpAgents(state.agents)
  }

  return buildReport(options, states, samples, startedAt, clock.now(), tripped)
}

function rounds(count: number, adjective = ''): string {
  return `${count} ${adjective}round${count === 1 ? '' : 's'}`
}

function describeFailure(
  state: CheckState,
  options: RunHealthChecksOptions,
  failureLimit: number
): string {
  const { name } = state.spec
  if (options.mode === 'monitor') {
    return `${name} failed ${state.failures} of ${state.attempts} rounds, more than the failure limit ${failureLimit}; last: ${state.lastDetail}`
  }
  return `${name} did not pass ${rounds(options.consecutiveSuccesses)} in a row within ${formatDuration(options.timeoutMs)} (${state.passes} of ${state.attempts} passed); last: ${state.lastDetail}`
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
        ? `, ${state.consecutive} of ${options.consecutiveSuccesses} in a row`
        : ''
    return `${name} passed ${state.passes} of ${rounds(state.attempts)}${streak} (last: ${state.lastDetail})`
  }
  if (!state.ok) return describeFailure(state, options, failureLimit)
  return options.mode === 'verify'
    ? `${name} healthy (${rounds(state.consecutive, 'passing ')} in a row)`
    : `${name} passed ${state.passes} of ${rounds(state.attempts)}`
}

function buildReport(
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

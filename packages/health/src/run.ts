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
      const agents = state.agents as HttpAgents
      if (options.load) return sampleLoad(spec, options.load, { clock, agents })
      return probeHttp(spec, { clock, agents }).then(sample => [sample])
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

/** Resolves when someone calls stop(); lets a monitor end early without waiting out sleeps. */
class StopSignal {
  stopped = false
  readonly promise: Promise<void>
  private resolve: () => void = () => undefined

  constructor() {
    this.promise = new Promise(resolve => (this.resolve = resolve))
  }

  stop(): void {
    this.stopped = true
    this.resolve()
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
 * any request.
 */
export async function runHealthChecks(
  options: RunHealthChecksOptions,
  deps: RunHealthChecksDeps
): Promise<HealthReport> {
  validateRunOptions(options, deps)
  const { clock, log } = deps
  const startedAt = clock.now()
  const deadline =
    startedAt + (options.mode === 'verify' ? options.timeoutMs : (options.durationMs as number))
  const failureLimit = options.failureLimit ?? 0
  const samples: Sample[] = []
  const stop = new StopSignal()
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
    ...(spec.type === 'http'
      ? { agents: createHttpAgents(spec, options.load?.concurrency ?? 1) }
      : {})
  }))

  const record = (state: CheckState, round: Sample[]) => {
    for (const sample of round) {
      samples.push(sample)
      if (sample.latencyMs !== undefined) state.latencies.push(sample.latencyMs)
    }
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
  }

  const loop = async (state: CheckState) => {
    for (;;) {
      const roundStart = clock.now()
      record(state, await takeRound(state, options, deps, startedAt))
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
        stop.stop()
        return
      }
      if (stop.stopped) {
        state.ok = options.mode === 'monitor'
        return
      }
      const nextAt = roundStart + options.intervalMs
      if (Math.max(nextAt, clock.now()) > deadline) {
        state.ok = options.mode === 'monitor'
        return
      }
      await Promise.race([clock.sleep(Math.max(0, nextAt - clock.now())), stop.promise])
      if (stop.stopped) {
        state.ok = options.mode === 'monitor'
        return
      }
    }
  }

  try {
    await Promise.all(states.map(loop))
  } finally {
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
    return result
  })
  const httpSamples = samples.filter(sample => sample.type === 'http')
  const hasHttp = states.some(state => state.spec.type === 'http')
  const latency = hasHttp ? summarizeLatency(httpSamples) : undefined
  const reasons = states
    .filter(state => !state.ok)
    .sort((a, b) => (a === tripped ? -1 : b === tripped ? 1 : 0))
    .map(state => describeFailure(state, options, failureLimit))
  if (tripped !== undefined) {
    reasons[0] += ` (stopped early after ${formatDuration(finishedAt - startedAt)})`
  }
  // Over a whole monitor run the thresholds judge the service, not just single rounds; in
  // verify the early rounds before a check settled would unfairly count against it.
  if (options.mode === 'monitor' && latency !== undefined) {
    for (const violation of thresholdViolations(latency, options.thresholds)) {
      reasons.push(`over all HTTP requests: ${violation}`)
    }
  }
  const report: HealthReport = {
    healthy: reasons.length === 0,
    mode: options.mode,
    failedChecks: checks.filter(check => !check.ok).map(check => check.name),
    checks,
    samples,
    latency,
    startedAt,
    finishedAt
  }
  if (reasons.length > 0) report.reason = reasons.join('; ')
  return report
}

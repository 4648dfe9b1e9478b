import type { Logger, ProxySettings } from '@fargate-promote/common'
import type { LatencyThresholds } from './analysis.js'
import type { LoadOptions } from './load.js'
import { createHttpAgents, type HttpAgents } from './probes/http.js'
import { judgeRound } from './round.js'
import type { RunHealthChecksOptions } from './run-types.js'
import type { CheckSpec, Sample } from './types.js'

/** One check during a run: its rounds so far and, once reached, its verdict. */
export interface CheckState {
  spec: CheckSpec
  attempts: number
  passes: number
  failures: number
  /** Rounds whose AWS read failed with an error that heals: neither a pass nor a failure. */
  unreadable: number
  consecutive: number
  lastDetail: string
  /** command checks: the last round's output tail, when it printed any. */
  lastOutput?: string
  /** The last round's outcome, to log only changes (null: AWS could not be read). */
  lastOk: boolean | null | undefined
  ok: boolean
  latencies: number[]
  agents?: HttpAgents
  /** The run was cancelled before this check reached its verdict. */
  cancelled: boolean
}

export function newCheckState(
  spec: CheckSpec,
  load: LoadOptions | undefined,
  proxy?: ProxySettings
): CheckState {
  return {
    spec,
    attempts: 0,
    passes: 0,
    failures: 0,
    unreadable: 0,
    consecutive: 0,
    lastDetail: 'not run',
    lastOk: undefined,
    ok: false,
    latencies: [],
    cancelled: false,
    ...(spec.type === 'http'
      ? { agents: createHttpAgents(spec, load?.concurrency ?? 1, proxy) }
      : {})
  }
}

/**
 * Keeps a round's samples and judges it. A round cut short by the cancellation is not judged
 * (false): its finished requests are real observations and are kept, but a verdict on part of
 * a round would be made up.
 */
export function recordRound(
  state: CheckState,
  round: Sample[],
  samples: Sample[],
  thresholds: LatencyThresholds | undefined,
  log: Logger
): boolean {
  for (const sample of round) {
    if (sample.cancelled) continue
    samples.push(sample)
    if (sample.latencyMs !== undefined) state.latencies.push(sample.latencyMs)
  }
  if (round.some(sample => sample.cancelled)) return false
  state.attempts++
  if (round.length > 0 && round.every(sample => sample.unreadable)) {
    recordUnreadable(state, round[0]?.detail ?? '', log)
    return true
  }
  const verdict = judgeRound(round, thresholds)
  state.lastDetail = verdict.detail
  const output = round[0]?.output
  if (output !== undefined) state.lastOutput = output
  else delete state.lastOutput
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
    // Why a command failed is in its output: show its end once, when it starts failing.
    if (!verdict.ok && output !== undefined) {
      for (const line of output.split('\n')) log.info(`    ${line}`)
    }
  }
  state.lastOk = verdict.ok
  return true
}

/**
 * AWS could not be read this round (throttling, a 5xx): the streak is neither extended nor
 * broken, and the round is no failure, so a throttled account cannot fail a healthy service;
 * a deadline reached this way says so (describeFailure).
 */
function recordUnreadable(state: CheckState, detail: string, log: Logger): void {
  state.unreadable++
  state.lastDetail = detail
  if (state.lastOk !== null) {
    log.info(`? ${state.spec.name} not read this round, counted neither way: ${detail}`)
  }
  state.lastOk = null
}

/**
 * Passing rounds in a row a check needs in verify mode: one for a command check, whose pass is
 * a verdict of its own (see CommandCheckSpec), consecutive-successes for the others.
 */
export function successesNeeded(spec: CheckSpec, options: RunHealthChecksOptions): number {
  return spec.type === 'command' ? 1 : options.consecutiveSuccesses
}

/** A command check in verify mode has used every run it was given (see CommandCheckSpec). */
export function outOfAttempts(state: CheckState): boolean {
  return state.spec.type === 'command' && state.failures >= state.spec.attempts
}

export function rounds(count: number, adjective = ''): string {
  return `${count} ${adjective}round${count === 1 ? '' : 's'}`
}

/**
 * A monitor window passes a check only if AWS answered at least half of its rounds: rounds it
 * could not read count neither way (a throttled read is no failure), but a window AWS never
 * answered observed nothing, and a rollback waiting on it must not be skipped.
 */
export function readMostly(state: CheckState): boolean {
  return state.unreadable * 2 <= state.attempts && state.attempts > state.unreadable
}

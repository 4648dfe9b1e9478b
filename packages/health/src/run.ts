import { formatDuration, startWaiting, type Waiting } from '@fargate-promote/common'
import { buildReport } from './build-report.js'
import {
  newCheckState,
  readMostly,
  outOfAttempts,
  recordRound,
  rounds,
  successesNeeded,
  type CheckState
} from './check-state.js'
import { requireClients } from './clients-needed.js'
import { probeRound } from './probe-round.js'
import { destroyHttpAgents } from './probes/http.js'
import type { RunHealthChecksDeps, RunHealthChecksOptions } from './run-types.js'
import type { HealthReport, Sample } from './types.js'

export type { RunHealthChecksDeps, RunHealthChecksOptions } from './run-types.js'
export { checkTarget } from './probe-round.js'

/** What every check's loop shares: the samples, the deadline, and who tripped a monitor run. */
interface RunState {
  options: RunHealthChecksOptions
  deps: RunHealthChecksDeps
  startedAt: number
  deadline: number
  samples: Sample[]
  /** Wakes every loop from its wait: a monitor check has tripped, or the caller cancelled. */
  wake: AbortController
  /** The run's heartbeat: every wait between rounds sleeps through it. */
  waiting: Waiting
  /** Checks whose loop has ended (a verdict, or the run's end). */
  finished: Set<CheckState>
  tripped?: CheckState
}

/** Rounds of one check until its verdict; only a cancellation breaks out without one. */
async function checkLoop(run: RunState, state: CheckState): Promise<void> {
  const { options, deps } = run
  const { clock, log, signal } = deps
  const failureLimit = options.failureLimit ?? 0
  while (!signal?.aborted) {
    const roundStart = clock.now()
    const round = await probeRound(state, options, deps, run.startedAt)
    if (!recordRound(state, round, run.samples, options.thresholds, log)) break
    if (options.mode === 'verify' && state.consecutive >= successesNeeded(state.spec, options)) {
      state.ok = true
      log.info(`✓ ${state.spec.name} healthy: ${rounds(state.consecutive, 'passing ')} in a row`)
      return
    }
    if (options.mode === 'verify' && outOfAttempts(state)) {
      log.warning(`✗ ${state.spec.name} failed ${rounds(state.failures)}: its exit code decides`)
      return
    }
    if (options.mode === 'monitor' && state.failures > failureLimit) {
      run.tripped ??= state
      log.warning(
        `✗ ${state.spec.name} failed ${state.failures} rounds, more than the failure limit ${failureLimit}: stopping`
      )
      run.wake.abort()
      return
    }
    if (run.tripped !== undefined) return void (state.ok = true)
    const nextAt = roundStart + options.intervalMs
    if (Math.max(nextAt, clock.now()) > run.deadline) {
      state.ok = options.mode === 'monitor' && readMostly(state)
      return
    }
    await run.waiting.sleep(Math.max(0, nextAt - clock.now()), run.wake.signal)
    if (run.tripped !== undefined) return void (state.ok = true)
  }
  state.cancelled = true
}

/** `home: 7 of 7 rounds passed, 3/3 in a row; db: healthy`, for the run's heartbeat. */
function progressOf(run: RunState, states: readonly CheckState[]): string {
  const { options } = run
  return states
    .map(state => {
      const name = state.spec.name
      if (run.finished.has(state)) return `${name}: ${state.ok ? 'passed' : 'failed'}`
      if (state.attempts === 0) return `${name}: first round under way`
      const passed = `${state.passes} of ${rounds(state.attempts)} passed`
      if (options.mode === 'monitor') return `${name}: ${passed}`
      return `${name}: ${passed}, ${state.consecutive}/${successesNeeded(state.spec, options)} in a row`
    })
    .join('; ')
}

/** What the run waits for, the start of its heartbeat lines. */
function waitsFor(options: RunHealthChecksOptions, span: number): string {
  const checks = `${options.checks.length} health check${options.checks.length === 1 ? '' : 's'}`
  return options.mode === 'verify'
    ? `Waiting for ${checks} to pass`
    : `Waiting for the ${formatDuration(span)} monitoring window of ${checks} to end`
}

/**
 * Runs every check on its own schedule and returns the verdict.
 *
 * verify: each check repeats every intervalMs until it has passed consecutiveSuccesses rounds in
 * a row, or timeoutMs since the start has gone by. monitor: each check repeats every intervalMs
 * for durationMs; the run stops as soon as one check has failed more than failureLimit rounds.
 * Checks run concurrently and each loop keeps its own clock, so a slow check never delays
 * another's rounds or deadline. When deps.signal aborts, the run ends as soon as the rounds in
 * flight have (HTTP requests are aborted, commands ended) and resolves with a `cancelled` report: see
 * RunHealthChecksDeps.signal.
 */
export async function runHealthChecks(
  options: RunHealthChecksOptions,
  deps: RunHealthChecksDeps
): Promise<HealthReport> {
  requireClients(options.checks, deps)
  const { clock, log, signal } = deps
  const startedAt = clock.now()
  const span = options.mode === 'verify' ? options.timeoutMs : (options.durationMs as number)
  const states = options.checks.map(spec => newCheckState(spec, options.load, deps.proxy))
  const run: RunState = {
    options,
    deps,
    startedAt,
    deadline: startedAt + span,
    samples: [],
    wake: new AbortController(),
    finished: new Set(),
    waiting: startWaiting(deps, {
      what: waitsFor(options, span),
      startedAt,
      deadline: startedAt + span,
      state: () => progressOf(run, states)
    })
  }
  const onCancel = () => {
    log.info('Cancelled: no new round starts; reporting what was seen so far')
    run.wake.abort()
  }
  if (signal?.aborted) onCancel()
  else signal?.addEventListener('abort', onCancel, { once: true })
  try {
    await Promise.all(
      states.map(state => checkLoop(run, state).finally(() => run.finished.add(state)))
    )
  } finally {
    run.waiting.end()
    signal?.removeEventListener('abort', onCancel)
    for (const state of states) if (state.agents) destroyHttpAgents(state.agents)
  }
  return buildReport(options, states, run.samples, startedAt, clock.now(), run.tripped)
}

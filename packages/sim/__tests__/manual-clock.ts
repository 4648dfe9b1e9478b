import type { SimClock } from '../src/contract.js'

export interface ManualClock extends SimClock {
  /** Move time on by `simMs` sim milliseconds, firing every timer and interval now due, in order. */
  advance(simMs: number): void
  /** Live timers and intervals. */
  pending(): number
}

export interface ManualClockOptions {
  scale?: number
  /** True: `now()` is sim time; false (default): wall-clock, moved `simMs / scale` per advance. */
  virtual?: boolean
  start?: number
}

interface Timer {
  at: number
  fn: () => void
  /** Sim milliseconds between firings of an interval; absent for a one-shot timer. */
  every?: number
}

/**
 * A SimClock that moves only when the test says so. Tests of time-dependent behaviour use it
 * instead of a scaled real clock: on a loaded machine a scaled clock moves on while a request is
 * in flight (20 sim seconds are 200 real ms at scale 100), so what a test reads depends on load.
 */
export function createManualClock(options: ManualClockOptions = {}): ManualClock {
  const scale = options.scale ?? 1
  const virtual = options.virtual ?? false
  // Timers run on sim time; `now()` reports it, or the wall-clock time it corresponds to.
  const start = options.start ?? Date.UTC(2026, 0, 1)
  let simElapsed = 0
  const timers = new Set<Timer>()
  const schedule = (timer: Timer): (() => void) => {
    timers.add(timer)
    return () => timers.delete(timer)
  }
  const next = (until: number): Timer | undefined => {
    let due: Timer | undefined
    for (const timer of timers) {
      if (timer.at <= until && (due === undefined || timer.at < due.at)) due = timer
    }
    return due
  }
  return {
    scale,
    virtual,
    now: () => start + (virtual ? simElapsed : simElapsed / scale),
    sleep: simMs =>
      new Promise<void>(resolve => {
        schedule({ at: simElapsed + Math.max(0, simMs), fn: resolve })
      }),
    setTimer: (fn, simMs) => schedule({ at: simElapsed + Math.max(0, simMs), fn }),
    setInterval: (fn, simMs) => {
      const every = Math.max(1, simMs)
      return schedule({ at: simElapsed + every, fn, every })
    },
    advance(simMs) {
      const until = simElapsed + simMs
      for (let due = next(until); due !== undefined; due = next(until)) {
        simElapsed = due.at
        if (due.every === undefined) timers.delete(due)
        else due.at += due.every
        due.fn()
      }
      simElapsed = until
    },
    pending: () => timers.size
  }
}

import type { SimClock } from './contract.js'

/** A SimClock that can cancel everything it scheduled (stop and reset need a clean slate). */
export interface DisposableSimClock extends SimClock {
  /** Real epoch milliseconds at which the clock was created (where sim and real time agree). */
  readonly origin: number
  readonly virtual: boolean
  /**
   * Real epoch milliseconds, for what clients read against their own clock whatever the sim's
   * time: injected rate limits' reset times, like their `retry-after` and latency, are real.
   */
  realNow(): number
  /** Cancel every live timer; pending `sleep`s never resolve. */
  dispose(): void
  /** Number of live timers (for tests and leak checks). */
  pending(): number
}

export interface SimClockOptions {
  /** How many sim milliseconds pass per real millisecond; 20 makes a 30 s wait take 1.5 s. */
  timeScale?: number
  /**
   * Timestamps run `timeScale` times faster than real time from the clock's creation, so they
   * agree with the scaled timers (default false: timestamps are wall-clock).
   */
  virtualTime?: boolean
  /** The real time source, epoch ms (default `Date.now`; tests inject a fake one). */
  realNow?: () => number
}

/** What a client needs to compute the sim's time itself (`GET /_sim/clock`, `sim.clock`). */
export interface SimClockInfo {
  /** Real epoch milliseconds at which the sim started: sim time and real time agree there. */
  origin: number
  scale: number
  /** False: the sim's timestamps are wall-clock time. */
  virtual: boolean
}

/** The sim's `now()` at real time `realMs`: origin + (realMs − origin) × scale when virtual. */
export function simTimeAt(info: SimClockInfo, realMs: number = Date.now()): number {
  return info.virtual ? Math.floor(info.origin + (realMs - info.origin) * info.scale) : realMs
}

/**
 * Sim milliseconds per millisecond of `now()`: the time scale while timestamps are wall-clock,
 * 1 when they are virtual. Modules that turn sim durations into timestamp offsets (SQS delays,
 * CloudWatch periods) use it so they work the same in both modes.
 */
export function simMsPerClockMs(clock: SimClock): number {
  return clock.virtual === true ? 1 : clock.scale
}

export function createSimClock(options: SimClockOptions = {}): DisposableSimClock {
  const scale = options.timeScale ?? 1
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(`timeScale must be a positive number, got ${String(options.timeScale)}`)
  }
  const realNow = options.realNow ?? Date.now
  const info: SimClockInfo = { origin: realNow(), scale, virtual: options.virtualTime === true }
  const live = new Set<() => void>()
  const real = (simMs: number): number => Math.max(0, simMs) / scale

  const setTimer = (fn: () => void, simMs: number): (() => void) => {
    const handle = setTimeout(() => {
      live.delete(cancel)
      fn()
    }, real(simMs))
    // Timers must never keep a process (a test run, the CLI after stop) alive on their own.
    handle.unref()
    const cancel = (): void => {
      clearTimeout(handle)
      live.delete(cancel)
    }
    live.add(cancel)
    return cancel
  }

  return {
    scale,
    origin: info.origin,
    virtual: info.virtual,
    now: () => simTimeAt(info, realNow()),
    realNow: () => realNow(),
    sleep: simMs => new Promise<void>(resolve => setTimer(resolve, simMs)),
    setTimer,
    setInterval(fn, simMs) {
      const handle = setInterval(fn, Math.max(1, real(simMs)))
      handle.unref()
      const cancel = (): void => {
        clearInterval(handle)
        live.delete(cancel)
      }
      live.add(cancel)
      return cancel
    },
    dispose() {
      for (const cancel of [...live]) cancel()
    },
    pending: () => live.size
  }
}

import type { SimClock } from './contract.js'

/** A SimClock that can cancel everything it scheduled (stop and reset need a clean slate). */
export interface DisposableSimClock extends SimClock {
  /** Cancel every live timer; pending `sleep`s never resolve. */
  dispose(): void
  /** Number of live timers (for tests and leak checks). */
  pending(): number
}

export interface SimClockOptions {
  /** How many sim milliseconds pass per real millisecond; 20 makes a 30 s wait take 1.5 s. */
  timeScale?: number
}

export function createSimClock(options: SimClockOptions = {}): DisposableSimClock {
  const scale = options.timeScale ?? 1
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(`timeScale must be a positive number, got ${String(options.timeScale)}`)
  }
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
    now: () => Date.now(),
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

/** Every wait goes through a Clock so tests run instantly and deterministically. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  /**
   * Wait `ms` milliseconds. When `signal` aborts, the wait ends early and no timer is left
   * pending (a clock that does not wait for real, like FakeClock, may ignore it).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** The timer functions a real clock waits with; tests hand in their own to watch them. */
export interface Timers {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const nodeTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout)
}

/**
 * A clock that waits for real with `timers`. A sleep cut short by its signal clears its timer
 * and its listener, so nothing of a cancelled wait keeps the process alive.
 */
export function realClock(timers: Timers = nodeTimers): Clock {
  return {
    now: () => timers.now(),
    sleep: (ms, signal) =>
      new Promise<void>(resolve => {
        if (signal?.aborted) {
          resolve()
          return
        }
        const onAbort = () => {
          timers.clearTimeout(timer)
          resolve()
        }
        const timer = timers.setTimeout(() => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }, ms)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
  }
}

export const systemClock: Clock = realClock()

/** How a rehearsal's simulator keeps time: `scale` sim milliseconds per real one since `origin`. */
export interface TimeScale {
  /** Epoch milliseconds at which sim time and real time agree. */
  origin: number
  scale: number
}

/**
 * A clock that runs `scale` times faster than real time, agreeing with a simulator started with
 * the same origin and scale: its `now()` matches the sim's timestamps and a 30 s sleep takes
 * 30 s of sim time. Only for rehearsals against packages/sim; real AWS keeps real time.
 */
export function scaledClock(time: TimeScale, timers: Timers = nodeTimers): Clock {
  const real = realClock(timers)
  return {
    now: () => time.origin + (timers.now() - time.origin) * time.scale,
    sleep: (ms, signal) => real.sleep(ms / time.scale, signal)
  }
}

/**
 * A clock for tests: time moves only when someone sleeps. `sleep` advances time to the
 * sleeper's wake-up and resolves immediately, so a poll loop with a 5 s interval and a
 * 30 min deadline runs in microseconds and sees exactly the times it would in production.
 */
export class FakeClock implements Clock {
  private current: number
  readonly sleeps: number[] = []

  constructor(start = Date.UTC(2026, 10, 26, 12, 0, 0)) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  /** The signal is ignored: a fake sleep never waits, so there is nothing to cut short. */
  sleep(ms: number, _signal?: AbortSignal): Promise<void> {
    const step = Math.max(0, ms)
    this.sleeps.push(step)
    this.current += step
    return Promise.resolve()
  }

  advance(ms: number): void {
    this.current += ms
  }
}

/**
 * `clock.sleep(ms)` that ends as soon as `signal` aborts. The signal goes to the clock, so a real
 * clock clears its timer (nothing stays pending after a cancellation); the race covers clocks
 * that ignore it.
 */
export async function interruptibleSleep(
  clock: Clock,
  ms: number,
  signal: AbortSignal | undefined
): Promise<void> {
  if (signal === undefined) return clock.sleep(ms)
  if (signal.aborted) return
  let onAbort: (() => void) | undefined
  const aborted = new Promise<void>(resolve => {
    onAbort = () => resolve()
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    await Promise.race([clock.sleep(ms, signal), aborted])
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}

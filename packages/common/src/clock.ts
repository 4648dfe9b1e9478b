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

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>(resolve => {
      if (signal?.aborted) {
        resolve()
        return
      }
      const onAbort = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
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

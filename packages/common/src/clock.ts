/** Every wait goes through a Clock so tests run instantly and deterministically. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms))
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

  sleep(ms: number): Promise<void> {
    const step = Math.max(0, ms)
    this.sleeps.push(step)
    this.current += step
    return Promise.resolve()
  }

  advance(ms: number): void {
    this.current += ms
  }
}

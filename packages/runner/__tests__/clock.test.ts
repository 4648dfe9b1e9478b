import { describe, expect, it } from '@jest/globals'
import { scaledClock, systemClock, type Timers } from '@fargate-promote/common'
import { actionClock, REHEARSAL_CLOCK_VARIABLE } from '../src/clock.js'

/** Timers whose time moves only when the test says so; callbacks are kept, not run. */
function manualTimers(start: number) {
  let now = start
  const pending: { at: number; callback: () => void }[] = []
  const timers: Timers = {
    now: () => now,
    setTimeout: (callback, ms) => {
      const entry = { at: now + ms, callback }
      pending.push(entry)
      return entry
    },
    clearTimeout: handle => {
      pending.splice(pending.indexOf(handle as (typeof pending)[number]), 1)
    }
  }
  return {
    timers,
    pending,
    advance(ms: number) {
      now += ms
      for (const entry of pending.filter(p => p.at <= now)) {
        pending.splice(pending.indexOf(entry), 1)
        entry.callback()
      }
    }
  }
}

describe('scaledClock', () => {
  it('runs scale times faster than real time from the origin and sleeps a scaled real time', async () => {
    const manual = manualTimers(1_000_000)
    const clock = scaledClock({ origin: 1_000_000, scale: 60 }, manual.timers)
    expect(clock.now()).toBe(1_000_000)
    manual.advance(1_000)
    expect(clock.now()).toBe(1_000_000 + 60_000)
    let woke = false
    const sleeping = clock.sleep(30_000).then(() => (woke = true))
    expect(manual.pending.map(p => p.at)).toEqual([1_001_000 + 500])
    manual.advance(499)
    await Promise.resolve()
    expect(woke).toBe(false)
    manual.advance(1)
    await sleeping
    expect(woke).toBe(true)
  })

  it('a sleep cut short by its signal leaves no timer behind', async () => {
    const manual = manualTimers(0)
    const clock = scaledClock({ origin: 0, scale: 10 }, manual.timers)
    const abort = new AbortController()
    const sleeping = clock.sleep(60_000, abort.signal)
    expect(manual.pending).toHaveLength(1)
    abort.abort()
    await sleeping
    expect(manual.pending).toHaveLength(0)
  })
})

describe('actionClock', () => {
  const sim = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }

  it('is the real clock without the rehearsal variable', () => {
    expect(actionClock({ ...sim })).toBe(systemClock)
    expect(actionClock({ ...sim, [REHEARSAL_CLOCK_VARIABLE]: '' })).toBe(systemClock)
  })

  it('never scales time against anything but this machine', () => {
    const value = { [REHEARSAL_CLOCK_VARIABLE]: `${Date.now()},100` }
    expect(actionClock(value)).toBe(systemClock)
    expect(actionClock({ ...value, AWS_ENDPOINT_URL: 'https://ecs.eu-west-1.amazonaws.com' })).toBe(
      systemClock
    )
    expect(actionClock({ ...value, AWS_ENDPOINT_URL: 'not a url' })).toBe(systemClock)
  })

  it('agrees with the simulator in a rehearsal', () => {
    const origin = Date.now() - 1_000
    const clock = actionClock({ ...sim, [REHEARSAL_CLOCK_VARIABLE]: `${origin},100` })
    expect(clock).not.toBe(systemClock)
    // At least a second of real time since the origin: at least 100 s of sim time.
    expect(clock.now() - origin).toBeGreaterThanOrEqual(100_000)
  })

  it.each(['100', 'x,2', '1,0', '1,-3', '1,Infinity'])('refuses %p, naming the variable', value => {
    expect(() => actionClock({ ...sim, [REHEARSAL_CLOCK_VARIABLE]: value })).toThrow(
      `${REHEARSAL_CLOCK_VARIABLE} must be "<origin epoch ms>,<scale>", not "${value}".`
    )
  })
})

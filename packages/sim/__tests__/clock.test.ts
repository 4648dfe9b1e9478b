import { describe, expect, it } from '@jest/globals'
import { createSimClock, simMsPerClockMs, simTimeAt } from '../src/clock.js'

describe('createSimClock', () => {
  it('reports wall-clock time and the scale', () => {
    const clock = createSimClock({ timeScale: 50 })
    expect(clock.scale).toBe(50)
    expect(clock.virtual).toBe(false)
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50)
    expect(createSimClock().scale).toBe(1)
  })

  it('keeps wall-clock timestamps by default, even at a time scale', () => {
    let real = 1_000_000
    const clock = createSimClock({ timeScale: 20, realNow: () => real })
    expect(clock.origin).toBe(1_000_000)
    real += 1500
    expect(clock.now()).toBe(1_001_500)
    expect(simMsPerClockMs(clock)).toBe(20)
  })

  it('advances virtual timestamps scale times faster than real time from the origin', () => {
    let real = Date.UTC(2026, 0, 1)
    const origin = real
    const clock = createSimClock({ timeScale: 20, virtualTime: true, realNow: () => real })
    expect(clock).toMatchObject({ origin, scale: 20, virtual: true })
    expect(clock.now()).toBe(origin)
    real += 1500
    expect(clock.now()).toBe(origin + 30_000)
    expect(clock.realNow()).toBe(origin + 1500)
    // A difference of virtual timestamps already is a sim duration.
    expect(simMsPerClockMs(clock)).toBe(1)
  })

  it('rounds virtual time down to whole milliseconds', () => {
    let real = 1000
    const clock = createSimClock({ timeScale: 2.5, virtualTime: true, realNow: () => real })
    real += 3
    expect(clock.now()).toBe(1007)
  })

  it('simTimeAt computes the sim time a client would see', () => {
    const info = { origin: 1_000_000, scale: 20, virtual: true }
    expect(simTimeAt(info, 1_000_100)).toBe(1_002_000)
    expect(simTimeAt({ ...info, virtual: false }, 1_000_100)).toBe(1_000_100)
    expect(Math.abs(simTimeAt({ ...info, virtual: false }) - Date.now())).toBeLessThan(50)
  })

  it('a clock without the virtual flag (a module test fake) converts with the scale', () => {
    expect(simMsPerClockMs({ scale: 5 } as Parameters<typeof simMsPerClockMs>[0])).toBe(5)
  })

  it('divides sim durations by the scale', async () => {
    const clock = createSimClock({ timeScale: 100 })
    const started = Date.now()
    await clock.sleep(2000)
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(15)
    expect(elapsed).toBeLessThan(1000)
    expect(clock.pending()).toBe(0)
  })

  it('cancels a timer', async () => {
    const clock = createSimClock({ timeScale: 1000 })
    let fired = 0
    const cancel = clock.setTimer(() => fired++, 1000)
    clock.setTimer(() => fired++, 1000)
    expect(clock.pending()).toBe(2)
    cancel()
    await clock.sleep(5000)
    expect(fired).toBe(1)
  })

  it('repeats an interval until cancelled', async () => {
    const clock = createSimClock({ timeScale: 100 })
    let ticks = 0
    const cancel = clock.setInterval(() => ticks++, 2000)
    await clock.sleep(20_000)
    cancel()
    const seen = ticks
    expect(seen).toBeGreaterThanOrEqual(2)
    await clock.sleep(6000)
    expect(ticks).toBe(seen)
    expect(clock.pending()).toBe(0)
  })

  it('dispose cancels every live timer and interval', async () => {
    const clock = createSimClock({ timeScale: 1000 })
    let fired = 0
    clock.setTimer(() => fired++, 1000)
    clock.setInterval(() => fired++, 1000)
    void clock.sleep(1000).then(() => fired++)
    expect(clock.pending()).toBe(3)
    clock.dispose()
    expect(clock.pending()).toBe(0)
    await new Promise(resolve => setTimeout(resolve, 10))
    expect(fired).toBe(0)
  })

  it.each([0, -1, Number.NaN, Infinity])('rejects time scale %p', scale => {
    expect(() => createSimClock({ timeScale: scale })).toThrow(
      'timeScale must be a positive number'
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import { createSimClock } from '../src/clock.js'

describe('createSimClock', () => {
  it('reports wall-clock time and the scale', () => {
    const clock = createSimClock({ timeScale: 50 })
    expect(clock.scale).toBe(50)
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50)
    expect(createSimClock().scale).toBe(1)
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

import { describe, expect, it } from '@jest/globals'
import {
  FakeClock,
  Heartbeat,
  HEARTBEAT_INTERVAL_MS,
  MemoryLogger,
  startWaiting,
  type Clock
} from '../src/index.js'

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0)

/** A logger that notes the clock's time of each line, in seconds since T0. */
function timedLog(clock: Clock) {
  const log = new MemoryLogger()
  const at: number[] = []
  const info = log.info.bind(log)
  log.info = (message: string) => {
    at.push((clock.now() - T0) / 1000)
    info(message)
  }
  return { log, at }
}

describe('startWaiting: the heartbeat of a wait', () => {
  it('writes a line every 30 s of the clock with what, elapsed, left and state, even when nothing changed', async () => {
    const clock = new FakeClock(T0)
    const { log, at } = timedLog(clock)
    const waiting = startWaiting(
      { clock, log },
      { what: 'Waiting for web', deadline: T0 + 120_000, state: () => 'web: 1/2 running' }
    )
    for (let poll = 0; poll < 24; poll++) await waiting.sleep(5000)
    waiting.end()
    expect(HEARTBEAT_INTERVAL_MS).toBe(30_000)
    expect(log.lines.map(line => line.message)).toEqual([
      'Waiting for web: 30s elapsed, 1m 30s left — web: 1/2 running',
      'Waiting for web: 1m elapsed, 1m left — web: 1/2 running',
      'Waiting for web: 1m 30s elapsed, 30s left — web: 1/2 running',
      'Waiting for web: 2m elapsed, 0ms left — web: 1/2 running'
    ])
    expect(at).toEqual([30, 60, 90, 120])
    // The sleeps asked for were not cut: the heartbeat falls on their ends.
    expect(clock.sleeps).toEqual(Array(24).fill(5000))
  })

  it('cuts a sleep longer than the interval at each line: a 100 s wait still speaks every 30 s', async () => {
    const clock = new FakeClock(T0)
    const { log, at } = timedLog(clock)
    const waiting = startWaiting({ clock, log }, { what: 'Waiting for the soak' })
    await waiting.sleep(100_000)
    expect(at).toEqual([30, 60, 90])
    expect(clock.sleeps).toEqual([30_000, 30_000, 30_000, 10_000])
    expect(log.lines[0]?.message).toBe('Waiting for the soak: 30s elapsed')
  })

  it('counts elapsed from the given start, and takes its own interval', async () => {
    const clock = new FakeClock(T0 + 10_000)
    const { log } = timedLog(clock)
    const waiting = startWaiting(
      { clock, log },
      { what: 'Waiting', startedAt: T0, state: () => '  ' },
      10_000
    )
    await waiting.sleep(10_000)
    expect(log.text()).toBe('Waiting: 20s elapsed')
  })

  it('writes nothing once ended, nor after a cancellation', async () => {
    const clock = new FakeClock(T0)
    const { log } = timedLog(clock)
    const cancel = new AbortController()
    const waiting = startWaiting({ clock, log }, { what: 'Waiting' })
    cancel.abort()
    await waiting.sleep(60_000, cancel.signal)
    expect(clock.now()).toBe(T0)
    waiting.end()
    await waiting.sleep(60_000)
    expect(log.lines).toEqual([])
  })

  it('stops between two pieces of a sleep when the signal aborts during it', async () => {
    const cancel = new AbortController()
    const clock = new FakeClock(T0)
    const aborting: Clock = {
      now: () => clock.now(),
      sleep: async (ms, signal) => {
        await clock.sleep(ms, signal)
        cancel.abort()
      }
    }
    const { log } = timedLog(clock)
    const heartbeat = new Heartbeat({ clock: aborting, write: line => log.info(line) })
    heartbeat.begin({ what: 'Waiting' })
    await heartbeat.clock.sleep(90_000, cancel.signal)
    expect(clock.sleeps).toEqual([30_000])
    expect(log.lines).toEqual([])
  })

  it('catches up after a step that waited on no clock', async () => {
    const clock = new FakeClock(T0)
    const { log } = timedLog(clock)
    const waiting = startWaiting({ clock, log }, { what: 'Waiting', deadline: T0 + 40_000 })
    clock.advance(45_000)
    await waiting.sleep(0)
    expect(log.text()).toBe('Waiting: 45s elapsed, 0ms left')
  })
})

describe('Heartbeat: waits begun on a heartbeat clock', () => {
  it('a wait of library code on a front end’s heartbeat is told by that heartbeat, never twice', async () => {
    const clock = new FakeClock(T0)
    const shown: string[] = []
    const outer = new Heartbeat({ clock, intervalMs: 15_000, write: line => shown.push(line) })
    const command = outer.begin({ what: 'deploy of web', deadline: T0 + 600_000 })
    const log = new MemoryLogger()
    expect(Heartbeat.of(outer.clock)).toBe(outer)
    expect(Heartbeat.of(clock)).toBeUndefined()
    await outer.clock.sleep(15_000)
    const waiting = startWaiting(
      { clock: outer.clock, log },
      { what: 'Waiting for web', deadline: T0 + 75_000, state: () => 'web: 0/1 running' }
    )
    await waiting.sleep(30_000)
    waiting.end()
    await outer.clock.sleep(15_000)
    command.end()
    await outer.clock.sleep(15_000)
    expect(outer.clock.now()).toBe(T0 + 75_000)
    expect(log.lines).toEqual([])
    expect(shown).toEqual([
      'deploy of web: 15s elapsed, 9m 45s left',
      'Waiting for web: 15s elapsed, 45s left — web: 0/1 running',
      'Waiting for web: 30s elapsed, 30s left — web: 0/1 running',
      'deploy of web: 1m elapsed, 9m left'
    ])
  })

  it('a wait begun when the front end waits for nothing starts its own interval', async () => {
    const clock = new FakeClock(T0)
    const shown: string[] = []
    const outer = new Heartbeat({ clock, intervalMs: 15_000, write: line => shown.push(line) })
    outer.beat()
    expect(outer.waiting).toBe(false)
    await outer.clock.sleep(20_000)
    const waiting = startWaiting(
      { clock: outer.clock, log: new MemoryLogger() },
      { what: 'Waiting for the rollback' }
    )
    expect(outer.waiting).toBe(true)
    await waiting.sleep(20_000)
    waiting.end()
    waiting.end()
    expect(shown).toEqual(['Waiting for the rollback: 15s elapsed'])
    expect(outer.text()).toBeUndefined()
  })
})

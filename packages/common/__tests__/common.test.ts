import { jest } from '@jest/globals'
import {
  ConfigurationError,
  controlCharacterIn,
  withoutCredentials,
  interruptibleSleep,
  type Clock,
  errorMessage,
  FakeClock,
  formatDuration,
  isConfigurationError,
  MemoryLogger,
  parseDuration,
  realClock,
  silentLogger,
  systemClock
} from '../src/index.js'

describe('parseDuration', () => {
  test.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    [' 2m ', 120_000]
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  test.each(['30', '', '10 minutes', '5d', 'm', '-5s', '1h 30m'])('%p is refused', text => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('formatDuration', () => {
  test.each([
    [750, '750ms'],
    [45_000, '45s'],
    [150_000, '2m 30s'],
    [3_900_000, '1h 5m'],
    [3_600_000, '1h'],
    [3_601_000, '1h'],
    [-2000, '-2s'],
    [Number.POSITIVE_INFINITY, 'Infinity']
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

describe('FakeClock', () => {
  test('time moves only by sleeping or advancing', async () => {
    const clock = new FakeClock(1000)
    expect(clock.now()).toBe(1000)
    await clock.sleep(5000)
    await clock.sleep(-10)
    clock.advance(1)
    expect(clock.now()).toBe(6001)
    expect(clock.sleeps).toEqual([5000, 0])
  })

  /** Timers that fire only when the test says so, and remember what is pending. */
  function manualTimers() {
    let now = 0
    let next = 1
    const pending = new Map<number, { at: number; callback: () => void }>()
    return {
      pending,
      timers: {
        now: () => now,
        setTimeout: (callback: () => void, ms: number) => {
          const id = next++
          pending.set(id, { at: now + ms, callback })
          return id
        },
        clearTimeout: (handle: unknown) => {
          pending.delete(handle as number)
        }
      },
      /** Moves time on and fires every timer that is due. */
      advance(ms: number) {
        now += ms
        for (const [id, timer] of [...pending]) {
          if (timer.at > now) continue
          pending.delete(id)
          timer.callback()
        }
      }
    }
  }

  test('a real clock waits until its timer fires', async () => {
    const manual = manualTimers()
    const clock = realClock(manual.timers)
    let woke = false
    const sleeping = clock.sleep(5000).then(() => (woke = true))
    manual.advance(4999)
    await Promise.resolve()
    expect(woke).toBe(false)
    manual.advance(1)
    await sleeping
    expect(clock.now()).toBe(5000)
    expect(manual.pending.size).toBe(0)
  })

  test('a real clock wakes up early and clears its timer and listener when the signal aborts', async () => {
    const manual = manualTimers()
    const clock = realClock(manual.timers)
    const controller = new AbortController()
    const removed = jest.spyOn(controller.signal, 'removeEventListener')
    const sleeping = clock.sleep(60_000, controller.signal)
    expect(manual.pending.size).toBe(1)
    controller.abort()
    await sleeping
    expect(clock.now()).toBe(0)
    expect(manual.pending.size).toBe(0)
    // `once: true` removed the abort listener; the timer path removes it by hand.
    expect(removed).not.toHaveBeenCalled()
  })

  test('a real clock removes its abort listener when the timer fires first', async () => {
    const manual = manualTimers()
    const clock = realClock(manual.timers)
    const controller = new AbortController()
    const removed = jest.spyOn(controller.signal, 'removeEventListener')
    const sleeping = clock.sleep(5, controller.signal)
    manual.advance(5)
    await sleeping
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function))
    controller.abort()
    expect(manual.pending.size).toBe(0)
  })

  test('a real clock does not sleep at all on an aborted signal', async () => {
    const manual = manualTimers()
    const controller = new AbortController()
    controller.abort()
    await realClock(manual.timers).sleep(60_000, controller.signal)
    expect(manual.pending.size).toBe(0)
  })

  test('the system clock reads the time of day', () => {
    const before = Date.now()
    const now = systemClock.now()
    expect(now).toBeGreaterThanOrEqual(before)
    expect(now).toBeLessThanOrEqual(Date.now())
  })

  test('FakeClock ignores the signal and records its sleeps as before', async () => {
    const clock = new FakeClock(0)
    const controller = new AbortController()
    controller.abort()
    await clock.sleep(5_000, controller.signal)
    expect(clock.sleeps).toEqual([5_000])
    expect(clock.now()).toBe(5_000)
  })
})

describe('errors', () => {
  test('errorMessage handles anything thrown', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom')
    expect(errorMessage(new TypeError(''))).toBe('TypeError')
    expect(errorMessage('plain')).toBe('plain')
    expect(errorMessage({ code: 1 })).toBe('{"code":1}')
    expect(errorMessage(undefined)).toBe('undefined')
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(errorMessage(circular)).toBe('[object Object]')
  })

  test('ConfigurationError is told apart', () => {
    expect(isConfigurationError(new ConfigurationError('x'))).toBe(true)
    expect(isConfigurationError(new Error('x'))).toBe(false)
    expect(new ConfigurationError('x').name).toBe('ConfigurationError')
  })
})

describe('loggers', () => {
  test('MemoryLogger keeps every line in order', async () => {
    const log = new MemoryLogger()
    log.info('a')
    log.warning('b')
    log.debug('c')
    expect(await log.group('g', () => Promise.resolve(42))).toBe(42)
    expect(log.text()).toBe('a\nb\nc\ng')
    expect(log.lines.map(l => l.level)).toEqual(['info', 'warning', 'debug', 'group'])
  })

  test('silentLogger runs groups and says nothing', async () => {
    silentLogger.info('x')
    silentLogger.warning('x')
    silentLogger.debug('x')
    expect(await silentLogger.group('g', () => Promise.resolve('ok'))).toBe('ok')
  })
})

describe('ConfigurationError names what it is about', () => {
  test('an input, a file with its line and field, or nothing', () => {
    expect(new ConfigurationError('is wrong.', { input: 'to' }).message).toBe(
      "Input 'to': is wrong."
    )
    expect(
      new ConfigurationError('is wrong.', { input: 'checks', file: 'h.yml', line: 3, field: 'url' })
        .message
    ).toBe("Input 'checks' (file 'h.yml', line 3, field 'url'): is wrong.")
    expect(
      new ConfigurationError('is wrong.', { file: 'promote.yml', field: 'soak' }).message
    ).toBe("file 'promote.yml', field 'soak': is wrong.")
    expect(new ConfigurationError('Something is wrong.').message).toBe('Something is wrong.')
  })

  test('another front end renders the setting its own way, without rewriting the text', () => {
    const error = new ConfigurationError("'x' is not a revision.", { input: 'to' })
    expect(error.problem).toBe("'x' is not a revision.")
    expect(error.subject).toEqual({ input: 'to' })
    expect(error.describe(name => `--${name}`)).toBe("--to: 'x' is not a revision.")
    expect(new ConfigurationError('Plain.').describe(name => `--${name}`)).toBe('Plain.')
  })
})

describe('controlCharacterIn', () => {
  test.each([
    ['plain text', undefined],
    ['a\nb', 'a line break'],
    ['a\rb', 'a carriage return'],
    ['a\tb', 'a tab'],
    ['a\u001bb', 'U+001B'],
    ['a\u007fb', 'U+007F'],
    ['a\u009bb', 'U+009B'],
    ['café ☕', undefined]
  ])('%j: %p', (text, expected) => {
    expect(controlCharacterIn(text)).toBe(expected)
  })
})

describe('interruptibleSleep', () => {
  test('ends at once when the signal aborts, even on a clock that ignores it', async () => {
    const never: Clock = { now: () => 0, sleep: () => new Promise<void>(() => undefined) }
    const controller = new AbortController()
    const sleeping = interruptibleSleep(never, 60_000, controller.signal)
    controller.abort()
    await expect(sleeping).resolves.toBeUndefined()
    await expect(interruptibleSleep(never, 1, controller.signal)).resolves.toBeUndefined()
  })

  test('sleeps on the clock without a signal', async () => {
    const clock = new FakeClock(0)
    await interruptibleSleep(clock, 5000, undefined)
    expect(clock.now()).toBe(5000)
  })
})

describe('withoutCredentials', () => {
  it.each([
    ['https://user:pw@host/x?y=1', 'https://***@host/x?y=1'],
    ['https://user:p/w@host/x', 'https://***@host/x'],
    ['https://host/x?mail=a@b.example', 'https://***@b.example'],
    ['https://svc:hun#ter2@host/health', 'https://***@host/health'],
    ['https://svc:hun?ter2@host/health', 'https://***@host/health'],
    ['https:svc:hunter2@host:99999/health', 'https:***@host:99999/health'],
    [' https://u:pw@h:99999/', ' https://***@h:99999/'],
    ['svc:hunter2@host', 'svc:***@host'],
    ['@host', '***@host'],
    ['https://host/health', 'https://host/health'],
    ['host/x', 'host/x'],
    ['postgres://a@db/app', 'postgres://***@db/app']
  ])('%p is shown as %p', (text, shown) => {
    expect(withoutCredentials(text)).toBe(shown)
  })
})

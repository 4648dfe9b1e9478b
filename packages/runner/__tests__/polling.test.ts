import { ConfigurationError } from '@fargate-promote/common'
import { getPolling } from '../src/inputs.js'

const names = {
  timeout: 'timeout',
  interval: 'poll-interval',
  timeoutDefault: '30m',
  intervalDefault: '5s'
}

afterEach(() => {
  delete process.env['INPUT_TIMEOUT']
  delete process.env['INPUT_POLL-INTERVAL']
})

describe('getPolling', () => {
  test('defaults, and given values', () => {
    expect(getPolling(names)).toEqual({ timeoutMs: 1_800_000, intervalMs: 5000 })
    process.env['INPUT_TIMEOUT'] = '10m'
    process.env['INPUT_POLL-INTERVAL'] = '500ms'
    expect(getPolling(names)).toEqual({ timeoutMs: 600_000, intervalMs: 500 })
  })

  test('an interval longer than the deadline is refused, naming both inputs', () => {
    process.env['INPUT_TIMEOUT'] = '1m'
    process.env['INPUT_POLL-INTERVAL'] = '2m'
    expect(() => getPolling(names)).toThrow(ConfigurationError)
    expect(() => getPolling(names)).toThrow(
      "Input 'poll-interval' (2m) is longer than 'timeout' (1m). Poll more often than the deadline."
    )
  })

  test('limits: the deadline at most maxTimeout, the interval from 100ms to 5m', () => {
    process.env['INPUT_TIMEOUT'] = '2h'
    expect(() => getPolling({ ...names, maxTimeout: 3_600_000 })).toThrow("Input 'timeout'")
    process.env['INPUT_TIMEOUT'] = '1h'
    process.env['INPUT_POLL-INTERVAL'] = '50ms'
    expect(() => getPolling(names)).toThrow("Input 'poll-interval'")
  })
})

import { describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '@fargate-promote/common'
import { isThrottlingError, MAX_THROTTLED_WAIT_MS, PollPacer } from '../src/watch/throttle.js'

const named = (name: string, message = 'Rate exceeded') =>
  Object.assign(new Error(message), { name })

describe('isThrottlingError', () => {
  it.each([
    [named('ThrottlingException'), true],
    [named('Throttling'), true],
    [named('ServiceNotFoundException'), false],
    [named('LimitExceededException'), false],
    [new Error('ThrottlingException'), false],
    ['ThrottlingException', false],
    [null, false],
    [{ name: 42 }, false]
  ])('%p -> %p', (error, expected) => {
    expect(isThrottlingError(error)).toBe(expected)
  })
})

describe('PollPacer', () => {
  it('doubles the wait per throttled poll up to 60 s and returns to the interval after a success', () => {
    const log = new MemoryLogger()
    const pacer = new PollPacer(5_000, log)
    const waits = [pacer.waitMs]
    for (let i = 0; i < 6; i++) {
      pacer.onThrottled('DescribeServices', named('ThrottlingException'))
      waits.push(pacer.waitMs)
    }
    expect(pacer.throttled).toBe(true)
    pacer.onSuccess()
    waits.push(pacer.waitMs)
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 5_000])
    expect(MAX_THROTTLED_WAIT_MS).toBe(60_000)
    expect(pacer.throttled).toBe(false)
    const warnings = log.lines.filter(line => line.level === 'warning')
    expect(warnings).toEqual([
      {
        level: 'warning',
        message:
          'AWS is throttling DescribeServices (Rate exceeded); waiting 10s between polls until it recovers'
      }
    ])
    expect(log.text()).toContain('AWS stopped throttling; polling every 5s again')
  })

  it('logs nothing on success when it was not throttled', () => {
    const log = new MemoryLogger()
    const pacer = new PollPacer(2_000, log)
    pacer.onSuccess()
    expect(log.lines).toEqual([])
    expect(pacer.waitMs).toBe(2_000)
  })

  it('warns again for a new throttling episode', () => {
    const log = new MemoryLogger()
    const pacer = new PollPacer(40_000, log)
    pacer.onThrottled('DescribeTargetHealth', named('Throttling'))
    expect(pacer.waitMs).toBe(60_000)
    pacer.onSuccess()
    pacer.onThrottled('DescribeTargetHealth', named('Throttling'))
    expect(log.lines.filter(line => line.level === 'warning')).toHaveLength(2)
  })
})

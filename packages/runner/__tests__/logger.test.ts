import { describe, expect, it } from '@jest/globals'
import { actionsLogger } from '../src/index.js'
import { captureStdout, isolateProcessState } from './helpers.js'

isolateProcessState()
const stdout = captureStdout()

describe('actionsLogger', () => {
  it('writes info, warning and debug as the runner expects', () => {
    actionsLogger.info('Deploying web:8')
    actionsLogger.warning('Target 10.0.0.1 is draining')
    actionsLogger.debug('DescribeServices took 80ms')
    expect(stdout.lines()).toEqual([
      'Deploying web:8',
      '::warning::Target 10.0.0.1 is draining',
      '::debug::DescribeServices took 80ms'
    ])
  })

  it('wraps a group and returns what fn returns', async () => {
    const result = await actionsLogger.group('Service events', async () => {
      actionsLogger.info('event 1')
      return Promise.resolve(7)
    })
    expect(result).toBe(7)
    expect(stdout.lines()).toEqual(['::group::Service events', 'event 1', '::endgroup::'])
  })

  it('ends the group when fn throws, and passes the error on', async () => {
    await expect(
      actionsLogger.group('Rollback', () => Promise.reject(new Error('no previous revision')))
    ).rejects.toThrow('no previous revision')
    expect(stdout.lines()).toEqual(['::group::Rollback', '::endgroup::'])
  })

  it('writes text from outside (a check name, an ECS event) so no line can start a command', () => {
    actionsLogger.info('✓ a\n::error::x passing')
    actionsLogger.info('(service web) has started 1 tasks: (task ##[warning]x)')
    expect(stdout.lines().filter(line => line.trimStart().startsWith('::'))).toEqual([])
    expect(stdout.lines().filter(line => line.includes('##['))).toEqual([])
    expect(stdout.text().replaceAll('\u200b', '')).toContain('::error::x passing')
  })

  it('escapes line breaks in warnings, debug lines and group titles: one command each', async () => {
    actionsLogger.warning('a\n::error::x')
    actionsLogger.debug('b\n::error::y')
    await actionsLogger.group('c\n::error::z', () => Promise.resolve())
    expect(stdout.lines()).toEqual([
      '::warning::a%0A::error::x',
      '::debug::b%0A::error::y',
      '::group::c%0A::error::z',
      '::endgroup::'
    ])
  })
})

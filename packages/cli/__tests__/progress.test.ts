import { describe, expect, it } from '@jest/globals'
import { stripVTControlCharacters } from 'node:util'
import { FakeClock, startWaiting } from '@fargate-promote/common'
import pc from 'picocolors'
import { HEARTBEAT_MS, Progress } from '../src/progress.js'
import { terminal, testIo } from './support.js'

const plain = pc.createColors(false)

function progressOf(options: { verbose?: boolean; spinner?: boolean; tty?: boolean } = {}) {
  const clock = new FakeClock()
  const io = testIo(options.tty ? { stderr: terminal() } : {})
  const progress = new Progress({
    io,
    colors: options.tty ? pc.createColors(true) : plain,
    clock,
    spinner: options.spinner === true,
    redact: text => text.replaceAll('hunter2', '***'),
    verbose: options.verbose === true
  })
  return { clock, io, progress, lines: () => io.stderr.text.split('\n').slice(0, -1) }
}

describe('the heartbeat', () => {
  it('says what it waits for, elapsed and left, every 15 s of the clock, even when nothing changed', async () => {
    const { progress, lines, clock } = progressOf()
    progress.begin('deploy of web in staging', 60_000)
    progress.log.info('web: IN_PROGRESS 0/2 running')
    await progress.clock.sleep(40_000)
    expect(clock.now() - Date.UTC(2026, 10, 26, 12)).toBe(40_000)
    expect(lines()).toEqual([
      'web: IN_PROGRESS 0/2 running',
      '… deploy of web in staging: 15s elapsed, 45s left — web: IN_PROGRESS 0/2 running',
      '… deploy of web in staging: 30s elapsed, 30s left — web: IN_PROGRESS 0/2 running'
    ])
    // The sleeps the use case asked for, cut at each heartbeat: the same 40 s in all.
    expect(clock.sleeps).toEqual([15_000, 15_000, 10_000])
  })

  it('polls shorter than the heartbeat: a line every third 5 s poll', async () => {
    const { progress, lines } = progressOf()
    progress.begin('rollback of web', undefined)
    for (let poll = 0; poll < 6; poll++) await progress.clock.sleep(5000)
    expect(lines()).toEqual(['… rollback of web: 15s elapsed', '… rollback of web: 30s elapsed'])
  })

  it('catches up after a step that waited on no clock, and never shows time left below 0', async () => {
    const { progress, lines, clock } = progressOf()
    progress.begin('gate', 10_000)
    clock.advance(HEARTBEAT_MS + 5000)
    await progress.clock.sleep(0)
    expect(lines()).toEqual(['… gate: 20s elapsed, 0ms left'])
  })

  it('stops at a cancellation: a sleep cut short writes no more lines', async () => {
    const { progress, lines } = progressOf()
    const cancel = new AbortController()
    progress.begin('verify', 60_000)
    cancel.abort()
    await progress.clock.sleep(60_000, cancel.signal)
    expect(lines()).toEqual([])
  })

  it('writes nothing outside a wait', () => {
    const { progress, lines } = progressOf()
    progress.beat()
    expect(progress.heartbeatText()).toBe('')
    expect(lines()).toEqual([])
  })

  it('shows the text as it is when there is nothing to redact', async () => {
    const clock = new FakeClock()
    const io = testIo()
    const progress = new Progress({ io, colors: plain, clock, spinner: false })
    progress.begin('verify of hunter2', undefined)
    await progress.clock.sleep(HEARTBEAT_MS)
    expect(io.stderr.text).toBe('… verify of hunter2: 15s elapsed\n')
  })
})

describe('the waits of the use case', () => {
  it('are told by this heartbeat while they last: their own what, time left and state, never a second line', async () => {
    const { progress, lines, clock } = progressOf()
    progress.begin('deploy of web in staging', 600_000)
    progress.log.info('Watching web')
    const waiting = startWaiting(
      { clock: progress.clock, log: progress.log },
      {
        what: 'Waiting for the rollout of web in cluster prod',
        deadline: clock.now() + 60_000,
        state: () => 'web: IN_PROGRESS 0/2 running'
      }
    )
    for (let poll = 0; poll < 6; poll++) await waiting.sleep(5000)
    waiting.end()
    await progress.clock.sleep(15_000)
    expect(lines()).toEqual([
      'Watching web',
      '… Waiting for the rollout of web in cluster prod: 15s elapsed, 45s left — web: IN_PROGRESS 0/2 running',
      '… Waiting for the rollout of web in cluster prod: 30s elapsed, 30s left — web: IN_PROGRESS 0/2 running',
      '… deploy of web in staging: 45s elapsed, 9m 15s left — Watching web'
    ])
  })

  it('speak after the command’s own wait ended too (the undo of a cancelled deploy)', async () => {
    const { progress, lines } = progressOf()
    progress.begin('deploy of web', undefined)
    progress.end()
    const waiting = startWaiting(
      { clock: progress.clock, log: progress.log },
      { what: 'Waiting for the rollout of web' }
    )
    await waiting.sleep(20_000)
    waiting.end()
    await progress.clock.sleep(20_000)
    expect(lines()).toEqual(['… Waiting for the rollout of web: 15s elapsed'])
  })
})

describe('the log of the use case', () => {
  it('prints info and warnings, debug only when verbose, groups as a title; untrusted text escaped, secrets replaced', async () => {
    const quiet = progressOf()
    quiet.progress.log.info('event \u001b[2J from AWS\nsecond line')
    quiet.progress.log.warning('password hunter2 in a message')
    quiet.progress.log.debug('a debug line')
    expect(await quiet.progress.log.group('Changes for web', () => Promise.resolve(7))).toBe(7)
    expect(quiet.lines()).toEqual([
      'event \\x1b[2J from AWS',
      'second line',
      'warning: password *** in a message',
      'Changes for web'
    ])
    const verbose = progressOf({ verbose: true })
    verbose.progress.log.debug('a debug line')
    expect(verbose.lines()).toEqual(['a debug line'])
  })

  it('the heartbeat shows the latest line, made safe', async () => {
    const { progress, lines } = progressOf()
    progress.begin('deploy', undefined)
    progress.log.warning('web: task stopped \u202e hunter2')
    await progress.clock.sleep(HEARTBEAT_MS)
    expect(lines().at(-1)).toBe('… deploy: 15s elapsed — web: task stopped \\u202e ***')
  })
})

describe('on a terminal', () => {
  it('the heartbeat is the text of a spinner, which ends with the wait', async () => {
    const { progress, io } = progressOf({ spinner: true, tty: true })
    progress.begin('deploy of web', 60_000)
    progress.log.info('web: IN_PROGRESS')
    await progress.clock.sleep(HEARTBEAT_MS)
    progress.end()
    const shown = stripVTControlCharacters(io.stderr.text)
    expect(shown).toContain('deploy of web: 0ms elapsed, 1m left')
    expect(shown).toContain('web: IN_PROGRESS\n')
    expect(shown).not.toContain('… deploy of web')
    progress.end()
  })
})

import { describe, expect, it } from '@jest/globals'
import { Annotations, MAX_ANNOTATION_LENGTH, truncateText } from '../src/index.js'
import { captureStdout, isolateProcessState } from './helpers.js'

isolateProcessState()
const stdout = captureStdout()

/** Undoes the runner's message escaping so assertions read naturally. */
function unescape(text: string): string {
  return text.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
}

function commands(): { command: string; message: string }[] {
  return stdout.lines().map(line => {
    const match = /^::([^:]*)::(.*)$/.exec(line)
    if (!match) throw new Error(`not a workflow command: ${line}`)
    return { command: match[1]!, message: unescape(match[2]!) }
  })
}

describe('Annotations', () => {
  it('emits nothing until flushed, then each annotation with its properties', () => {
    const annotations = new Annotations()
    annotations.error('Task stopped: Essential container exited (code 137)', {
      title: 'Deployment failed',
      file: 'deploy/task-def.json',
      startLine: 12
    })
    annotations.warning('Target 10.0.0.5:8080 unhealthy: Target.ResponseCodeMismatch')
    annotations.notice('Soak time: 10m')
    expect(annotations.size).toBe(3)
    expect(stdout.text()).toBe('')
    annotations.flush()
    expect(stdout.lines()).toEqual([
      '::error title=Deployment failed,file=deploy/task-def.json,line=12::Task stopped: Essential container exited (code 137)',
      '::warning::Target 10.0.0.5:8080 unhealthy: Target.ResponseCodeMismatch',
      '::notice::Soak time: 10m'
    ])
    expect(annotations.size).toBe(0)
  })

  it('escapes property values', () => {
    const annotations = new Annotations()
    annotations.error('x', { title: 'a: b, c' })
    annotations.flush()
    expect(stdout.lines()).toEqual(['::error title=a%3A b%2C c::x'])
  })

  it('forgets flushed annotations', () => {
    const annotations = new Annotations()
    annotations.notice('once')
    annotations.flush()
    annotations.flush()
    expect(stdout.lines()).toEqual(['::notice::once'])
  })

  it('emits exactly 10 per level unchanged', () => {
    const annotations = new Annotations()
    for (let i = 1; i <= 10; i++) annotations.error(`error ${i}`)
    annotations.flush()
    expect(commands().map(c => c.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `error ${i + 1}`)
    )
  })

  it('folds everything past the 9th into a 10th annotation per level', () => {
    const annotations = new Annotations()
    for (let i = 1; i <= 13; i++) annotations.error(`error ${i}\nstack line`)
    for (let i = 1; i <= 11; i++) annotations.warning(`warning ${i}`)
    annotations.notice('only notice')
    annotations.flush()
    const emitted = commands()
    const errors = emitted.filter(c => c.command.startsWith('error'))
    const warnings = emitted.filter(c => c.command.startsWith('warning'))
    expect(errors).toHaveLength(10)
    expect(errors[8]!.message).toBe('error 9\nstack line')
    expect(errors[9]).toEqual({
      command: 'error title=4 more errors',
      message: '… and 4 more errors:\n- error 10\n- error 11\n- error 12\n- error 13'
    })
    expect(warnings).toHaveLength(10)
    expect(warnings[9]).toEqual({
      command: 'warning title=2 more warnings',
      message: '… and 2 more warnings:\n- warning 10\n- warning 11'
    })
    expect(emitted.filter(c => c.command === 'notice')).toEqual([
      { command: 'notice', message: 'only notice' }
    ])
  })

  it('names notices in the folded annotation', () => {
    const annotations = new Annotations()
    for (let i = 1; i <= 12; i++) annotations.notice(`n${i}`)
    expect(annotations.planned()[9]!.message).toBe('… and 3 more notices:\n- n10\n- n11\n- n12')
  })

  it('truncates long messages and long folded lines', () => {
    const annotations = new Annotations()
    annotations.error('x'.repeat(5000))
    for (let i = 0; i < 9; i++) annotations.warning('w')
    for (let i = 0; i < 30; i++) annotations.warning('y'.repeat(300))
    const planned = annotations.planned()
    expect(planned[0]!.message).toHaveLength(MAX_ANNOTATION_LENGTH)
    expect(planned[0]!.message.endsWith('…')).toBe(true)
    const folded = planned[planned.length - 1]!.message
    expect(folded.startsWith('… and 30 more warnings:\n- ' + 'y'.repeat(199) + '…\n')).toBe(true)
    expect(folded.length).toBe(MAX_ANNOTATION_LENGTH)
  })

  it('truncateText leaves short text alone', () => {
    expect(truncateText('abc', 3)).toBe('abc')
    expect(truncateText('abcd', 3)).toBe('ab…')
  })
})

import { describe, expect, it } from '@jest/globals'
import type { EnvironmentEvent, JobResult } from '../src/model.js'
import { fitLine, lineText, paint, renderLine } from '../src/report/ansi.js'
import {
  displayWidth,
  durationIn,
  formatSpan,
  locationOf,
  pad,
  parseAnnotationCommand,
  printable,
  printableBlock,
  spanOf,
  truncate,
  truncateMiddle
} from '../src/report/text.js'
import {
  approvalNote,
  approvalText,
  depthOf,
  eventText,
  jobNote,
  keyOutputs,
  parentKey,
  problemLine,
  reviewersIn,
  timerText,
  waitTimerMs
} from '../src/report/vocabulary.js'
import { job } from './fixtures/report/results.js'

const ESC = '\u001b'

function event(fields: Partial<EnvironmentEvent>): EnvironmentEvent {
  return { environment: 'production', at: 0, kind: 'deployed', detail: '', ...fields }
}

describe('printable', () => {
  it.each([
    ['plain text', 'plain text'],
    [`${ESC}[31mred${ESC}[0m`, 'red'],
    [`${ESC}[2J${ESC}[Hcleared`, 'cleared'],
    [`${ESC}]0;title\u0007after`, 'after'],
    ['bell\u0007', 'bell\\x07'],
    ['line\nbreak', 'line\\nbreak'],
    ['tab\there', 'tab\\there'],
    ['\u009b31mC1 CSI', 'C1 CSI'],
    ['lone \u009b', 'lone \\x9b'],
    ['evil\u202eoverride', 'evil\\u202eoverride'],
    ['emoji ✅ stays', 'emoji ✅ stays']
  ])('%j → %j', (input, expected) => {
    expect(printable(input)).toBe(expected)
  })

  it('keeps the lines and tabs of a block, escaping the rest', () => {
    expect(printableBlock(`a\tb\r\n${ESC}[1mbold${ESC}[0m\u0000\rc`)).toBe('a\tb\nbold\\x00\nc')
  })
})

describe('widths', () => {
  it('counts wide and zero-width characters', () => {
    expect(displayWidth('abc')).toBe(3)
    expect(displayWidth('✅ ok')).toBe(5)
    expect(displayWidth('日本')).toBe(4)
    expect(displayWidth('e\u0301')).toBe(1)
    expect(displayWidth('✓ ✗ ⏸ ▶ ⊘ ↷ ·')).toBe(13)
  })

  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['a longer text', 8, 'a longe…'],
    ['日本語のテキスト', 7, '日本語…'],
    ['anything', 0, ''],
    ['ab', 1, '…']
  ])('truncate(%j, %d) → %j', (text, width, expected) => {
    expect(truncate(text, width)).toBe(expected)
    expect(displayWidth(truncate(text, width))).toBeLessThanOrEqual(width)
  })

  it.each([
    ['Production / deploy/rollback/rollback (web)', 28, 'Productio…ack/rollback (web)'],
    ['short', 28, 'short'],
    ['Production / deploy', 6, 'Produ…']
  ])('truncateMiddle(%j, %d) → %j', (text, width, expected) => {
    const cut = truncateMiddle(text, width)
    expect(cut).toBe(expected)
    expect(displayWidth(cut)).toBeLessThanOrEqual(width)
  })

  it('pads to a width', () => {
    expect(pad('ab', 4)).toBe('ab  ')
    expect(pad('✅', 3)).toBe('✅ ')
    expect(pad('abcdef', 3)).toBe('abcdef')
  })
})

describe('durations', () => {
  it.each([
    [0, '0.0s'],
    [2100, '2.1s'],
    [59_940, '59.9s'],
    [60_000, '1m'],
    [125_000, '2m 5s'],
    [-1, ''],
    [Number.NaN, '']
  ])('formatSpan(%d) → %j', (ms, expected) => {
    expect(formatSpan(ms)).toBe(expected)
  })

  it('measures what ended, what runs (to now), and nothing for what has not started', () => {
    expect(spanOf({ startedAt: 1000, endedAt: 3100 })).toBe('2.1s')
    expect(spanOf({ startedAt: 1000 }, 4000)).toBe('3.0s')
    expect(spanOf({ startedAt: 1000 })).toBe('')
    expect(spanOf({}, 4000)).toBe('')
  })

  it.each([
    ['wait timer 5m', 300_000],
    ['wait timer 5 min', 300_000],
    ['wait timer 1h 30m', 5_400_000],
    ['2 minutes 30 seconds', 150_000],
    ['500ms', 500],
    ['1.5 hours', 5_400_000],
    ['30 secs', 30_000],
    ['deployed 1.1.0', undefined],
    ['5 mangoes', undefined]
  ])('durationIn(%j) → %j', (text, expected) => {
    expect(durationIn(text)).toBe(expected)
  })
})

describe('workflow commands in a log', () => {
  it.each([
    ['::error::it broke', { level: 'error', message: 'it broke' }],
    ['  ::warning::careful', { level: 'warning', message: 'careful' }],
    ['::notice title=Note::fyi', { level: 'notice', message: 'fyi', title: 'Note' }],
    [
      '::error file=app.py,line=3,col=7,title=Lint%3A E1::bad%0Aline two%25',
      { level: 'error', message: 'bad\nline two%', where: 'app.py:3:7', title: 'Lint: E1' }
    ],
    ['::error file=a%2Cb.yml::x', { level: 'error', message: 'x', where: 'a,b.yml' }]
  ])('%j', (line, expected) => {
    expect(parseAnnotationCommand(line)).toEqual(expected)
  })

  it.each(['plain output', '::group::Build', '::debug::hidden', 'error: no command'])(
    'ignores %j',
    line => {
      expect(parseAnnotationCommand(line)).toBeUndefined()
    }
  )

  it('writes a location as far as it is known', () => {
    expect(locationOf({ file: 'a.yml', line: 3, column: 4 })).toBe('a.yml:3:4')
    expect(locationOf({ file: 'a.yml', line: 3 })).toBe('a.yml:3')
    expect(locationOf({ file: 'a.yml', column: 4 })).toBe('a.yml')
    expect(locationOf({})).toBe('')
  })
})

describe('environment events in words', () => {
  it.each<[Partial<EnvironmentEvent>, string]>([
    [{ kind: 'deployed', detail: '1.1.0 by octocat' }, 'deployed 1.1.0 by octocat'],
    [{ kind: 'deployed', detail: 'deployed 1.1.0' }, 'deployed 1.1.0'],
    [{ kind: 'deployed', detail: '' }, 'deployed'],
    [{ kind: 'wait-timer', detail: 'wait timer 5m' }, 'wait timer 5m'],
    [
      { kind: 'approval-requested', detail: 'approval of alice, org/team' },
      'approval requested from alice, org/team'
    ],
    [
      { kind: 'approval-requested', detail: '@alice, @bob' },
      'approval requested from @alice, @bob'
    ],
    [{ kind: 'approval-requested', detail: '' }, 'approval requested'],
    [{ kind: 'approved', detail: 'approved by alice' }, 'approved by alice'],
    [{ kind: 'approved', detail: 'by @alice' }, 'approved by @alice'],
    [{ kind: 'rejected', detail: 'rejected by --reject' }, 'rejected by --reject'],
    [
      { kind: 'rolled-back', detail: 'rollback rolled-back to 1.0.9' },
      'rollback rolled-back to 1.0.9'
    ],
    [{ kind: 'rolled-back', detail: 'to web:76' }, 'rolled back to web:76'],
    [{ kind: 'verified', detail: 'verified (monitoring window)' }, 'verified (monitoring window)'],
    [
      { kind: 'deployment-failed', detail: 'checks failed: http /health' },
      'deployment failed: checks failed: http /health'
    ],
    [{ kind: 'deployment-failed', detail: 'deploy of 1.1.0 failed' }, 'deploy of 1.1.0 failed']
  ])('%j → %j', (fields, expected) => {
    expect(eventText(event(fields))).toBe(expected)
  })

  it('names who must approve', () => {
    expect(reviewersIn('approval of alice, bob')).toBe('alice, bob')
    expect(reviewersIn('approval requested from @alice')).toBe('@alice')
    expect(approvalText('production', 'approval of alice')).toBe('approval of production by alice')
    expect(approvalText('production', '')).toBe('approval of production')
  })

  it('counts a wait timer down from its start, by the approval record or the event', () => {
    const timer = event({ kind: 'wait-timer', at: 1000, detail: 'wait timer 5 min' })
    expect(timerText(timer, undefined, 61_000)).toBe('wait timer of production: 4m left')
    expect(timerText(timer, undefined, 400_000)).toBe('wait timer of production: ending')
    const recorded = job({
      key: 'deploy',
      environment: {
        name: 'production',
        approval: { decision: 'approved', by: 'alice', at: 0, waitTimerMs: 120_000 }
      }
    })
    expect(waitTimerMs(timer, recorded)).toBe(120_000)
    expect(timerText(timer, recorded, 31_000)).toBe('wait timer of production: 1m 30s left')
    const unknown = event({ kind: 'wait-timer', detail: 'a while' })
    expect(timerText(unknown, undefined, 0)).toBe('wait timer a while')
  })
})

describe('notes about jobs and problems', () => {
  const deployed: JobResult = job({
    key: 'deploy/deploy',
    outputs: {
      version: '1.1.0',
      status: 'succeeded',
      other: 'x',
      healthy: '',
      approved: 'true',
      image: 'i'
    }
  })

  it('shows the key outputs, at most three, in a fixed order', () => {
    expect(keyOutputs(deployed.outputs)).toBe('status=succeeded version=1.1.0 approved=true')
    expect(keyOutputs({})).toBe('')
  })

  it('puts the reason before the approval, and outputs only without a reason', () => {
    expect(jobNote(deployed)).toBe('status=succeeded version=1.1.0 approved=true')
    const approved = job({
      key: 'deploy',
      reason: 'step verify failed',
      outputs: { status: 'succeeded' },
      environment: {
        name: 'production',
        approval: { decision: 'approved', by: 'alice', at: 0, waitTimerMs: 300_000 }
      }
    })
    expect(jobNote(approved)).toBe('step verify failed · approved by alice, wait timer 5m')
    expect(approvalNote(job({ key: 'x' }))).toBe('')
    const noTimer = job({
      key: 'x',
      environment: {
        name: 'p',
        approval: { decision: 'rejected', by: '--reject', at: 0, waitTimerMs: 0 }
      }
    })
    expect(jobNote(noTimer)).toBe('rejected by --reject')
  })

  it('writes a problem on one line with where it is', () => {
    expect(
      problemLine({
        level: 'error',
        message: 'unknown output',
        file: 'w.yml',
        line: 3,
        column: 9,
        job: 'deploy',
        step: 'plan',
        expression: 'needs.a.outputs.b'
      })
    ).toBe('error w.yml:3:9: unknown output in ${{ needs.a.outputs.b }} (job deploy, step plan)')
    expect(problemLine({ level: 'warning', message: 'hm' })).toBe('warning: hm')
    expect(problemLine({ level: 'warning', message: 'hm', step: 's' })).toBe('warning: hm (step s)')
  })

  it('finds the caller of a job of a called workflow', () => {
    expect(parentKey('deploy')).toBeUndefined()
    expect(parentKey('deploy/plan')).toBe('deploy')
    expect(parentKey('deploy/rollback/rollback (web/api)')).toBe('deploy/rollback')
    expect(parentKey('watch (a/b)')).toBeUndefined()
    expect(depthOf('deploy/rollback/rollback (web/api)')).toBe(2)
    expect(depthOf('test')).toBe(0)
  })
})

describe('coloured lines', () => {
  it('paints only with colour on', () => {
    expect(paint('x', 'red', true)).toBe(`${ESC}[31mx${ESC}[39m`)
    expect(paint('x', 'red', false)).toBe('x')
    expect(paint('x', undefined, true)).toBe('x')
    expect(paint('', 'red', true)).toBe('')
  })

  it('cuts a line of parts to a width, ending the cut part in …', () => {
    const line = [
      { text: '✓ ', style: 'green' as const },
      { text: 'deploy/deploy' },
      { text: '  2.1s' }
    ]
    expect(lineText(fitLine(line, 40))).toBe('✓ deploy/deploy  2.1s')
    expect(lineText(fitLine(line, 10))).toBe('✓ deploy/…')
    expect(lineText(fitLine(line, 15))).toBe('✓ deploy/deploy')
    expect(renderLine(fitLine(line, 3), true)).toBe(`${ESC}[32m✓ ${ESC}[39md`.replace('d', '…'))
  })
})

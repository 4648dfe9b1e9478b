/*
 * The live tree's frame on a terminal: a line per job, and under each running or finished job a
 * line per step. When the frame is taller than the terminal, it is made shorter step by step:
 * finished jobs lose their steps, running jobs show only their running and failed steps, finished
 * jobs that did not fail become one count line, queued jobs another, and at last the frame is cut.
 */

import type { RunState, StepResult } from '../model.js'
import type { Line, Part } from './ansi.js'
import type { LiveState, TrackedJob } from './live-state.js'
import { printable, spanOf } from './text.js'
import { STATE_STYLE, STATE_SYMBOL, isFinished } from './vocabulary.js'

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export interface FrameView {
  /** Lines the frame may take. */
  height: number
  now: number
  /** Spinner frame number. */
  tick: number
}

interface Block {
  tracked: TrackedJob
  header: Line
  steps: { state: RunState; line: Line }[]
}

function symbol(state: RunState, view: FrameView): Part {
  const text = state === 'running' ? (SPINNER[view.tick % SPINNER.length] as string) : undefined
  return { text: text ?? STATE_SYMBOL[state], style: STATE_STYLE[state] }
}

function jobHeader(tracked: TrackedJob, state: LiveState, view: FrameView): Line {
  const job = tracked.job
  const line: Line = [
    { text: '  '.repeat(state.depth(job.key)) },
    symbol(job.state, view),
    { text: ` ${printable(job.key)}` }
  ]
  if (job.environment) {
    line.push({ text: ` → ${printable(job.environment.name)}`, style: 'blue' })
  }
  if (job.state === 'waiting') {
    const waiting = state.waitingText(tracked, view.now)
    line.push({
      text: `  waiting${waiting === '' ? '' : `: ${printable(waiting)}`}`,
      style: 'yellow'
    })
    return line
  }
  const span = spanOf(job, job.state === 'running' ? view.now : undefined)
  if (span !== '') line.push({ text: `  ${span}`, style: 'dim' })
  if (job.reason !== undefined && isFinished(job.state)) {
    line.push({ text: `  ${printable(job.reason)}`, style: STATE_STYLE[job.state] })
  }
  return line
}

export function stepName(step: StepResult): string {
  const name = printable(step.name)
  return step.post === true && !/^post\b/i.test(name) ? `Post ${name}` : name
}

function stepLine(step: StepResult, indent: string, view: FrameView): Line {
  const line: Line = [{ text: indent }, symbol(step.state, view), { text: ` ${stepName(step)}` }]
  if (step.kind === 'stand-in') {
    line.push({ text: ` (stand-in: ${printable(step.standIn ?? step.uses ?? '')})`, style: 'dim' })
  }
  const span = spanOf(step, step.state === 'running' ? view.now : undefined)
  if (span !== '') line.push({ text: `  ${span}`, style: 'dim' })
  if (step.reason !== undefined && step.state === 'failure') {
    line.push({ text: `  ${printable(step.reason)}`, style: 'red' })
  }
  return line
}

function blockOf(tracked: TrackedJob, state: LiveState, view: FrameView): Block {
  const job = tracked.job
  const showSteps = job.state !== 'queued' && job.state !== 'waiting'
  const indent = '  '.repeat(state.depth(job.key) + 1)
  const steps = showSteps
    ? [...tracked.steps.values()].map(step => ({
        state: step.state,
        line: stepLine(step, indent, view)
      }))
    : []
  return { tracked, header: jobHeader(tracked, state, view), steps }
}

const finished = (block: Block) => isFinished(block.tracked.job.state)
const failed = (block: Block) => block.tracked.job.state === 'failure'

type Shape = (blocks: Block[]) => Line[]

const full: Shape = blocks => blocks.flatMap(b => [b.header, ...b.steps.map(s => s.line)])

const finishedCollapsed: Shape = blocks =>
  blocks.flatMap(b => (finished(b) ? [b.header] : [b.header, ...b.steps.map(s => s.line)]))

function activeSteps(block: Block): Line[] {
  return block.steps.filter(s => s.state === 'running' || s.state === 'failure').map(s => s.line)
}

const activeOnly: Shape = blocks =>
  blocks.flatMap(b => (finished(b) ? [b.header] : [b.header, ...activeSteps(b)]))

function countLine(blocks: Block[], state: RunState, words: string): Line[] {
  if (blocks.length === 0) return []
  const states = new Map<RunState, number>()
  for (const b of blocks)
    states.set(b.tracked.job.state, (states.get(b.tracked.job.state) ?? 0) + 1)
  const detail = [...states].map(([s, n]) => `${n} ${s}`).join(', ')
  return [
    [
      { text: STATE_SYMBOL[state], style: STATE_STYLE[state] },
      { text: ` ${blocks.length} ${words}` },
      { text: blocks.length > 1 && states.size > 1 ? ` (${detail})` : '', style: 'dim' }
    ]
  ]
}

const finishedCounted: Shape = blocks => [
  ...countLine(
    blocks.filter(b => finished(b) && !failed(b)),
    'success',
    'finished'
  ),
  ...activeOnly(blocks.filter(b => !finished(b) || failed(b)))
]

const queuedCounted: Shape = blocks => [
  ...finishedCounted(blocks.filter(b => b.tracked.job.state !== 'queued')),
  ...countLine(
    blocks.filter(b => b.tracked.job.state === 'queued'),
    'queued',
    'queued'
  )
]

/** The frame's lines, at most `view.height` of them. */
export function frameLines(state: LiveState, view: FrameView): Line[] {
  const blocks = state.jobs.map(tracked => blockOf(tracked, state, view))
  const height = Math.max(view.height, 2)
  for (const shape of [full, finishedCollapsed, activeOnly, finishedCounted, queuedCounted]) {
    const lines = shape(blocks)
    if (lines.length <= height) return lines
  }
  const lines = queuedCounted(blocks)
  const shown = lines.slice(0, height - 1)
  return [...shown, [{ text: `… ${lines.length - shown.length} more`, style: 'dim' }]]
}

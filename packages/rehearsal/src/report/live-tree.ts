/*
 * The rehearsal as it runs. On a terminal: a tree of jobs and their steps redrawn in place
 * (throttled, never taller than the terminal), with events, problems and annotations printed
 * above it. Elsewhere (CI, a pipe, a file): one plain line per change of state.
 */

import type { JobResult, RehearsalListener, StepResult } from '../model.js'
import { fitLine, renderLine, type Line } from './ansi.js'
import { frameLines, stepName } from './live-frame.js'
import { LiveNotes } from './live-notes.js'
import { LiveState, type TrackedJob } from './live-state.js'
import { printable, spanOf } from './text.js'
import { STATE_STYLE, STATE_SYMBOL, isFinished } from './vocabulary.js'

export interface LiveOutput {
  write(s: string): unknown
  isTTY?: boolean
  columns?: number
  /** The terminal's height; 24 when not known. */
  rows?: number
}

export interface LiveTreeOptions {
  color: boolean
  /** The clock the results' times are on (the simulator's); Date.now by default. */
  now?: () => number
}

export type LiveTree = RehearsalListener & {
  /** Stops the redrawing and draws the final frame. */
  finish(): void
  /**
   * Stops redrawing so something else can use the terminal (a question asking a person to
   * approve an environment); the frame stays where it is. Does nothing on plain output.
   */
  pause(): void
  /** Redraws below whatever was written while paused. */
  resume(): void
}

/** How often the terminal is redrawn at most, and the spinner turns. */
export const REDRAW_MS = 100

export function createLiveTree(out: LiveOutput, options: LiveTreeOptions): LiveTree {
  const now = options.now ?? Date.now
  return out.isTTY === true
    ? terminalTree(out, options.color, now)
    : plainLines(out, options.color, now)
}

function stampOf(now: () => number): () => string {
  const start = now()
  return () => `[${((now() - start) / 1000).toFixed(1)}s]`
}

/** What a job line says after its key: `✓ success → staging (2.1s): reason`. */
function stateParts(tracked: TrackedJob, state: LiveState, now: number): Line {
  const job = tracked.job
  const line: Line = [
    { text: ` ${STATE_SYMBOL[job.state]} ${job.state}`, style: STATE_STYLE[job.state] }
  ]
  if (job.state === 'waiting') {
    const waiting = state.waitingText(tracked, now)
    if (waiting !== '') line.push({ text: `: ${printable(waiting)}` })
    return line
  }
  if (job.environment) line.push({ text: ` → ${printable(job.environment.name)}` })
  const span = job.state === 'running' ? '' : spanOf(job)
  if (span !== '') line.push({ text: ` (${span})`, style: 'dim' })
  if (job.reason !== undefined && isFinished(job.state)) {
    line.push({ text: `: ${printable(job.reason)}` })
  }
  return line
}

/**
 * Changes worth a line: the state, and for a waiting job what it waits for (an approval, a wait
 * timer: told by the events or by the job's reason), not the timer counting down.
 */
function signature(tracked: TrackedJob): string {
  if (tracked.job.state !== 'waiting') return tracked.job.state
  const reason = tracked.job.reason ?? ''
  const timer = tracked.timer !== undefined || /wait timer/i.test(reason)
  const approval = tracked.approval !== undefined || (!timer && /approv/i.test(reason))
  if (!timer && !approval) return `waiting ${reason}`
  return `waiting${approval ? ' approval' : ''}${timer ? ' timer' : ''}`
}

function plainLines(out: LiveOutput, color: boolean, now: () => number): LiveTree {
  const state = new LiveState()
  const stamp = stampOf(now)
  const emit = (lines: Line[]) => {
    for (const line of lines) out.write(`${renderLine(line, color)}\n`)
  }
  const notes = new LiveNotes(emit, stamp)
  const printed = new Map<string, string>()
  const failedSteps = new Set<string>()
  const report = (tracked: TrackedJob) => {
    const seen = signature(tracked)
    if (printed.get(tracked.job.key) === seen) return
    printed.set(tracked.job.key, seen)
    notes.interrupt()
    const head: Line = [{ text: `${stamp()} `, style: 'dim' }, { text: printable(tracked.job.key) }]
    emit([[...head, ...stateParts(tracked, state, now())]])
  }
  const stepFailed = (job: JobResult, step: StepResult) => {
    const key = `${job.key}\u0000${step.id}\u0000${step.post === true}`
    if (step.state !== 'failure' || failedSteps.has(key)) return
    failedSteps.add(key)
    notes.interrupt()
    const span = spanOf(step)
    const reason = step.reason === undefined ? '' : `: ${printable(step.reason)}`
    emit([
      [
        { text: `${stamp()} `, style: 'dim' },
        { text: `${printable(job.key)} › ${stepName(step)}` },
        { text: ` ${STATE_SYMBOL.failure} failure`, style: STATE_STYLE.failure },
        { text: span === '' ? '' : ` (${span})`, style: 'dim' },
        { text: reason }
      ]
    ])
  }
  return {
    jobChanged: job => report(state.job(job)),
    stepChanged: (job, step) => {
      state.step(job, step)
      stepFailed(job, step)
    },
    stepLine: (job, step, line) => notes.logLine(job, step, line),
    environment: event => {
      const tracked = state.event(event)
      notes.event(event)
      // What a waiting job waits for may be told by the event; an answer is a line of its own.
      if (
        tracked !== undefined &&
        (event.kind === 'approval-requested' || event.kind === 'wait-timer')
      ) {
        report(tracked)
      }
    },
    problem: problem => notes.problem(problem),
    finish: () => undefined,
    pause: () => undefined,
    resume: () => undefined
  }
}

function moveUp(lines: number): string {
  return lines > 0 ? `\u001b[${lines}A\r` : '\r'
}

function terminalTree(out: LiveOutput, color: boolean, now: () => number): LiveTree {
  const state = new LiveState()
  const screen = new TerminalScreen(out, color, state, now)
  const notes = new LiveNotes(lines => screen.print(lines), stampOf(now))
  const changed = () => screen.changed()
  return {
    jobChanged: job => {
      state.job(job)
      changed()
    },
    stepChanged: (job, step) => {
      state.step(job, step)
      changed()
    },
    stepLine: (job, step, line) => notes.logLine(job, step, line),
    environment: event => {
      state.event(event)
      notes.event(event)
    },
    problem: problem => notes.problem(problem),
    finish: () => screen.finish(),
    pause: () => screen.pause(),
    resume: () => screen.resume()
  }
}

/** The frame on the terminal: how many lines it takes, when to draw it again, the spinner. */
class TerminalScreen {
  private shown = 0
  private tick = 0
  private cooling?: ReturnType<typeof setTimeout>
  private dirty = false
  private spinner?: ReturnType<typeof setInterval>
  private paused = false
  private pending = ''

  constructor(
    private readonly out: LiveOutput,
    private readonly color: boolean,
    private readonly state: LiveState,
    private readonly now: () => number
  ) {}

  /** Something changed: draw now, or once the last draw is REDRAW_MS old. */
  changed(): void {
    if (this.paused) return
    this.spin()
    if (this.cooling !== undefined) {
      this.dirty = true
      return
    }
    this.draw()
    this.cooling = setTimeout(() => {
      this.cooling = undefined
      if (this.dirty) {
        this.dirty = false
        this.changed()
      }
    }, REDRAW_MS)
    this.cooling.unref?.()
  }

  /** Lines that stay: written where the frame was, and the frame drawn again below them. */
  print(lines: Line[]): void {
    const text = lines.map(line => `${renderLine(line, this.color)}\n`).join('')
    if (this.paused) {
      // Not into the middle of someone else's question: printed on resume.
      this.pending += text
      return
    }
    this.out.write(`${moveUp(this.shown)}\u001b[J${text}`)
    this.shown = 0
    this.draw()
  }

  finish(): void {
    this.stop()
    if (this.paused) this.unpause()
    this.draw()
  }

  pause(): void {
    this.stop()
    this.paused = true
  }

  resume(): void {
    if (!this.paused) return
    this.unpause()
    this.changed()
  }

  /** What was written below the frame while paused stays; a new frame starts under it. */
  private unpause(): void {
    this.paused = false
    this.shown = 0
    if (this.pending !== '') this.out.write(this.pending)
    this.pending = ''
  }

  private stop(): void {
    clearTimeout(this.cooling)
    clearInterval(this.spinner)
    this.cooling = undefined
    this.spinner = undefined
    this.dirty = false
  }

  private draw(): void {
    if (this.paused) return
    const columns = Math.max((this.out.columns ?? 80) - 1, 10)
    const lines = frameLines(this.state, {
      height: (this.out.rows ?? 24) - 1,
      now: this.now(),
      tick: this.tick
    })
    const text = lines
      .map(line => `\u001b[2K${renderLine(fitLine(line, columns), this.color)}\n`)
      .join('')
    this.out.write(`${moveUp(this.shown)}${text}\u001b[J`)
    this.shown = lines.length
  }

  /** The spinner turns (and running times count) while a job runs or waits. */
  private spin(): void {
    const active = this.state.jobs.some(t => t.job.state === 'running' || t.job.state === 'waiting')
    if (active && this.spinner === undefined) {
      this.spinner = setInterval(() => {
        this.tick++
        this.changed()
      }, REDRAW_MS)
      this.spinner.unref?.()
    }
    if (!active && this.spinner !== undefined) {
      clearInterval(this.spinner)
      this.spinner = undefined
    }
  }
}

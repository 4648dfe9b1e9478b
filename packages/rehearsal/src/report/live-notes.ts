/*
 * Lines both live views print as they come, above the tree on a terminal or among the state
 * changes elsewhere: environment events, problems, and the annotations a step writes to its log
 * (`::error::…` becomes `  error: …` under a line naming the job and step).
 */

import type { EnvironmentEvent, JobResult, Problem, StepResult } from '../model.js'
import type { Line, Style } from './ansi.js'
import { stepName } from './live-frame.js'
import { parseAnnotationCommand, printable } from './text.js'
import { eventText, problemLine } from './vocabulary.js'

const LEVEL_STYLE: Record<string, Style> = { error: 'red', warning: 'yellow', notice: 'blue' }

const EVENT_STYLE: Record<EnvironmentEvent['kind'], Style> = {
  'approval-requested': 'yellow',
  approved: 'green',
  rejected: 'red',
  'wait-timer': 'yellow',
  deployed: 'blue',
  'deployment-failed': 'red',
  'rolled-back': 'magenta',
  verified: 'green'
}

export class LiveNotes {
  /** The job and step the last annotation lines were about. */
  private context = ''

  constructor(
    private readonly emit: (lines: Line[]) => void,
    private readonly stamp: () => string
  ) {}

  /** Any other line printed in between: the next annotation names its step again. */
  interrupt(): void {
    this.context = ''
  }

  event(event: EnvironmentEvent): void {
    this.interrupt()
    this.emit([
      [
        { text: `${this.stamp()} `, style: 'dim' },
        { text: `${printable(event.environment)}: ` },
        { text: printable(eventText(event)), style: EVENT_STYLE[event.kind] }
      ]
    ])
  }

  problem(problem: Problem): void {
    this.interrupt()
    this.emit([
      [
        { text: `${this.stamp()} `, style: 'dim' },
        { text: printable(problemLine(problem)), style: LEVEL_STYLE[problem.level] }
      ]
    ])
  }

  /** A step's log line: printed only when it is an error, warning or notice command. */
  logLine(job: JobResult, step: StepResult, text: string): void {
    const command = parseAnnotationCommand(text)
    if (command === undefined) return
    const lines: Line[] = []
    const context = `${printable(job.key)} › ${stepName(step)}`
    if (context !== this.context) {
      lines.push([{ text: `${this.stamp()} `, style: 'dim' }, { text: `${context}:` }])
    }
    const title = command.title === undefined ? '' : `${command.title}: `
    const where = command.where === undefined ? '' : ` (${command.where})`
    const [first, ...rest] = `${title}${command.message}${where}`.split(/\r\n|\r|\n/)
    lines.push([
      { text: `  ${command.level}:`, style: LEVEL_STYLE[command.level] },
      { text: ` ${printable(first as string)}` }
    ])
    for (const more of rest) lines.push([{ text: `    ${printable(more)}` }])
    this.emit(lines)
    this.context = context
  }
}

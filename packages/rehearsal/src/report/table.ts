/*
 * The table printed when a rehearsal ends: a row per job of every run, the stand-ins used in
 * place of third-party actions, the problems found, and each run's conclusion.
 */

import type { JobResult, Problem, RehearsalResult } from '../model.js'
import { paint, type Style } from './ansi.js'
import {
  displayWidth,
  formatSpan,
  pad,
  printable,
  spanOf,
  truncate,
  truncateMiddle
} from './text.js'
import { STATE_STYLE, STATE_SYMBOL, jobNote, problemLine } from './vocabulary.js'

export interface ResultRun {
  title: string
  result: RehearsalResult
}

export interface ResultTableOptions {
  color: boolean
  /** Columns the table may take (the terminal's width); by default each column's own limit only. */
  width?: number
  /**
   * Sim milliseconds per real one: durations are the simulator's time, so a 4 s test job at
   * 180x shows as 12 min. Said under the table when above 1.
   */
  timeScale?: number
}

interface Column {
  title: string
  /** The widest it may be. */
  max: number
}

const COLUMNS: Column[] = [
  { title: 'Job', max: 48 },
  { title: 'Environment', max: 20 },
  { title: 'State', max: 11 },
  { title: 'Duration', max: 9 },
  { title: 'Note', max: 72 }
]

/** Column and the width it may shrink to, in turn, when the table is wider than allowed. */
const SHRINK: [number, number][] = [
  [4, 30],
  [0, 28],
  [1, 12],
  [4, 12],
  [0, 16],
  [1, 8],
  [0, 12],
  [4, 8]
]

const GAP = '  '

interface Row {
  cells: string[]
  style?: Style
}

function rowOf(run: ResultRun, job: JobResult): Row {
  return {
    cells: [
      `${run.title} / ${job.key}`,
      job.environment?.name ?? '',
      `${STATE_SYMBOL[job.state]} ${job.state}`,
      spanOf(job),
      jobNote(job)
    ].map(cell => printable(cell)),
    style: STATE_STYLE[job.state]
  }
}

/** Each column as wide as its widest cell, within its bounds and the table's width. */
function widthsOf(rows: Row[], width: number): number[] {
  const widths = COLUMNS.map((column, index) => {
    const widest = Math.max(
      displayWidth(column.title),
      ...rows.map(row => displayWidth(row.cells[index] as string))
    )
    return Math.min(widest, column.max)
  })
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP.length * (widths.length - 1)
  // Too wide for the terminal: the note gives way first, then the job, then both further.
  for (const [index, floor] of SHRINK) {
    const over = total() - width
    if (over <= 0) break
    widths[index] = Math.max(floor, (widths[index] as number) - over)
  }
  return widths
}

function renderRow(
  cells: string[],
  widths: number[],
  styleOf: (index: number) => Style | undefined,
  color: boolean
): string {
  const last = cells.length - 1
  return cells
    .map((cell, index) => {
      const cut = (index === 0 ? truncateMiddle : truncate)(cell, widths[index] as number)
      const text = index === last ? cut : pad(cut, widths[index] as number)
      return paint(text, styleOf(index), color)
    })
    .join(GAP)
    .trimEnd()
}

function jobsTable(runs: ResultRun[], options: ResultTableOptions): string[] {
  const rows = runs.flatMap(run => run.result.jobs.map(job => rowOf(run, job)))
  const widths = widthsOf(rows, options.width ?? Infinity)
  const header = renderRow(
    COLUMNS.map(column => column.title),
    widths,
    () => 'bold',
    options.color
  )
  const rule = paint(widths.map(w => '─'.repeat(w)).join(GAP), 'dim', options.color)
  const body = rows.map(row =>
    renderRow(row.cells, widths, index => (index === 2 ? row.style : undefined), options.color)
  )
  return [header, rule, ...(body.length > 0 ? body : ['(no jobs ran)'])]
}

function standInLines(runs: ResultRun[], color: boolean): string[] {
  const standIns = new Map<string, string>()
  for (const run of runs) {
    for (const [uses, instead] of Object.entries(run.result.standIns)) standIns.set(uses, instead)
  }
  if (standIns.size === 0) return []
  return [
    '',
    paint('Stand-ins (third-party actions replaced for the rehearsal)', 'bold', color),
    ...[...standIns].map(([uses, instead]) => `  ${printable(uses)} → ${printable(instead)}`)
  ]
}

function problemLines(runs: ResultRun[], color: boolean): string[] {
  const problems: Problem[] = runs.flatMap(run => run.result.problems)
  if (problems.length === 0) return []
  return [
    '',
    paint(`Problems (${problems.length})`, 'bold', color),
    ...problems.map(problem => {
      const style = problem.level === 'error' ? 'red' : 'yellow'
      const mark = problem.level === 'error' ? '✗' : '⚠'
      return `  ${paint(mark, style, color)} ${printable(problemLine(problem))}`
    })
  ]
}

function conclusionLines(runs: ResultRun[], color: boolean): string[] {
  return [
    '',
    ...runs.map(({ title, result }) => {
      const verdict = `${STATE_SYMBOL[result.conclusion]} ${result.conclusion}`
      const took = formatSpan(result.endedAt - result.startedAt)
      return (
        `${paint(printable(title), 'bold', color)} (${printable(result.workflow)}): ` +
        `${paint(verdict, STATE_STYLE[result.conclusion], color)}${took === '' ? '' : ` in ${took}`}`
      )
    })
  ]
}

/** The final table of a rehearsal, as lines for a terminal or a log (colour only when asked). */
export function resultTable(runs: ResultRun[], options: ResultTableOptions): string {
  return [
    ...jobsTable(runs, options),
    ...standInLines(runs, options.color),
    ...problemLines(runs, options.color),
    ...conclusionLines(runs, options.color),
    ...(options.timeScale !== undefined && options.timeScale > 1
      ? [
          `Durations are simulated time (${options.timeScale}x real time): waits, soaks and timers as in production.`
        ]
      : [])
  ].join('\n')
}

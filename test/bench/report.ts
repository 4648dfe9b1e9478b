/**
 * The statistics and the markdown of `npm run bench` (test/bench/run.ts): pure functions, so
 * that report.test.ts checks them on fixed samples without running a benchmark.
 */
import { percentile } from '@fargate-promote/health'

/** Median and range of one figure's samples. */
export interface Summary {
  runs: number
  median: number
  min: number
  max: number
}

/** One measured figure: its raw samples (one per run) and how to show them. */
export interface Figure {
  label: string
  /** Shown after each number: 'ms', 'B', 'req/s', '%', or '' for a count. */
  unit: string
  samples: readonly number[]
  /** Decimal places shown (default 0). */
  digits?: number
  /** The project's goal, in words ('≤ 2,000 ms'); none when the project has none. */
  goal?: string
}

export interface Section {
  /** The name `--only` takes. */
  id: string
  title: string
  figures: Figure[]
  /** How each figure is measured, one line each. */
  method: string[]
  /** Why the section, or part of it, could not be measured. */
  errors: string[]
}

export interface Machine {
  cpu: string
  cores: number
  memoryBytes: number
  /** The Node that ran the benchmarks, and the one that ran the action bundles. */
  node: string
  bundleNode: string
  loadStart: readonly number[]
  loadEnd: readonly number[]
  /** ISO 8601. */
  date: string
  commit: string
  /** The working tree differed from the commit. */
  dirty: boolean
}

export interface Report {
  machine: Machine
  sections: Section[]
  /** The command that wrote the file. */
  command: string
  quick: boolean
  wallMs: number
}

/**
 * Median and range of the finite samples; undefined for none. The median is the lower one of
 * an even count (nearest-rank p50, health's `percentile`, as the scripts in test/bench print):
 * always a value some run really gave.
 */
export function summarize(samples: readonly number[]): Summary | undefined {
  const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b)
  const median = percentile(sorted, 50)
  if (median === undefined) return undefined
  return { runs: sorted.length, median, min: sorted[0]!, max: sorted[sorted.length - 1]! }
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits
  })
}

function withUnit(text: string, unit: string): string {
  return unit === '' ? text : unit === '%' ? `${text}%` : `${text} ${unit}`
}

/** One table row: figure, median, range, runs, goal. */
export function figureRow(figure: Figure): string[] {
  const summary = summarize(figure.samples)
  const goal = figure.goal ?? '—'
  if (summary === undefined) return [figure.label, 'not measured', '—', '0', goal]
  const show = (value: number) => formatNumber(value, figure.digits)
  return [
    figure.label,
    withUnit(show(summary.median), figure.unit),
    withUnit(`${show(summary.min)}–${show(summary.max)}`, figure.unit),
    String(summary.runs),
    goal
  ]
}

/** A markdown table; `|` in a cell is escaped so that it cannot split the cell. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(c => c.replace(/\|/g, '\\|')).join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

function machineTable(m: Machine, wallMs: number): string {
  const load = (values: readonly number[]) => values.map(v => v.toFixed(2)).join(' ')
  const rows = [
    ['CPU', m.cpu],
    ['Cores', String(m.cores)],
    ['Memory', `${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB`],
    ['Node', `${m.node} (benchmarks); ${m.bundleNode} (action bundles)`],
    ['Load average (1, 5, 15 min) at start', load(m.loadStart)],
    ['Load average (1, 5, 15 min) at end', load(m.loadEnd)],
    ['Date', m.date],
    ['Git commit', m.dirty ? `${m.commit} (with uncommitted changes)` : m.commit],
    ['Wall time of the run', duration(wallMs)]
  ]
  return markdownTable(['', ''], rows)
}

export function renderSection(section: Section, number: number): string {
  const parts = [`## ${number}. ${section.title}`]
  if (section.figures.length > 0) {
    const header = ['Figure', 'Median', 'Range (min–max)', 'Runs', 'Goal']
    parts.push(markdownTable(header, section.figures.map(figureRow)))
  }
  if (section.errors.length > 0) {
    parts.push(section.errors.map(error => `**Not measured:** ${error}`).join('\n\n'))
  }
  if (section.method.length > 0) {
    parts.push(`How each figure is measured:\n\n${section.method.map(m => `- ${m}`).join('\n')}`)
  }
  return parts.join('\n\n')
}

export function renderReport(report: Report): string {
  const intro = [
    `Written by \`${report.command}\`${report.quick ? ' (quick: one run of each, a smoke test, not figures to quote)' : ''}.`,
    'Each figure is the median of its runs (the lower one of an even count), with the range of',
    'the runs and their number; times are real (wall-clock) milliseconds unless a figure says',
    'otherwise. The machine was shared, so compare figures with the load average below.'
  ].join(' ')
  return [
    '# Benchmark results',
    intro,
    '## Machine',
    machineTable(report.machine, report.wallMs),
    ...report.sections.map((section, i) => renderSection(section, i + 1))
  ]
    .join('\n\n')
    .concat('\n')
}

/*
 * The rehearsal as one HTML file a person opens in a browser: the overall conclusion, the
 * environments' timeline, and every run with its jobs, problems and stand-ins. Inline CSS, no
 * script, nothing loaded from elsewhere (a Content-Security-Policy says so to the browser too),
 * <details> to collapse. Every text from the results is escaped, and the step summaries'
 * Markdown is rendered to HTML and then reduced to an allowlist of inert markup.
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Conclusion, EnvironmentEvent, RehearsalResult } from '../../model.js'
import type { ResultRun } from '../table.js'
import { formatSpan, spanOf } from '../text.js'
import { jobNote, problemLine } from '../vocabulary.js'
import { jobHtml } from './job.js'
import { esc, isoOf, stateBadge, table, timeAt, type Times } from './parts.js'
import { STYLE } from './style.js'
import { timelineHtml } from './timeline.js'

export interface HtmlReportInput {
  title: string
  /** When the report was written (epoch milliseconds). */
  generatedAt: number
  runs: ResultRun[]
  /** Every environment's events, of all runs. */
  timeline: EnvironmentEvent[]
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'"

/** failure when any run failed, else cancelled when any was, else success. */
export function overallConclusion(runs: ResultRun[]): Exclude<Conclusion, 'skipped'> {
  const conclusions = runs.map(run => run.result.conclusion)
  if (conclusions.includes('failure')) return 'failure'
  return conclusions.includes('cancelled') ? 'cancelled' : 'success'
}

function rangeOf(input: HtmlReportInput): { start: number; end: number } {
  const starts = input.runs.map(run => run.result.startedAt)
  const ends = input.runs.map(run => run.result.endedAt)
  const ats = input.timeline.map(event => event.at)
  const start = Math.min(...starts, ...ats)
  const end = Math.max(...ends, ...ats)
  return Number.isFinite(start)
    ? { start, end }
    : { start: input.generatedAt, end: input.generatedAt }
}

function problemsHtml(result: RehearsalResult): string {
  if (result.problems.length === 0) return ''
  const items = result.problems.map(
    problem => `<li class="p-${problem.level}">${esc(problemLine(problem))}</li>`
  )
  return `<h3>Problems (${result.problems.length})</h3><ul class="problems">${items.join('')}</ul>`
}

function standInsHtml(result: RehearsalResult): string {
  const entries = Object.entries(result.standIns)
  if (entries.length === 0) return ''
  const items = entries.map(
    ([uses, instead]) => `<li><code>${esc(uses)}</code> → ${esc(instead)}</li>`
  )
  return (
    '<h3>Stand-ins</h3><p class="muted">Third-party actions the rehearsal replaced:</p>' +
    `<ul class="stand-ins">${items.join('')}</ul>`
  )
}

function runHtml(run: ResultRun, index: number, times: Times): string {
  const result = run.result
  const id = (job: number) => `run-${index + 1}-job-${job + 1}`
  const overview = table(
    ['Job', 'Environment', 'State', 'Duration', 'Note'],
    result.jobs.map((job, j) => [
      `<a href="#${id(j)}">${esc(job.key)}</a>`,
      job.environment ? `<span class="env">${esc(job.environment.name)}</span>` : '',
      stateBadge(job.state),
      esc(spanOf(job)),
      esc(jobNote(job))
    ]),
    'overview'
  )
  const jobs = result.jobs.map((job, j) =>
    jobHtml(job, { origin: times.origin, id: id(j), timeline: result.timeline })
  )
  const meta = [
    `<code>${esc(result.workflow)}</code>`,
    `event <code>${esc(result.event)}</code>`,
    `ref <code>${esc(result.ref)}</code>`,
    `commit <code>${esc(result.sha.slice(0, 12))}</code>`,
    `started ${timeAt(result.startedAt, times)}`,
    `took ${esc(formatSpan(result.endedAt - result.startedAt))}`
  ]
  return (
    `<section class="run" id="run-${index + 1}">` +
    `<h2>${esc(run.title)} ${stateBadge(result.conclusion)}</h2>` +
    `<p class="muted">${meta.join(' · ')}</p>${overview}${jobs.join('')}` +
    `${problemsHtml(result)}${standInsHtml(result)}</section>`
  )
}

function headerHtml(
  input: HtmlReportInput,
  range: { start: number; end: number },
  times: Times
): string {
  const conclusion = overallConclusion(input.runs)
  const problems = input.runs.reduce((sum, run) => sum + run.result.problems.length, 0)
  const runs = input.runs.map(
    (run, index) =>
      `<li>${stateBadge(run.result.conclusion)} <a href="#run-${index + 1}">${esc(run.title)}</a> ` +
      `<span class="muted">${esc(run.result.workflow)} · ${esc(formatSpan(run.result.endedAt - run.result.startedAt))}</span></li>`
  )
  const started = isoOf(range.start)
  const generated = isoOf(input.generatedAt)
  return (
    `<header class="page"><h1>${esc(input.title)}</h1>` +
    `<p class="verdict">${stateBadge(conclusion)} <span class="muted">in ${esc(formatSpan(range.end - range.start))}` +
    `${input.runs.length > 1 ? ` · ${input.runs.length} runs` : ''}` +
    `${problems === 0 ? '' : ` · ${problems} problem${problems === 1 ? '' : 's'}`}</span></p>` +
    `<ul class="runs">${runs.join('')}</ul>` +
    `<p class="muted">${started === undefined ? '' : `Started ${started} · `}` +
    `${generated === undefined ? '' : `written ${generated} · `}times are shown from the start (${timeAt(times.origin, times)}).</p></header>`
  )
}

/** The whole report, one self-contained HTML document. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const range = rangeOf(input)
  const times: Times = { origin: range.start }
  const events =
    input.timeline.length > 0 ? input.timeline : input.runs.flatMap(run => run.result.timeline)
  const timeline = timelineHtml({
    events,
    jobs: input.runs.flatMap(run => run.result.jobs),
    start: range.start,
    end: range.end,
    origin: times.origin
  })
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(input.title)}</title><style>${STYLE}</style></head><body>`,
    headerHtml(input, range, times),
    `<main><section class="timeline" id="timeline"><h2>Environments</h2>${timeline}</section>`,
    input.runs.map((run, index) => runHtml(run, index, times)).join('\n'),
    '</main></body></html>',
    ''
  ].join('\n')
}

/** Writes the report to `path` (its folder made if missing). */
export async function writeHtmlReport(path: string, input: HtmlReportInput): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, renderHtmlReport(input), 'utf8')
}

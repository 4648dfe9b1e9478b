/*
 * One job in the HTML report: its state, environment and approval, outputs, steps (with stand-in
 * notes and annotations), the step summaries rendered, and each step's log, collapsed.
 */

import { escapeHtml, formatDuration } from '@fargate-promote/common'
import type { EnvironmentEvent, JobResult, StepResult } from '../../model.js'
import { printableBlock, spanOf } from '../text.js'
import { depthOf, eventText, jobNote } from '../vocabulary.js'
import { stepName } from '../live-frame.js'
import { renderSummary } from './markdown.js'
import { esc, stateBadge, table, timeAt, type Times } from './parts.js'
import { safeHref } from './sanitize.js'

/** A log longer than this shows its end only (the browser stays responsive). */
export const MAX_LOG_CHARS = 400_000

export interface JobContext extends Times {
  /** The element id of the job. */
  id: string
  /** The run's environment events (for when an approval was asked). */
  timeline: EnvironmentEvent[]
}

function environmentHtml(job: JobResult): string {
  const environment = job.environment
  if (environment === undefined) return ''
  const href = environment.url === undefined ? undefined : safeHref(environment.url)
  const url =
    environment.url === undefined
      ? ''
      : ` · ${href === undefined ? esc(environment.url) : `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow">${esc(environment.url)}</a>`}`
  return `<span class="env">${esc(environment.name)}</span>${url}`
}

function approvalHtml(job: JobResult, context: JobContext): string {
  const approval = job.environment?.approval
  const asked = context.timeline.find(
    event => event.kind === 'approval-requested' && event.job === job.key
  )
  const parts: string[] = []
  if (asked !== undefined) parts.push(`${esc(eventText(asked))} at ${timeAt(asked.at, context)}`)
  if (approval !== undefined) {
    const waited =
      asked === undefined
        ? ''
        : ` (after ${esc(spanOf({ startedAt: asked.at, endedAt: approval.at }))})`
    parts.push(
      `<strong>${approval.decision}</strong> by ${esc(approval.by)} at ${timeAt(approval.at, context)}${waited}`
    )
    if (approval.waitTimerMs > 0)
      parts.push(`wait timer ${esc(formatDuration(approval.waitTimerMs))}`)
  }
  return parts.join(' · ')
}

/** A job named after its key (or the last part of it) needs no name beside the key. */
function sameName(job: JobResult): boolean {
  return job.name === job.key || job.key.endsWith(`/${job.name}`)
}

function metaHtml(job: JobResult, context: JobContext): string {
  const rows: [string, string][] = [
    ['Job', `<code>${esc(job.key)}</code>${sameName(job) ? '' : ` — ${esc(job.name)}`}`],
    ['Workflow', `<code>${esc(job.workflow)}</code>`]
  ]
  if (job.needs.length > 0)
    rows.push(['Needs', job.needs.map(n => `<code>${esc(n)}</code>`).join(', ')])
  if (job.environment) rows.push(['Environment', environmentHtml(job)])
  const approval = approvalHtml(job, context)
  if (approval !== '') rows.push(['Approval', approval])
  if (job.startedAt !== undefined) {
    const ended = job.endedAt === undefined ? '' : ` → ${timeAt(job.endedAt, context)}`
    rows.push([
      'Ran',
      `${timeAt(job.startedAt, context)}${ended} (${esc(spanOf(job)) || 'not ended'})`
    ])
  }
  if (job.reason !== undefined) rows.push(['Reason', esc(job.reason)])
  if (job.calls !== undefined && job.calls.length > 0) {
    rows.push(['Calls', job.calls.map(c => `<code>${esc(c)}</code>`).join(', ')])
  }
  return `<dl class="meta">${rows.map(([dt, dd]) => `<dt>${dt}</dt><dd>${dd}</dd>`).join('')}</dl>`
}

function outputsHtml(job: JobResult): string {
  const outputs = Object.entries(job.outputs)
  if (outputs.length === 0) return ''
  return (
    '<h3>Outputs</h3>' +
    table(
      ['Output', 'Value'],
      outputs.map(([name, value]) => [`<code>${esc(name)}</code>`, `<code>${esc(value)}</code>`])
    )
  )
}

function stepNotes(step: StepResult): string {
  const notes: string[] = []
  if (step.uses !== undefined) notes.push(`<code>${esc(step.uses)}</code>`)
  if (step.kind === 'stand-in') notes.push(`stand-in: ${esc(step.standIn ?? 'declared stand-in')}`)
  if (step.reason !== undefined)
    notes.push(`<span class="s-${step.state}">${esc(step.reason)}</span>`)
  const annotations = step.annotations.map(
    a => `<li class="ann-${a.level}">${a.level}: ${esc(a.message)}</li>`
  )
  const list = annotations.length > 0 ? `<ul class="annotations">${annotations.join('')}</ul>` : ''
  return notes.join('<br>') + list
}

function stepsHtml(job: JobResult): string {
  if (job.steps.length === 0) return ''
  const rows = job.steps.map(step => [
    stateBadge(step.state),
    esc(stepName(step)),
    step.kind,
    esc(spanOf(step)),
    stepNotes(step)
  ])
  return '<h3>Steps</h3>' + table(['State', 'Step', 'Kind', 'Duration', 'Notes'], rows, 'steps')
}

function summariesHtml(job: JobResult): string {
  return job.steps
    .filter(step => step.summary.trim() !== '')
    .map(
      step =>
        `<section class="summary"><h4>Summary of step ${esc(stepName(step))}</h4>` +
        `<div class="markdown">${renderSummary(step.summary)}</div></section>`
    )
    .join('')
}

const COMMAND_CLASS: [RegExp, string][] = [
  [/^\s*::error\b/, 'log-error'],
  [/^\s*::warning\b/, 'log-warning'],
  [/^\s*::notice\b/, 'log-notice'],
  [/^\s*::[a-z-]+(\s[^:]*)?::/, 'log-command']
]

/** The log as preformatted text: every line escaped, workflow commands highlighted. */
export function logHtml(log: string): string {
  const cut = log.length > MAX_LOG_CHARS ? log.length - MAX_LOG_CHARS : 0
  const note =
    cut > 0 ? `<span class="log-command">… ${cut} characters before this are left out</span>\n` : ''
  const lines = printableBlock(log.slice(cut))
    .replace(/\n$/, '')
    .split('\n')
    .map(line => {
      const match = COMMAND_CLASS.find(([pattern]) => pattern.test(line))
      const text = escapeHtml(line)
      return match === undefined ? text : `<span class="${match[1]}">${text}</span>`
    })
  return `<pre>${note}${lines.join('\n')}</pre>`
}

function logsHtml(job: JobResult): string {
  return job.steps
    .filter(step => step.log !== '')
    .map(step => {
      const count = step.log.replace(/\n$/, '').split('\n').length
      return (
        `<details class="log"><summary>Log of ${esc(stepName(step))} ` +
        `(${count} line${count === 1 ? '' : 's'})</summary>${logHtml(step.log)}</details>`
      )
    })
    .join('')
}

/** The job as a collapsible section; a failed one starts open. */
export function jobHtml(job: JobResult, context: JobContext): string {
  const open = job.state === 'failure' ? ' open' : ''
  const span = spanOf(job)
  const note = jobNote(job)
  const summary = [
    stateBadge(job.state),
    `<span class="key">${esc(job.key)}</span>`,
    job.environment ? `<span class="env">${esc(job.environment.name)}</span>` : '',
    span === '' ? '' : `<span class="muted">${esc(span)}</span>`,
    note === '' ? '' : `<span class="note">${esc(note)}</span>`
  ]
  const depth = Math.min(depthOf(job.key), 4)
  return (
    `<details class="job job-${job.state} depth-${depth}" id="${context.id}"${open}>` +
    `<summary>${summary.filter(part => part !== '').join(' ')}</summary>` +
    `<div class="job-body">${metaHtml(job, context)}${outputsHtml(job)}${stepsHtml(job)}` +
    `${summariesHtml(job)}${logsHtml(job)}</div></details>`
  )
}

/*
 * The environments' timeline: one lane per environment (in the order they first appear), each
 * event a mark placed by time with its label, a wait timer as a bar of its length and a pending
 * approval as a dashed span from the request to the answer. An inline SVG: no script, no
 * external resource. A table of the same events follows, collapsed, for reading and searching.
 */

import { formatDuration } from '@fargate-promote/common'
import type { EnvironmentEvent, JobResult } from '../../model.js'
import { truncate } from '../text.js'
import { EVENT_LABEL, eventText, waitTimerMs } from '../vocabulary.js'
import { esc, table, timeAt, type Times } from './parts.js'

const WIDTH = 1000
const LEFT = 150
const RIGHT = 24
const TOP = 8
const LANE = 88
const AXIS = 28
/** Label rows of a lane: two above the marks, two below. */
const ROWS = [16, 30, 66, 80]
const MARK_Y = 46
const CHAR_PX = 6.2
const MAX_LABEL = 34
const TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600].map(
  s => s * 1000
)

interface Scale {
  start: number
  end: number
  x(ms: number): number
}

function scaleOf(
  events: EnvironmentEvent[],
  range: { start: number; end: number },
  ends: number[]
): Scale {
  const start = Math.min(range.start, ...events.map(e => e.at))
  const end = Math.max(range.end, ...events.map(e => e.at), ...ends, start + 1000)
  const plot = WIDTH - LEFT - RIGHT
  return { start, end, x: ms => LEFT + ((ms - start) / (end - start)) * plot }
}

function axisSvg(scale: Scale, y: number): string {
  const span = scale.end - scale.start
  const step = TICKS.find(t => span / t <= 8) ?? Math.ceil(span / 8)
  const ticks: string[] = []
  for (let t = 0; t <= span; t += step) {
    const x = scale.x(scale.start + t).toFixed(1)
    ticks.push(
      `<line class="axis" x1="${x}" y1="${TOP}" x2="${x}" y2="${y}"/>` +
        `<text class="tick" x="${x}" y="${y + 16}" text-anchor="middle">${t === 0 ? '0' : `+${formatDuration(t)}`}</text>`
    )
  }
  return ticks.join('')
}

/** Which job's record gives a wait timer its length. */
function jobOf(event: EnvironmentEvent, jobs: JobResult[]): JobResult | undefined {
  return event.job === undefined ? undefined : jobs.find(job => job.key === event.job)
}

function timerBar(event: EnvironmentEvent, jobs: JobResult[], scale: Scale, top: number): string {
  const ms = waitTimerMs(event, jobOf(event, jobs))
  if (ms === undefined) return ''
  const x1 = scale.x(event.at)
  const width = Math.max(scale.x(event.at + ms) - x1, 2)
  return `<rect class="timer-bar" x="${x1.toFixed(1)}" y="${top + MARK_Y - 5}" width="${width.toFixed(1)}" height="10" rx="3"/>`
}

/** The dashed span of an approval, from the request to its answer (drawn over timer bars). */
function approvalSpan(lane: EnvironmentEvent[], index: number, scale: Scale, top: number): string {
  const event = lane[index] as EnvironmentEvent
  const answer = lane
    .slice(index + 1)
    .find(e => (e.kind === 'approved' || e.kind === 'rejected') && e.job === event.job)
  if (answer === undefined) return ''
  const y = top + MARK_Y
  return `<line class="approval-span" x1="${scale.x(event.at).toFixed(1)}" y1="${y}" x2="${scale.x(answer.at).toFixed(1)}" y2="${y}"/>`
}

function spansSvg(lane: EnvironmentEvent[], jobs: JobResult[], scale: Scale, top: number): string {
  const bars = lane.filter(e => e.kind === 'wait-timer').map(e => timerBar(e, jobs, scale, top))
  const spans = lane.map((e, index) =>
    e.kind === 'approval-requested' ? approvalSpan(lane, index, scale, top) : ''
  )
  return bars.join('') + spans.join('')
}

/** Places each label in the first row where it does not run into the one before it. */
function marksSvg(lane: EnvironmentEvent[], scale: Scale, top: number, times: Times): string {
  const rowEnds = ROWS.map(() => -Infinity)
  return lane
    .map(event => {
      const x = scale.x(event.at)
      const full = eventText(event)
      const label = truncate(full, MAX_LABEL)
      const width = label.length * CHAR_PX
      const flip = x + width > WIDTH - 4
      const from = flip ? x - width : x - 3
      let row = rowEnds.findIndex(end => end < from - 6)
      if (row === -1) row = rowEnds.indexOf(Math.min(...rowEnds))
      rowEnds[row] = from + width
      const y = top + (ROWS[row] as number)
      const stemY = y < top + MARK_Y ? y + 3 : y - 10
      const anchor = flip ? ' text-anchor="end"' : ''
      const job = event.job === undefined ? '' : `, job ${event.job}`
      const at = `+${formatDuration(Math.max(0, event.at - times.origin))}`
      return (
        `<g class="event"><title>${esc(`${event.environment}: ${full} (${at}${job})`)}</title>` +
        `<line class="stem" x1="${x.toFixed(1)}" y1="${top + MARK_Y}" x2="${x.toFixed(1)}" y2="${stemY}"/>` +
        `<circle class="ev-${event.kind}" cx="${x.toFixed(1)}" cy="${top + MARK_Y}" r="6"/>` +
        `<text class="label" x="${(flip ? x + 3 : x - 3).toFixed(1)}" y="${y}"${anchor}>${esc(label)}</text></g>`
      )
    })
    .join('')
}

function legendHtml(kinds: Set<EnvironmentEvent['kind']>): string {
  const items = [...kinds].map(
    kind =>
      `<li><svg viewBox="0 0 12 12" aria-hidden="true"><circle class="ev-${kind}" cx="6" cy="6" r="4.5"/></svg> ${EVENT_LABEL[kind]}</li>`
  )
  return `<ul class="legend">${items.join('')}</ul>`
}

function eventsTable(events: EnvironmentEvent[], times: Times): string {
  const rows = events.map(event => [
    timeAt(event.at, times),
    `<span class="env">${esc(event.environment)}</span>`,
    EVENT_LABEL[event.kind],
    esc(event.detail),
    event.job === undefined ? '' : `<code>${esc(event.job)}</code>`
  ])
  return (
    `<details><summary>All ${events.length} events</summary>` +
    table(['When', 'Environment', 'Event', 'Detail', 'Job'], rows) +
    '</details>'
  )
}

export interface TimelineInput extends Times {
  events: EnvironmentEvent[]
  jobs: JobResult[]
  /** The rehearsal's start and end: the timeline's width at least. */
  start: number
  end: number
}

/** The timeline section's content. */
export function timelineHtml(input: TimelineInput): string {
  if (input.events.length === 0)
    return '<p class="muted">No environment was deployed to, approved or rolled back.</p>'
  const events = [...input.events].sort((a, b) => a.at - b.at)
  const lanes = [...new Set(events.map(event => event.environment))]
  const ends = events
    .filter(event => event.kind === 'wait-timer')
    .map(event => event.at + (waitTimerMs(event, jobOf(event, input.jobs)) ?? 0))
  const scale = scaleOf(events, input, ends)
  const height = TOP + lanes.length * LANE + AXIS
  const body = lanes.map((environment, index) => {
    const top = TOP + index * LANE
    const lane = events.filter(event => event.environment === environment)
    return (
      `<g class="lane">${index % 2 === 1 ? `<rect class="lane-alt" x="0" y="${top}" width="${WIDTH}" height="${LANE}"/>` : ''}` +
      `<text class="lane-label" x="${LEFT - 16}" y="${top + MARK_Y + 4}" text-anchor="end">${esc(truncate(environment, 18))}</text>` +
      spansSvg(lane, input.jobs, scale, top) +
      marksSvg(lane, scale, top, input) +
      '</g>'
    )
  })
  const axisY = TOP + lanes.length * LANE
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Timeline of ${lanes.length} environments">` +
    axisSvg(scale, axisY) +
    body.join('') +
    '</svg>'
  return svg + legendHtml(new Set(events.map(event => event.kind))) + eventsTable(events, input)
}

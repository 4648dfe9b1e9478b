/*
 * The words and symbols every report uses for states, environment events and jobs, so the live
 * tree, the final table and the HTML report say the same thing the same way.
 */

import { formatDuration } from '@fargate-promote/common'
import type { EnvironmentEvent, JobResult, Problem, RunState } from '../model.js'
import type { Style } from './ansi.js'
import { durationIn, locationOf } from './text.js'

export const STATE_SYMBOL: Record<RunState, string> = {
  queued: '·',
  waiting: '⏸',
  running: '▶',
  success: '✓',
  failure: '✗',
  cancelled: '⊘',
  skipped: '↷'
}

export const STATE_STYLE: Record<RunState, Style> = {
  queued: 'dim',
  waiting: 'yellow',
  running: 'cyan',
  success: 'green',
  failure: 'red',
  cancelled: 'magenta',
  skipped: 'dim'
}

export function isFinished(state: RunState): boolean {
  return state !== 'queued' && state !== 'waiting' && state !== 'running'
}

export const EVENT_LABEL: Record<EnvironmentEvent['kind'], string> = {
  'approval-requested': 'approval requested',
  approved: 'approved',
  rejected: 'rejected',
  'wait-timer': 'wait timer',
  deployed: 'deployed',
  'deployment-failed': 'deployment failed',
  'rolled-back': 'rolled back',
  verified: 'verified'
}

/** Who an approval was asked of, from the request's detail (`approval of alice, bob`, `@alice`). */
export function reviewersIn(detail: string): string {
  return detail.trim().replace(/^(approval\s+)?(requested\s+)?((of|from|by)\s+)?/i, '')
}

/** The first four letters of a word: `rollback` and `rolled back` say the same thing. */
function stem(text: string): string {
  return text.trim().slice(0, 4).toLowerCase()
}

/**
 * `deployed 1.1.0 by octocat`, `approval requested from alice`, `wait timer 5 min`: the event
 * in a few words. A detail that already says what happened (`rollback succeeded to web:76`) is
 * shown as it is; else the kind comes first.
 */
export function eventText(event: EnvironmentEvent): string {
  const label = EVENT_LABEL[event.kind]
  const detail = event.detail.trim()
  if (event.kind === 'approval-requested') {
    const who = reviewersIn(detail)
    return who === '' ? label : `${label} from ${who}`
  }
  if (detail === '') return label
  if (stem(detail) === stem(label)) return detail
  return event.kind === 'deployment-failed' ? `${label}: ${detail}` : `${label} ${detail}`
}

/** `approval of production by alice, bob`: what a job waits for, from the request. */
export function approvalText(environment: string, detail: string): string {
  const who = reviewersIn(detail)
  return who === '' ? `approval of ${environment}` : `approval of ${environment} by ${who}`
}

/**
 * How long a wait timer runs: the approval record's (the engine's own number) when there is
 * one, else the duration written in the event (`wait timer 5m`).
 */
export function waitTimerMs(event: EnvironmentEvent, job?: JobResult): number | undefined {
  const recorded = job?.environment?.approval?.waitTimerMs
  if (recorded !== undefined && recorded > 0) return recorded
  return durationIn(event.detail)
}

/** `wait timer of production: 4m 10s left`, or the event's own words when its length is not known. */
export function timerText(
  event: EnvironmentEvent,
  job: JobResult | undefined,
  now: number
): string {
  const total = waitTimerMs(event, job)
  if (total === undefined) return eventText(event)
  const left = event.at + total - now
  const of = `wait timer of ${event.environment}`
  return left > 0 ? `${of}: ${formatDuration(left)} left` : `${of}: ending`
}

const KEY_OUTPUTS = [
  'status',
  'version',
  'healthy',
  'approved',
  'rolled-back',
  'failed-checks',
  'image'
]

/** `status=succeeded version=1.1.0`: the outputs a person looks for first, at most three. */
export function keyOutputs(outputs: Record<string, string>): string {
  return KEY_OUTPUTS.filter(name => (outputs[name] ?? '') !== '')
    .slice(0, 3)
    .map(name => `${name}=${outputs[name]}`)
    .join(' ')
}

/** `approved by @alice after a 5m wait timer`. */
export function approvalNote(job: JobResult): string {
  const approval = job.environment?.approval
  if (approval === undefined) return ''
  const timer =
    approval.waitTimerMs > 0 ? `, wait timer ${formatDuration(approval.waitTimerMs)}` : ''
  return `${approval.decision} by ${approval.by}${timer}`
}

/** One line about a job: why it failed or was skipped, its approval, else its key outputs. */
export function jobNote(job: JobResult): string {
  const parts = [job.reason ?? '', approvalNote(job)]
  if (job.reason === undefined) parts.push(keyOutputs(job.outputs))
  return parts.filter(part => part !== '').join(' · ')
}

/** `job deploy/deploy, step verify` of a problem, as far as it is known. */
export function problemPlace(problem: Problem): string {
  const parts = [
    problem.job === undefined ? '' : `job ${problem.job}`,
    problem.step === undefined ? '' : `step ${problem.step}`
  ]
  return parts.filter(part => part !== '').join(', ')
}

/** `error .github/workflows/deploy.yml:12:5: message (job deploy, step plan)`. */
export function problemLine(problem: Problem): string {
  const where = locationOf(problem)
  const place = problemPlace(problem)
  const expression = problem.expression === undefined ? '' : ` in \${{ ${problem.expression} }}`
  return (
    `${problem.level}${where === '' ? '' : ` ${where}`}: ${problem.message}${expression}` +
    (place === '' ? '' : ` (${place})`)
  )
}

/** The parent job of `deploy/plan` is `deploy`; matrix values in parentheses may hold `/`. */
export function parentKey(key: string): string | undefined {
  let depth = 0
  for (let index = key.length - 1; index >= 0; index--) {
    const char = key[index]
    if (char === ')') depth++
    else if (char === '(') depth--
    else if (char === '/' && depth === 0) return key.slice(0, index)
  }
  return undefined
}

export function depthOf(key: string): number {
  let depth = 0
  for (let parent = parentKey(key); parent !== undefined; parent = parentKey(parent)) depth++
  return depth
}

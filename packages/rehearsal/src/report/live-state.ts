/*
 * What the live views know while a rehearsal runs: every job seen, in tree order (the jobs of a
 * called workflow right under their caller), its steps in the order seen, and what a waiting job
 * waits for (an approval asked for, a wait timer started).
 */

import type { EnvironmentEvent, JobResult, StepResult } from '../model.js'
import { approvalText, parentKey, timerText } from './vocabulary.js'

export interface TrackedJob {
  job: JobResult
  steps: Map<string, StepResult>
  /** The approval asked for and not answered yet. */
  approval?: EnvironmentEvent
  /** The wait timer started while the job waits. */
  timer?: EnvironmentEvent
}

function stepKey(step: StepResult): string {
  return step.post === true ? `${step.id}\u0000post` : step.id
}

function isDescendant(key: string, ancestor: string): boolean {
  for (let parent = parentKey(key); parent !== undefined; parent = parentKey(parent)) {
    if (parent === ancestor) return true
  }
  return false
}

export class LiveState {
  readonly jobs: TrackedJob[] = []
  private readonly byKey = new Map<string, TrackedJob>()

  /** The job's latest state; returns its entry. */
  job(job: JobResult): TrackedJob {
    const tracked = this.byKey.get(job.key) ?? this.add(job)
    tracked.job = job
    for (const step of job.steps) tracked.steps.set(stepKey(step), step)
    if (job.state !== 'waiting') {
      delete tracked.approval
      delete tracked.timer
    }
    return tracked
  }

  step(job: JobResult, step: StepResult): TrackedJob {
    const tracked = this.byKey.get(job.key) ?? this.job(job)
    tracked.steps.set(stepKey(step), step)
    return tracked
  }

  /** Records what a waiting job waits for; returns the job the event is about, if known. */
  event(event: EnvironmentEvent): TrackedJob | undefined {
    const tracked = this.jobOf(event)
    if (tracked === undefined) return undefined
    if (event.kind === 'approval-requested') tracked.approval = event
    if (event.kind === 'approved' || event.kind === 'rejected') delete tracked.approval
    if (event.kind === 'wait-timer') tracked.timer = event
    return tracked
  }

  /**
   * What a waiting job waits for: `approval of production by alice`, `wait timer of
   * production: 4m 10s left` (counting down once the timer's start is known), else the job's
   * own reason, or '' when nothing is known.
   */
  waitingText(tracked: TrackedJob, now: number): string {
    const parts: string[] = []
    if (tracked.approval) {
      parts.push(approvalText(tracked.approval.environment, tracked.approval.detail))
    }
    if (tracked.timer) parts.push(timerText(tracked.timer, tracked.job, now))
    if (parts.length === 0 && tracked.job.reason !== undefined) parts.push(tracked.job.reason)
    return parts.join('; ')
  }

  /** How deep to indent a job: how many of its callers are in the tree. */
  depth(key: string): number {
    let depth = 0
    for (let parent = parentKey(key); parent !== undefined; parent = parentKey(parent)) {
      if (this.byKey.has(parent)) depth++
    }
    return depth
  }

  private jobOf(event: EnvironmentEvent): TrackedJob | undefined {
    if (event.job !== undefined) return this.byKey.get(event.job)
    return this.jobs.findLast(
      tracked =>
        tracked.job.state === 'waiting' && tracked.job.environment?.name === event.environment
    )
  }

  private add(job: JobResult): TrackedJob {
    const tracked: TrackedJob = { job, steps: new Map() }
    this.byKey.set(job.key, tracked)
    const parent = parentKey(job.key)
    const at = parent === undefined ? -1 : this.jobs.findIndex(t => t.job.key === parent)
    if (parent === undefined || at === -1) {
      this.jobs.push(tracked)
      return tracked
    }
    // After the caller and the jobs it already called (and theirs).
    let end = at + 1
    while (isDescendant(this.jobs[end]?.job.key ?? '', parent)) end++
    this.jobs.splice(end, 0, tracked)
    return tracked
  }
}

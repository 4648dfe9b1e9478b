import type { ApprovalRecord, JobResult } from '../model.js'
import type { Engine, EnvironmentProtection } from './context.js'
import { addEvent } from './timeline.js'

/** `*`, `**` and `?` of a branch policy, as GitHub's fnmatch-like patterns. */
export function branchMatches(pattern: string, branch: string): boolean {
  const source = pattern
    .split(/(\*\*|\*|\?)/)
    .map(part =>
      part === '**'
        ? '.*'
        : part === '*'
          ? '[^/]*'
          : part === '?'
            ? '[^/]'
            : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    )
    .join('')
  return new RegExp(`^${source}$`).test(branch)
}

async function simControl(engine: Engine, method: string, body: unknown): Promise<void> {
  try {
    await fetch(`${engine.options.sim.url}/_sim/github/waiting`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
  } catch {
    // The pending approval is only shown by `status`; the rehearsal goes on without it.
  }
}

/**
 * Who answers the review: a reviewer, never the person who started the run when the
 * environment prevents self-review (GitHub then waits for another reviewer, or fails after
 * 30 days when there is none).
 */
function answeringReviewer(
  engine: Engine,
  environment: string,
  reviewers: string[],
  preventSelfReview: boolean
) {
  const actor = engine.options.actor.toLowerCase()
  const allowed = preventSelfReview ? reviewers.filter(r => r.toLowerCase() !== actor) : reviewers
  const reviewer = allowed[0]
  if (reviewer === undefined) {
    throw new Error(
      `${environment} prevents self-review and ${engine.options.actor}, who started the run, is its only reviewer: nobody can approve it.`
    )
  }
  return reviewer
}

async function decide(
  engine: Engine,
  job: JobResult,
  environment: string,
  rules: EnvironmentProtection
) {
  const { reviewers } = rules
  const reviewer = answeringReviewer(
    engine,
    environment,
    reviewers,
    rules.preventSelfReview === true
  )
  const given = engine.options.decisions?.[environment]
  if (given !== undefined) return { approved: given === 'approve', by: `${reviewer} (--${given})` }
  if (engine.options.ask !== undefined) {
    const approved = await engine.options.ask({ environment, job: job.key, reviewers })
    return { approved, by: `${reviewer} (asked on the terminal)` }
  }
  throw new Error(
    `${environment} needs the approval of ${reviewers.join(', ')}: give --approve ${environment} or --reject ${environment}, or run in a terminal to be asked.`
  )
}

/**
 * An environment's protection rules before a job runs, as GitHub applies them: the branch
 * policy, then required reviewers, then the wait timer (on the simulator's clock). Returns the
 * approval, or throws with the reason the job does not run.
 */
export async function passProtection(
  engine: Engine,
  job: JobResult,
  environment: string
): Promise<ApprovalRecord | undefined> {
  const rules = engine.options.protection?.(environment)
  if (rules === undefined) return undefined
  const { ref } = engine.options
  const name = ref.replace(/^refs\/(heads|tags)\//, '')
  const tag = ref.startsWith('refs/tags/')
  // A policy of selected branches and tags: a tag must match a tag pattern, a branch a branch one.
  const patterns = tag ? (rules.tags ?? []) : rules.branches
  const restricted = rules.branches.length > 0 || (rules.tags ?? []).length > 0
  if (restricted && !patterns.some(p => branchMatches(p, name))) {
    throw new Error(
      `${tag ? 'Tag' : 'Branch'} "${name}" is not allowed to deploy to ${environment} due to environment protection rules.`
    )
  }
  const waitTimerMs = rules.waitTimerMinutes * 60_000
  if (rules.reviewers.length === 0 && waitTimerMs === 0) return undefined
  let approval: ApprovalRecord = {
    decision: 'approved',
    by: 'no reviewers',
    at: engine.now(),
    waitTimerMs
  }
  const runId = engine.options.runId ?? 1
  const waiting = { repository: engine.options.repository, runId, environment }
  if (rules.reviewers.length > 0) {
    addEvent(engine, {
      environment,
      at: engine.now(),
      kind: 'approval-requested',
      detail: `approval of ${rules.reviewers.join(', ')}`,
      job: job.key
    })
    job.state = 'waiting'
    job.reason = `approval of ${environment} by ${rules.reviewers.join(', ')}`
    engine.listener.jobChanged(job)
    await simControl(engine, 'POST', {
      ...waiting,
      workflow: engine.options.workflow,
      waitTimer: rules.waitTimerMinutes,
      reviewers: rules.reviewers.map(r =>
        r.includes('/') ? { type: 'Team', slug: r } : { type: 'User', login: r }
      )
    })
    const decision = await decide(engine, job, environment, rules)
    await simControl(engine, 'DELETE', waiting)
    approval = {
      decision: decision.approved ? 'approved' : 'rejected',
      by: decision.by,
      at: engine.now(),
      waitTimerMs
    }
    addEvent(engine, {
      environment,
      at: engine.now(),
      kind: approval.decision,
      detail: `${approval.decision} by ${decision.by}`,
      job: job.key
    })
    if (!decision.approved) return approval
  }
  if (waitTimerMs > 0) {
    job.state = 'waiting'
    job.reason = `wait timer of ${environment}: ${rules.waitTimerMinutes} min`
    engine.listener.jobChanged(job)
    addEvent(engine, {
      environment,
      at: engine.now(),
      kind: 'wait-timer',
      detail: `wait timer ${rules.waitTimerMinutes} min`,
      job: job.key
    })
    await engine.sleep(waitTimerMs)
  }
  delete job.reason
  return approval
}

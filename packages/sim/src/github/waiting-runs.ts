import {
  GitHubSeedError,
  type GitHubAnsweredRun,
  type GitHubWaitingReviewer,
  type GitHubWaitingRun
} from '../contract.js'
import type { RepoState, Reviewer, World, WorkflowRunRecord } from './state.js'

/**
 * Runs waiting for a reviewer's approval of an environment, as the control API declares them
 * (`POST` / `DELETE /_sim/github/waiting`). A run is `waiting` while an environment waits, then
 * `in_progress`: the sim runs no workflow, so it never completes.
 */

function repoOf(world: World, fullName: string): RepoState {
  const [owner, name] = fullName.split('/') as [string, string]
  return world.repo(owner, name)
}

/** Reviewers by id, as environments keep them; a world that declared its users knows only those. */
function reviewerIds(
  world: World,
  repo: RepoState,
  reviewers: GitHubWaitingReviewer[]
): Reviewer[] {
  return reviewers.map((reviewer, i) => {
    if (reviewer.type === 'User') {
      const user = world.directory.findUser(reviewer.login)
      const path = `reviewers[${i}].login`
      if (user === undefined) {
        throw new GitHubSeedError(path, `user '${reviewer.login}' is not declared`)
      }
      if (user.type !== 'User') {
        // Organizations and bots cannot be required reviewers.
        throw new GitHubSeedError(path, `'${user.login}' is not a user (${user.type})`)
      }
      return { type: 'User', id: user.id }
    }
    const [org, slug] = reviewer.slug.includes('/')
      ? (reviewer.slug.split('/') as [string, string])
      : [repo.owner, reviewer.slug]
    const team = world.directory.findTeam(org, slug)
    if (team === undefined) {
      throw new GitHubSeedError(`reviewers[${i}].slug`, `team '${org}/${slug}' is not declared`)
    }
    return { type: 'Team', id: team.id }
  })
}

export function runStatus(run: WorkflowRunRecord): 'waiting' | 'in_progress' {
  return run.pending.size > 0 ? 'waiting' : 'in_progress'
}

const summary = (repo: RepoState, run: WorkflowRunRecord) => ({
  repository: `${repo.owner}/${repo.name}`,
  runId: run.id,
  status: runStatus(run),
  waitingOn: [...run.pending.keys()]
})

function newRun(repo: RepoState, declared: GitHubWaitingRun, now: number): WorkflowRunRecord {
  const headBranch = declared.headBranch ?? 'main'
  const sameWorkflow = [...repo.runs.values()].filter(r => r.name === declared.workflow)
  return {
    id: declared.runId,
    name: declared.workflow,
    runNumber: sameWorkflow.length + 1,
    headSha: (declared.headSha ?? repo.refs.resolve(headBranch)).toLowerCase(),
    headBranch,
    event: declared.event ?? 'push',
    actor: declared.actor ?? repo.owner,
    createdAt: declared.createdAt ?? now,
    updatedAt: now,
    pending: new Map()
  }
}

export function applyWaiting(world: World, declared: GitHubWaitingRun): unknown {
  const repo = repoOf(world, declared.repository)
  const reviewers = reviewerIds(world, repo, declared.reviewers)
  const now = world.clock.now()
  let existing = repo.runs.get(declared.runId)
  if (existing !== undefined && existing.name !== declared.workflow) {
    if (existing.pending.size > 0) {
      throw new GitHubSeedError(
        'workflow',
        `run ${declared.runId} is a run of '${existing.name}', not '${declared.workflow}'`
      )
    }
    // A run nobody waits on any more gives its id up: rehearsals may reuse theirs.
    repo.runs.delete(declared.runId)
    existing = undefined
  }
  const run = existing ?? newRun(repo, declared, now)
  repo.runs.set(run.id, run)
  run.updatedAt = now
  run.pending.set(declared.environment, {
    environment: declared.environment,
    waitTimer: declared.waitTimer,
    waitTimerStartedAt: declared.createdAt ?? now,
    reviewers,
    currentUserCanApprove: declared.currentUserCanApprove ?? false
  })
  return summary(repo, run)
}

export function applyAnswered(world: World, answered: GitHubAnsweredRun): unknown {
  const repo = repoOf(world, answered.repository)
  const run = repo.runs.get(answered.runId)
  if (run === undefined || !run.pending.delete(answered.environment)) return undefined
  run.updatedAt = world.clock.now()
  return summary(repo, run)
}

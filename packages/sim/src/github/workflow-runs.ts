import type { GitHubResponse } from '../contract.js'
import { reviewerJson } from './environments.js'
import { paginate } from './pagination.js'
import { isoTime, nodeId, notFound } from './responses.js'
import { stableId, userJson, type RouteContext, type WorkflowRunRecord } from './state.js'
import { runStatus } from './waiting-runs.js'

/**
 * The Actions API over the runs the world declared: `GET /repos/{o}/{r}/actions/runs` (newest
 * first, filtered by `status`, `branch`, `event`, `head_sha`, `actor`), one run, and the
 * environments a run waits on (`.../pending_deployments`), shaped as GitHub's REST reference.
 */

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

function repositoryJson(ctx: RouteContext) {
  const { repo } = ctx
  const ownerId = stableId(`user:${repo.owner.toLowerCase()}`)
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: userJson(ctx.request.baseUrl, repo.owner, ownerId),
    private: false,
    html_url: ctx.htmlBase,
    url: ctx.apiBase
  }
}

function runJson(ctx: RouteContext, run: WorkflowRunRecord) {
  const url = `${ctx.apiBase}/actions/runs/${run.id}`
  const workflowId = stableId(`workflow:${ctx.repo.id}:${run.name}`)
  const suiteId = stableId(`check-suite:${ctx.repo.id}:${run.id}`)
  const actor = userJson(
    ctx.request.baseUrl,
    run.actor,
    stableId(`user:${run.actor.toLowerCase()}`)
  )
  const person = { name: run.actor, email: `${run.actor}@users.noreply.github.com` }
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WFR', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: `.github/workflows/${slug(run.name)}.yml`,
    display_title: run.name,
    run_number: run.runNumber,
    event: run.event,
    status: runStatus(run),
    conclusion: null,
    workflow_id: workflowId,
    check_suite_id: suiteId,
    check_suite_node_id: nodeId('CS', suiteId),
    url,
    html_url: `${ctx.htmlBase}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: isoTime(run.createdAt),
    updated_at: isoTime(run.updatedAt),
    actor,
    triggering_actor: actor,
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: isoTime(run.createdAt),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${ctx.apiBase}/check-suites/${suiteId}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${ctx.apiBase}/actions/workflows/${workflowId}`,
    head_commit: {
      id: run.headSha,
      tree_id: run.headSha,
      message: `Simulated commit ${run.headSha.slice(0, 7)}`,
      timestamp: isoTime(run.createdAt),
      author: person,
      committer: person
    },
    repository: repositoryJson(ctx),
    head_repository: repositoryJson(ctx)
  }
}

/** GitHub's `status` filter takes statuses and conclusions; a sim run has no conclusion. */
function matches(run: WorkflowRunRecord, query: URLSearchParams): boolean {
  const wanted: [string, string][] = [
    ['status', runStatus(run)],
    ['branch', run.headBranch],
    ['event', run.event],
    ['head_sha', run.headSha]
  ]
  const actor = query.get('actor')
  if (actor !== null && actor.toLowerCase() !== run.actor.toLowerCase()) return false
  return wanted.every(([key, value]) => query.get(key) === null || query.get(key) === value)
}

export function listWorkflowRuns(ctx: RouteContext): GitHubResponse {
  const runs = [...ctx.repo.runs.values()]
    .filter(run => matches(run, ctx.request.query))
    .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
  const page = paginate(ctx.request, runs)
  return {
    status: 200,
    body: { total_count: runs.length, workflow_runs: page.items.map(run => runJson(ctx, run)) },
    headers: page.headers
  }
}

function findRun(ctx: RouteContext): WorkflowRunRecord {
  const run = ctx.repo.runs.get(Number(ctx.params.id))
  if (run === undefined) throw notFound()
  return run
}

export function getWorkflowRun(ctx: RouteContext): GitHubResponse {
  return { status: 200, body: runJson(ctx, findRun(ctx)) }
}

export function listPendingDeployments(ctx: RouteContext): GitHubResponse {
  const run = findRun(ctx)
  const body = [...run.pending.values()].map(pending => {
    const name = pending.environment
    const id = ctx.repo.environments.get(name)?.id ?? stableId(`environment:${ctx.repo.id}:${name}`)
    return {
      environment: {
        id,
        node_id: nodeId('EN', id),
        name,
        url: `${ctx.apiBase}/environments/${encodeURIComponent(name)}`,
        html_url: `${ctx.htmlBase}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`
      },
      wait_timer: pending.waitTimer,
      wait_timer_started_at: isoTime(pending.waitTimerStartedAt),
      current_user_can_approve: pending.currentUserCanApprove,
      reviewers: pending.reviewers.map(reviewer => reviewerJson(ctx, reviewer))
    }
  })
  return { status: 200, body }
}

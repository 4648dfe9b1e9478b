import type { GitHubClient, RepositoryRef } from '@fargate-promote/promotion'

/*
 * What the board reads from GitHub, with the client the other commands use: the newest
 * deployment of each environment with its newest status, and the workflow runs waiting for an
 * approval. Each answer is read defensively: a field GitHub leaves out is simply not shown.
 */

/** The newest GitHub deployment of an environment, and its newest status. */
export interface DeploymentView {
  id: number
  sha: string
  ref?: string
  /** ISO 8601. */
  createdAt: string
  /** Who created it: the login of the token's user (or app) that deployed. */
  creator?: string
  /** The newest status; undefined when none was posted. */
  state?: string
  description?: string
  stateAt?: string
  logUrl?: string
  /** The version the deploy recorded in its payload. */
  version?: string
  /** The revision it deployed (of its first service), from its payload. */
  taskDefinitionArn?: string
}

/** A workflow run waiting for a reviewer before it may deploy to `environment`. */
export interface PendingApproval {
  environment: string
  runId: number
  runUrl?: string
  workflow?: string
  branch?: string
  sha?: string
  actor?: string
  /** Logins and org/team slugs that may approve. */
  reviewers: string[]
  /** Minutes of the wait timer that starts after approval. */
  waitTimer?: number
}

type Json = Record<string, unknown>

const object = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {}
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/** 404 (and 403 for a token without the scope): GitHub does not show this to us. */
export function isUnavailable(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status
  return status === 404 || status === 403
}

/** The answer's data; an error status (from a client that does not throw) thrown as Octokit would. */
async function get(
  github: GitHubClient,
  route: string,
  parameters: Record<string, unknown>
): Promise<unknown> {
  const answer = await github.request(route, parameters)
  if (answer.status >= 400) {
    throw Object.assign(new Error(`GitHub answered ${route} with HTTP ${answer.status}.`), {
      status: answer.status
    })
  }
  return answer.data
}

/** A deployment's payload (GitHub may hand back the JSON text it was given). */
function payloadOf(payload: unknown): Json {
  if (typeof payload !== 'string') return object(payload)
  try {
    return object(JSON.parse(payload))
  } catch {
    return {}
  }
}

/** The environment's newest deployments (at most `limit`), newest first, without statuses. */
export async function listDeployments(
  github: GitHubClient,
  repo: RepositoryRef,
  environment: string,
  limit = 20
): Promise<DeploymentView[]> {
  const listed = await get(github, 'GET /repos/{owner}/{repo}/deployments', {
    ...repo,
    environment,
    per_page: limit
  })
  return list(listed)
    .map(object)
    .filter(item => typeof item.id === 'number')
    .sort((a, b) => (b.id as number) - (a.id as number))
    .slice(0, limit)
    .map(item => {
      const view: DeploymentView = {
        id: item.id as number,
        sha: text(item.sha) ?? '',
        createdAt: text(item.created_at) ?? ''
      }
      const payload = payloadOf(item.payload)
      const optional: [keyof DeploymentView, string | undefined][] = [
        ['ref', text(item.ref)],
        ['creator', text(object(item.creator).login)],
        ['version', text(payload.version)],
        ['taskDefinitionArn', text(payload.taskDefinitionArn)]
      ]
      for (const [key, value] of optional)
        if (value !== undefined) Object.assign(view, { [key]: value })
      return view
    })
}

/** The deployment with its newest status (state, description, when, log), if it has one. */
export async function withStatus(
  github: GitHubClient,
  repo: RepositoryRef,
  deployment: DeploymentView
): Promise<DeploymentView> {
  const statuses = await get(
    github,
    'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    { ...repo, deployment_id: deployment.id, per_page: 1 }
  )
  const status = object(list(statuses)[0])
  const view = { ...deployment }
  const optional: [keyof DeploymentView, string | undefined][] = [
    ['state', text(status.state)],
    ['description', text(status.description)],
    ['stateAt', text(status.created_at)],
    ['logUrl', text(status.log_url) ?? text(status.target_url)]
  ]
  for (const [key, value] of optional)
    if (value !== undefined) Object.assign(view, { [key]: value })
  return view
}

function reviewerName(entry: unknown): string | undefined {
  const reviewer = object(object(entry).reviewer)
  return text(reviewer.login) ?? text(reviewer.slug) ?? text(reviewer.name)
}

/** The pending deployments of one waiting run, one approval per environment. */
function approvalsOf(run: Json, pending: unknown): PendingApproval[] {
  const actor = text(object(run.actor).login) ?? text(object(run.triggering_actor).login)
  return list(pending).flatMap(item => {
    const entry = object(item)
    const environment = text(object(entry.environment).name)
    if (environment === undefined) return []
    const approval: PendingApproval = {
      environment,
      runId: run.id as number,
      reviewers: list(entry.reviewers).flatMap(r => reviewerName(r) ?? [])
    }
    const optional: [keyof PendingApproval, unknown][] = [
      ['runUrl', text(run.html_url)],
      ['workflow', text(run.name)],
      ['branch', text(run.head_branch)],
      ['sha', text(run.head_sha)],
      ['actor', actor],
      ['waitTimer', typeof entry.wait_timer === 'number' ? entry.wait_timer : undefined]
    ]
    for (const [key, value] of optional) {
      if (value !== undefined) Object.assign(approval, { [key]: value })
    }
    return [approval]
  })
}

/**
 * Every approval workflow runs wait for: `GET …/actions/runs?status=waiting`, then each run's
 * pending deployments. Undefined when GitHub does not show them (404, 403): unknown, not none.
 */
export async function pendingApprovals(
  github: GitHubClient,
  repo: RepositoryRef
): Promise<PendingApproval[] | undefined> {
  try {
    const runs = await get(github, 'GET /repos/{owner}/{repo}/actions/runs', {
      ...repo,
      status: 'waiting',
      per_page: 100
    })
    const waiting = list(object(runs).workflow_runs)
      .map(object)
      .filter(run => typeof run.id === 'number')
    const pending = await Promise.all(
      waiting.map(async run => {
        const answer = await get(
          github,
          'GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments',
          { ...repo, run_id: run.id }
        )
        return approvalsOf(run, answer)
      })
    )
    return pending.flat()
  } catch (error) {
    if (isUnavailable(error)) return undefined
    throw error
  }
}

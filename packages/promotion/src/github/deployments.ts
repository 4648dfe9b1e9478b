import { randomUUID } from 'node:crypto'
import { failedWithoutRefusal, urlWithoutCredentials } from '@fargate-promote/common'
import type { GitHubClient, RepositoryRef } from './client.js'

/** GitHub deployment status states (REST: deployments/statuses). */
export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success'

export interface DeploymentPayload {
  cluster: string
  service: string
  taskDefinitionArn?: string
  previousTaskDefinitionArn?: string
  images?: Record<string, string>
  version?: string
  /** Set by rollback records. */
  reason?: string
  /** Set when staging-gate's emergency path approved the release. */
  emergency?: { reason: string; actor?: string }
  /**
   * Set by startDeploymentRecord, unique to each record: finds the deployment GitHub created
   * when its answer to the create was lost.
   */
  recordKey?: string
  [key: string]: unknown
}

export interface StartRecordOptions extends RepositoryRef {
  /** The commit SHA (or ref) being deployed. */
  ref: string
  environment: string
  description: string
  payload: DeploymentPayload
  /** Link to the workflow run, shown on the deployment. */
  logUrl?: string
  environmentUrl?: string
  /** Only `production` deployments count as production environments on GitHub. */
  productionEnvironment?: boolean
}

export interface DeploymentRecord extends RepositoryRef {
  id: number
  environment: string
}

interface DeploymentResponse {
  id?: number
  message?: string
}

const CREATE_ROUTE = 'POST /repos/{owner}/{repo}/deployments'

/** The id of the deployment whose payload carries `key`, among the environment's newest 100. */
async function createdWithKey(
  options: StartRecordOptions,
  key: string,
  deps: { github: GitHubClient }
): Promise<number | undefined> {
  const listed = await deps.github.request('GET /repos/{owner}/{repo}/deployments', {
    owner: options.owner,
    repo: options.repo,
    environment: options.environment,
    per_page: 100
  })
  // Whatever the order GitHub lists them in (it does not document one), only the key counts.
  const found = (listed.data as RawDeployment[]).find(
    deployment => parsePayload(deployment.payload)?.recordKey === key
  )
  return found?.id
}

/** How many times a create whose answer was lost is sent again (each looked up first). */
const CREATE_ATTEMPTS = 3

/**
 * POST a deployment once. Creating is not idempotent: retried after GitHub created the
 * deployment but failed to answer (a 502 from its front end, a timeout), it would make a second
 * one, left without a status for ever. So every create is sent without retries, with the same
 * key in its payload; when an answer is lost, the environment's newest deployments are searched
 * for the key, and only when none has it is the create sent again (CREATE_ATTEMPTS in all).
 * A lookup that fails ends the attempt with its error: the record is then missing, which the
 * recorder reports as a warning (records are best effort), rather than possibly doubled.
 */
async function createOnce(
  options: StartRecordOptions,
  body: Record<string, unknown> & { payload: DeploymentPayload & { recordKey: string } },
  deps: { github: GitHubClient }
): Promise<{ status: number; data: unknown }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.github.request(CREATE_ROUTE, { ...body, request: { retries: 0 } })
    } catch (error) {
      // A refusal (4xx) created nothing; a 5xx or no answer may have.
      if (!failedWithoutRefusal(error)) throw error
      const id = await createdWithKey(options, body.payload.recordKey, deps)
      if (id !== undefined) return { status: 201, data: { id } }
      if (attempt === CREATE_ATTEMPTS) throw error
    }
  }
}

/**
 * Create a GitHub deployment for an environment and mark it in_progress. `auto_merge` is off
 * and `required_contexts` empty: the workflow already decided to deploy this commit, and a
 * deploy step must not merge branches or wait for unrelated commit statuses.
 */
export async function startDeploymentRecord(
  options: StartRecordOptions,
  deps: { github: GitHubClient; newKey?: () => string }
): Promise<DeploymentRecord> {
  const payload = { ...options.payload, recordKey: (deps.newKey ?? randomUUID)() }
  const created = await createOnce(
    options,
    {
      owner: options.owner,
      repo: options.repo,
      ref: options.ref,
      environment: options.environment,
      description: options.description.slice(0, 140),
      payload,
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: options.productionEnvironment ?? options.environment === 'production'
    },
    deps
  )
  const data = created.data as DeploymentResponse
  if (created.status !== 201 || typeof data.id !== 'number') {
    // 202 means GitHub tried to merge the default branch first; with auto_merge off it should not happen.
    throw new Error(
      `GitHub did not create the deployment (HTTP ${created.status}${data.message ? `: ${data.message}` : ''}).`
    )
  }
  const record = {
    owner: options.owner,
    repo: options.repo,
    id: data.id,
    environment: options.environment
  }
  await setDeploymentState(
    record,
    {
      state: 'in_progress',
      description: options.description,
      logUrl: options.logUrl,
      environmentUrl: options.environmentUrl
    },
    deps
  )
  return record
}

export interface StateOptions {
  state: DeploymentState
  description: string
  logUrl?: string
  environmentUrl?: string
}

export async function setDeploymentState(
  record: DeploymentRecord,
  options: StateOptions,
  deps: { github: GitHubClient }
): Promise<void> {
  await deps.github.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    owner: record.owner,
    repo: record.repo,
    deployment_id: record.id,
    state: options.state,
    description: options.description.slice(0, 140),
    log_url: options.logUrl,
    // A link anyone who can read the repository sees: never the credentials a URL may carry.
    environment_url:
      options.environmentUrl === undefined
        ? undefined
        : urlWithoutCredentials(options.environmentUrl),
    // A success marks the environment's earlier deployments inactive, as GitHub does by default.
    auto_inactive: true
  })
}

export interface DeploymentHistoryEntry {
  id: number
  sha: string
  createdAt: string
  payload: DeploymentPayload | undefined
  /** The newest status, or undefined when none was posted. */
  state: DeploymentState | undefined
  /** When the newest status was posted (ISO 8601). */
  stateAt?: string
}

interface RawDeployment {
  id: number
  sha: string
  created_at: string
  payload: unknown
}

interface RawStatus {
  state: DeploymentState
  created_at?: string
}

export interface HistoryOptions extends RepositoryRef {
  environment: string
  /** GitHub filters on the full SHA only. */
  sha?: string
  /**
   * Keep deployments whose SHA starts with this (an abbreviated SHA); filtered here among the
   * 100 newest, before any status is read.
   */
  shaPrefix?: string
  limit?: number
}

/** The environment's deployments, newest first, with their latest state (at most `limit`). */
export async function listDeploymentHistory(
  options: HistoryOptions,
  deps: { github: GitHubClient }
): Promise<DeploymentHistoryEntry[]> {
  const limit = options.limit ?? 20
  const prefix = options.shaPrefix?.toLowerCase()
  const listed = await deps.github.request('GET /repos/{owner}/{repo}/deployments', {
    owner: options.owner,
    repo: options.repo,
    environment: options.environment,
    sha: options.sha,
    per_page: prefix === undefined ? Math.min(100, limit) : 100
  })
  // GitHub does not document the order; sort so "newest first" holds whatever it sends.
  const deployments = [...(listed.data as RawDeployment[])]
    .filter(deployment => prefix === undefined || deployment.sha.toLowerCase().startsWith(prefix))
    .sort((a, b) => b.id - a.id)
    .slice(0, limit)
  const history: DeploymentHistoryEntry[] = []
  for (const deployment of deployments) {
    const statuses = await deps.github.request(
      'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      { owner: options.owner, repo: options.repo, deployment_id: deployment.id, per_page: 1 }
    )
    const newest = (statuses.data as RawStatus[])[0]
    history.push({
      id: deployment.id,
      sha: deployment.sha,
      createdAt: deployment.created_at,
      payload: parsePayload(deployment.payload),
      state: newest?.state,
      stateAt: newest?.created_at
    })
  }
  return history
}

function parsePayload(payload: unknown): DeploymentPayload | undefined {
  if (typeof payload === 'string') {
    try {
      return parsePayload(JSON.parse(payload))
    } catch {
      return undefined
    }
  }
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    return payload as DeploymentPayload
  }
  return undefined
}

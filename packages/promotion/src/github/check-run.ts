import { ConfigurationError } from '@fargate-promote/common'
import type { GitHubClient, RepositoryRef } from './client.js'

/** GitHub takes at most 50 annotations per create or update request; updates append. */
export const ANNOTATIONS_PER_REQUEST = 50

export type CheckRunConclusion = 'success' | 'failure' | 'neutral' | 'cancelled'

export interface CheckRunAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'failure' | 'warning' | 'notice'
  title: string
  message: string
}

export interface CheckRunOptions {
  repository: RepositoryRef
  /** The full commit SHA the check run is attached to. */
  sha: string
  name: string
  conclusion: CheckRunConclusion
  /** Epoch ms. */
  completedAt: number
  detailsUrl?: string
  title: string
  /** Markdown; untrusted text in it must already be escaped. */
  summary: string
  annotations: CheckRunAnnotation[]
}

export interface CheckRunResult {
  id: number
  annotations: number
  /** POST plus one PATCH per further 50 annotations. */
  requests: number
}

/**
 * The one check-run writer: a completed check run on the commit, its annotations 50 per
 * request (the first with the POST, the rest as PATCHes, which GitHub appends).
 */
export async function writeCheckRun(
  options: CheckRunOptions,
  deps: { github: GitHubClient }
): Promise<CheckRunResult> {
  if (!/^[0-9a-f]{40}$/i.test(options.sha)) {
    throw new ConfigurationError(
      `check run sha: '${options.sha}' is not a full commit SHA. Give the 40-character SHA the check run belongs to.`
    )
  }
  const { owner, repo } = options.repository
  const { title, summary, annotations } = options
  const batches: CheckRunAnnotation[][] = []
  for (let start = 0; start < annotations.length; start += ANNOTATIONS_PER_REQUEST) {
    batches.push(annotations.slice(start, start + ANNOTATIONS_PER_REQUEST))
  }
  const created = await deps.github.request('POST /repos/{owner}/{repo}/check-runs', {
    owner,
    repo,
    name: options.name,
    head_sha: options.sha,
    status: 'completed',
    conclusion: options.conclusion,
    completed_at: new Date(options.completedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(options.detailsUrl !== undefined && { details_url: options.detailsUrl }),
    output: { title, summary, annotations: batches[0] ?? [] }
  })
  const id = (created.data as { id?: unknown }).id
  if (created.status !== 201 || typeof id !== 'number') {
    throw new Error(`GitHub did not create the ${options.name} check run (HTTP ${created.status}).`)
  }
  for (const batch of batches.slice(1)) {
    const updated = await deps.github.request(
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
      { owner, repo, check_run_id: id, output: { title, summary, annotations: batch } }
    )
    if (updated.status !== 200) {
      throw new Error(`GitHub did not add annotations to check run ${id} (HTTP ${updated.status}).`)
    }
  }
  return { id, annotations: annotations.length, requests: Math.max(1, batches.length) }
}

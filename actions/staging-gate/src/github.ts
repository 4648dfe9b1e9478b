import { errorMessage, type Logger } from '@fargate-promote/common'
import {
  writeGateCheckRun,
  type GateVerdict,
  type GitHubClient,
  type RepositoryRef
} from '@fargate-promote/promotion'
import type { RunContext } from '@fargate-promote/runner'

const FULL_SHA = /^[0-9a-f]{40}$/i

/**
 * The workflow file running the gate, for the check run's annotations: GITHUB_WORKFLOW_REF is
 * `owner/repo/.github/workflows/promote.yml@refs/heads/main`.
 */
export function workflowPath(
  workflowRef: string | undefined,
  repository: string | undefined
): string | undefined {
  if (workflowRef === undefined || repository === undefined) return undefined
  const prefix = `${repository}/`
  const path = workflowRef.slice(prefix.length).split('@')[0]
  return workflowRef.startsWith(prefix) && path ? path : undefined
}

/** The commit the check run goes on: the candidate's full SHA seen on staging, else the workflow's. */
export function checkRunSha(verdict: GateVerdict, context: RunContext): string | undefined {
  if (verdict.sha !== undefined && FULL_SHA.test(verdict.sha)) return verdict.sha
  return context.sha !== undefined && FULL_SHA.test(context.sha) ? context.sha : undefined
}

export interface CheckRunRecord {
  id?: number
  url?: string
  sha?: string
  /** Why no check run was written. */
  problem?: string
}

/**
 * Writes the `staging-gate` check run. Problems come back as `problem` so the caller decides
 * how loud they are: a missing audit record of an emergency bypass fails the step.
 */
export async function recordCheckRun(
  verdict: GateVerdict,
  options: {
    github: GitHubClient
    repository: RepositoryRef
    context: RunContext
    workflowRef: string | undefined
  },
  log: Logger
): Promise<CheckRunRecord> {
  const { github, repository, context } = options
  const sha = checkRunSha(verdict, context)
  if (sha === undefined) {
    return {
      problem:
        'no full commit SHA to attach it to (the candidate has no commit tag on staging and GITHUB_SHA is not a full SHA)'
    }
  }
  try {
    const path = workflowPath(options.workflowRef, context.repository)
    const result = await writeGateCheckRun(
      {
        repository,
        sha,
        verdict,
        ...(context.runUrl !== undefined && { detailsUrl: context.runUrl }),
        ...(path !== undefined && { path })
      },
      { github }
    )
    log.info(
      `Wrote check run ${result.id} (${result.conclusion}) on ${sha.slice(0, 12)} with ${result.annotations} annotation(s).`
    )
    return {
      id: result.id,
      sha,
      url: `${context.serverUrl}/${repository.owner}/${repository.repo}/runs/${result.id}`
    }
  } catch (error) {
    return { sha, problem: errorMessage(error) }
  }
}

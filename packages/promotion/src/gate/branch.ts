import { errorMessage } from '@fargate-promote/common'
import type { GitHubClient, RepositoryRef } from '../github/client.js'
import { requestExpecting } from '../github/requests.js'

/** The protected branch production releases come from, and whether the candidate is on it. */
export interface BranchCheckResult {
  ok: boolean
  detail: string
  nextStep: string
}

/** The repository's default branch, when the gate is not told which branch is protected. */
export async function defaultBranchOf(
  repository: RepositoryRef,
  deps: { github: GitHubClient }
): Promise<string> {
  const { data } = await deps.github.request('GET /repos/{owner}/{repo}', { ...repository })
  const branch = (data as { default_branch?: unknown }).default_branch
  if (typeof branch !== 'string' || branch === '') {
    throw new Error(`GitHub named no default branch for ${repository.owner}/${repository.repo}`)
  }
  return branch
}

/**
 * Whether `sha` is on `branch`, by GitHub's compare API: comparing `sha...branch`, the commit
 * is contained in the branch exactly when the status is `identical` or `ahead` (the branch has
 * everything the commit has). A commit from an unmerged pull request or a fork is `diverged`
 * or unknown (404): production must only get what the protected branch holds.
 */
export async function checkOnBranch(
  options: RepositoryRef & { sha: string; branch: string },
  deps: { github: GitHubClient }
): Promise<BranchCheckResult> {
  const { owner, repo, sha, branch } = options
  const short = sha.slice(0, 12)
  const nextStep = `Merge ${short} into ${branch} and promote the commit from ${branch}; production only takes commits on its protected branch.`
  try {
    const answer = await requestExpecting(
      deps.github,
      'GET /repos/{owner}/{repo}/compare/{basehead}',
      { owner, repo, basehead: `${sha}...${branch}`, per_page: 1 },
      [404]
    )
    if (answer === undefined) {
      return {
        ok: false,
        detail: `GitHub knows no common history of ${short} and ${branch}`,
        nextStep
      }
    }
    const status = (answer.data as { status?: unknown }).status
    if (status === 'identical' || status === 'ahead') {
      return { ok: true, detail: `${short} is on ${branch}`, nextStep }
    }
    return {
      ok: false,
      detail: `${short} is not on ${branch} (GitHub compares them as ${String(status)})`,
      nextStep
    }
  } catch (error) {
    return {
      ok: false,
      detail: `could not compare ${short} with ${branch}: ${errorMessage(error)}`,
      nextStep: `Run the gate again; GitHub must confirm that ${short} is on ${branch}.`
    }
  }
}

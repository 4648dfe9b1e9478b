import { formatDuration } from '@fargate-promote/common'

/** What the actions need of Octokit: `request(route, parameters)`. */
export interface GitHubRequestClient {
  request(
    route: string,
    parameters?: Record<string, unknown>
  ): Promise<{ status: number; data: unknown }>
}

/** How long one GitHub API request may take before it fails. */
export const GITHUB_REQUEST_TIMEOUT_MS = 30_000

/**
 * An authenticated Octokit for the workflow's GitHub (GITHUB_API_URL), loaded only when a
 * token is given: Octokit and its HTTP stack are more than half of a bundle's size and would
 * otherwise be parsed on every start. Every request gets its own timeout: fetch has none, and
 * a GitHub API that stops answering would otherwise hold the step until the job times out.
 */
export async function githubClient(
  token: string,
  options: { timeoutMs?: number } = {}
): Promise<GitHubRequestClient> {
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(token)
  const timeoutMs = options.timeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS
  return {
    async request(route, parameters = {}) {
      const signal = AbortSignal.timeout(timeoutMs)
      try {
        return await octokit.request(route, { ...parameters, request: { signal } })
      } catch (error) {
        // Octokit reports an aborted fetch as "Unknown Error": say what happened.
        if (!signal.aborted) throw error
        throw new Error(`GitHub did not answer ${route} within ${formatDuration(timeoutMs)}`, {
          cause: error
        })
      }
    }
  }
}

import { errorMessage } from '@fargate-promote/common'
import { parseRepository, type GitHubClient, type RepositoryRef } from '@fargate-promote/promotion'
import type { CliIo } from './io.js'
import { UsageError } from './failures.js'

/** GitHub's own API; GITHUB_API_URL points elsewhere (GitHub Enterprise, the simulator). */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com'

/** One GitHub request may take this long; fetch alone would wait forever on a silent server. */
export const GITHUB_REQUEST_TIMEOUT_MS = 30_000

/** `--repo`, else GITHUB_REPOSITORY (set in GitHub Actions), as `gh` and the actions take it. */
export function repositoryOf(flag: string | undefined, env: CliIo['env']): RepositoryRef {
  const text = flag ?? env.GITHUB_REPOSITORY
  if (text === undefined || text === '') {
    throw new UsageError('No repository: give --repo owner/name or set GITHUB_REPOSITORY.')
  }
  const repo = parseRepository(text)
  if (repo === undefined) {
    const source = flag === undefined ? 'GITHUB_REPOSITORY' : '--repo'
    throw new UsageError(`${source} '${text}' is not owner/name.`)
  }
  return repo
}

/** GH_TOKEN first, as `gh` reads it, then GITHUB_TOKEN. */
export function tokenOf(env: CliIo['env']): string {
  const token = env.GH_TOKEN || env.GITHUB_TOKEN
  if (!token) {
    throw new UsageError(
      'No GitHub token: set GH_TOKEN or GITHUB_TOKEN (administration:write on the repository, read:org for team reviewers).'
    )
  }
  return token
}

/**
 * An Octokit for the API at GITHUB_API_URL, loaded on first use (`--help` and config errors
 * need none). Octokit's own warnings would go to the process's console: they go to `warn`.
 */
export async function githubClient(
  env: CliIo['env'],
  warn: (line: string) => void
): Promise<GitHubClient> {
  const { Octokit } = await import('@octokit/rest')
  const octokit = new Octokit({
    auth: tokenOf(env),
    baseUrl: (env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
    userAgent: 'fargate-promote-cli',
    // request-log reports every failed request at 'error'; a 404 for a missing environment is expected.
    log: { debug: () => {}, info: () => {}, warn, error: () => {} }
  })
  return {
    async request(route, parameters = {}) {
      const signal = AbortSignal.timeout(GITHUB_REQUEST_TIMEOUT_MS)
      try {
        return await octokit.request(route, { ...parameters, request: { signal } })
      } catch (error) {
        if (!signal.aborted) throw error
        throw new Error(
          `GitHub did not answer ${route} within ${GITHUB_REQUEST_TIMEOUT_MS / 1000}s (${errorMessage(error)}).`,
          { cause: error }
        )
      }
    }
  }
}

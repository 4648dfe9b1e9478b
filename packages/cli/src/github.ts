import {
  GITHUB_REQUEST_TIMEOUT_MS,
  githubPluginOptions,
  resilientGitHub,
  silentLogger
} from '@fargate-promote/common'
import { parseRepository, type GitHubClient, type RepositoryRef } from '@fargate-promote/promotion'
import type { CliIo } from './io.js'
import { UsageError } from './failures.js'

/** GitHub's own API; GITHUB_API_URL points elsewhere (GitHub Enterprise, the simulator). */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com'

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
 * need none), with the actions' retry, throttling and timeout rules (common/github-requests.ts):
 * a 5xx is retried, a rate limit waited out when it fits, a step that found GitHub down tries
 * its other requests once. Octokit's own warnings would go to the process's console: they go
 * to `warn`.
 */
export async function githubClient(
  env: CliIo['env'],
  warn: (line: string) => void
): Promise<GitHubClient> {
  const [{ Octokit }, { retry }, { throttling }, { default: limiter }] = await Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
    import('bottleneck/light.js')
  ])
  const log = { ...silentLogger, warning: warn }
  const options = { timeoutMs: GITHUB_REQUEST_TIMEOUT_MS, log }
  const octokit = new (Octokit.plugin(retry, throttling))({
    auth: tokenOf(env),
    baseUrl: (env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
    userAgent: 'fargate-promote-cli',
    // request-log reports every failed request at 'error'; a 404 for a missing environment is expected.
    log: { debug: () => {}, info: () => {}, warn, error: () => {} },
    ...githubPluginOptions({ ...options, limiter })
  })
  return resilientGitHub(octokit, options)
}

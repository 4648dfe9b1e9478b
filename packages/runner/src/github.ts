import {
  githubPluginOptions,
  resilientGitHub,
  type GitHubRequestClient,
  type GitHubRequestOptions
} from '@fargate-promote/common'

export {
  GITHUB_REQUEST_TIMEOUT_MS,
  MAX_RATE_LIMIT_RETRIES,
  type GitHubRequestClient
} from '@fargate-promote/common'
export type GitHubClientOptions = GitHubRequestOptions

/**
 * An authenticated Octokit for the workflow's GitHub (GITHUB_API_URL), loaded only when a token
 * is given: Octokit and its HTTP stack are a large part of a bundle and would otherwise be
 * parsed on every start. The retry, throttling and timeout rules are the CLI's too
 * (common/github-requests.ts).
 */
export async function githubClient(
  token: string,
  options: GitHubClientOptions = {}
): Promise<GitHubRequestClient> {
  const [{ getOctokit }, { retry }, { throttling }, { default: limiter }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
    import('bottleneck/light.js')
  ])
  const octokit = getOctokit(token, githubPluginOptions({ ...options, limiter }), retry, throttling)
  return resilientGitHub(octokit, options)
}

/** What the actions need of Octokit: `request(route, parameters)`. */
export interface GitHubRequestClient {
  request(
    route: string,
    parameters?: Record<string, unknown>
  ): Promise<{ status: number; data: unknown }>
}

/**
 * An authenticated Octokit for the workflow's GitHub (GITHUB_API_URL), loaded only when a
 * token is given: Octokit and its HTTP stack are more than half of a bundle's size and would
 * otherwise be parsed on every start.
 */
export async function githubClient(token: string): Promise<GitHubRequestClient> {
  const { getOctokit } = await import('@actions/github')
  return getOctokit(token)
}

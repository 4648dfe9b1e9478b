/**
 * The part of Octokit this package uses: `request(route, parameters)`. Both @actions/github's
 * getOctokit() and @octokit/rest satisfy it, so the adapters pass whichever they have and this
 * package never imports @actions/*.
 */
export interface GitHubClient {
  request(
    route: string,
    parameters?: Record<string, unknown>
  ): Promise<{ status: number; data: unknown }>
}

export interface RepositoryRef {
  owner: string
  repo: string
}

/** `owner/repo` → { owner, repo }; undefined when the text is not of that form. */
export function parseRepository(text: string | undefined): RepositoryRef | undefined {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text ?? '')
  return match ? { owner: match[1] as string, repo: match[2] as string } : undefined
}

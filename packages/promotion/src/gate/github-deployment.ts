import { listDeploymentHistory, type DeploymentHistoryEntry } from '../github/deployments.js'
import type { GitHubClient, RepositoryRef } from '../github/client.js'

const FULL_SHA = /^[0-9a-f]{40}$/i

/** The newest deployment of `sha` (full or abbreviated) to the environment. */
export async function newestDeploymentOf(
  options: RepositoryRef & { environment: string; sha: string },
  deps: { github: GitHubClient }
): Promise<DeploymentHistoryEntry | undefined> {
  const { owner, repo, environment, sha } = options
  const filter = FULL_SHA.test(sha) ? { sha } : { shaPrefix: sha }
  const [newest] = await listDeploymentHistory(
    { owner, repo, environment, ...filter, limit: 1 },
    deps
  )
  return newest
}

export interface GitHubCheckResult {
  ok: boolean
  detail: string
}

export function judgeGitHubDeployment(
  entry: DeploymentHistoryEntry | undefined,
  sha: string,
  environment: string
): GitHubCheckResult {
  if (entry === undefined) {
    return { ok: false, detail: `no GitHub deployment of ${sha.slice(0, 12)} to ${environment}` }
  }
  const what = `GitHub deployment ${entry.id} of ${entry.sha.slice(0, 12)} to ${environment}`
  if (entry.state === 'success') {
    return {
      ok: true,
      detail: `${what} is success${entry.stateAt ? ` since ${entry.stateAt}` : ''}`
    }
  }
  return { ok: false, detail: `${what} is ${entry.state ?? 'without any status'}, not success` }
}

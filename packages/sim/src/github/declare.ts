import type { GitHubPush, GitHubSeed } from '../contract.js'
import type { RepoState, World } from './state.js'

/**
 * Applying a declaration (scenario `github:`, `POST /_sim/github`) or a push
 * (`POST /_sim/github/push`) to the world. Entries apply in order; one that contradicts the
 * world throws a GitHubSeedError naming it, after the entries before it were applied.
 */

function repoOf(world: World, fullName: string): RepoState {
  const [owner, name] = fullName.split('/') as [string, string]
  return world.repo(owner, name)
}

export function applySeed(world: World, seed: GitHubSeed, path = ''): unknown {
  const at = (key: string) => (path === '' ? key : `${path}.${key}`)
  if (seed.users !== undefined) world.directory.declareUsers(seed.users, at('users'))
  if (seed.teams !== undefined) world.directory.declareTeams(seed.teams, at('teams'))
  const repositories = (seed.repositories ?? []).map((declared, i) => {
    const repo = repoOf(world, declared.name)
    for (const [branch, shas] of Object.entries(declared.branches)) {
      repo.refs.declareHistory(branch, shas, `${at('repositories')}[${i}].branches.${branch}`)
    }
    return { name: `${repo.owner}/${repo.name}`, branches: repo.refs.heads() }
  })
  return { ...world.directory.dump(), repositories }
}

export function applyPush(world: World, push: GitHubPush): unknown {
  const repo = repoOf(world, push.repository)
  const head = repo.refs.push(push.branch, push.commits)
  return { repository: `${repo.owner}/${repo.name}`, branch: push.branch, head }
}

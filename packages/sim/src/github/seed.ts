import {
  GitHubSeedError,
  type GitHubPush,
  type GitHubSeed,
  type GitHubSeedRepository,
  type GitHubSeedTeam,
  type GitHubSeedUser
} from '../contract.js'
import { at, list, LOGIN, object, optionalId, REPO_NAME, show, SLUG, text } from './declaration.js'
import { isFullSha, isValidRefName } from './refs.js'

/**
 * Reading a GitHub declaration (the scenario's `github:` section, the bodies of
 * `POST /_sim/github` and `POST /_sim/github/push`), failing with the path of the bad value.
 */

const USER_TYPES = ['User', 'Organization', 'Bot'] as const

function user(value: unknown, path: string): GitHubSeedUser {
  const login = 'a GitHub login'
  if (typeof value !== 'object') return { login: text(value, path, LOGIN, login) }
  const raw = object(value, path, ['login', 'id', 'type'])
  const type = raw.type
  if (type !== undefined && !(USER_TYPES as readonly unknown[]).includes(type)) {
    throw new GitHubSeedError(at(path, 'type'), `must be one of ${USER_TYPES.join(', ')}`)
  }
  return {
    login: text(raw.login, at(path, 'login'), LOGIN, login),
    id: optionalId(raw, path),
    type: type as GitHubSeedUser['type']
  }
}

function team(value: unknown, path: string): GitHubSeedTeam {
  if (typeof value !== 'object') {
    const [org, slug, ...rest] = typeof value === 'string' ? value.split('/') : []
    if (rest.length > 0 || org === undefined || slug === undefined) {
      throw new GitHubSeedError(path, `must be 'org/slug', got ${show(value)}`)
    }
    return { org: text(org, path, LOGIN, 'an org login'), slug: text(slug, path, SLUG, 'a slug') }
  }
  const raw = object(value, path, ['org', 'slug', 'name', 'id'])
  const name = raw.name
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) {
    throw new GitHubSeedError(at(path, 'name'), `must be a non-empty string, got ${show(name)}`)
  }
  return {
    org: text(raw.org, at(path, 'org'), LOGIN, 'an org login'),
    slug: text(raw.slug, at(path, 'slug'), SLUG, 'a team slug'),
    name,
    id: optionalId(raw, path)
  }
}

function shas(value: unknown, path: string, min: number): string[] {
  const items = list(value, path)
  if (items.length < min) throw new GitHubSeedError(path, `must list at least ${min} commit`)
  const seen = new Set<string>()
  return items.map((sha, i) => {
    if (typeof sha !== 'string' || !isFullSha(sha)) {
      throw new GitHubSeedError(at(path, i), `must be a full 40-character sha, got ${show(sha)}`)
    }
    const lower = sha.toLowerCase()
    if (seen.has(lower)) throw new GitHubSeedError(at(path, i), `${sha} is listed twice`)
    seen.add(lower)
    return lower
  })
}

function branch(value: unknown, path: string): string {
  if (typeof value !== 'string' || !isValidRefName(value) || value.startsWith('refs/')) {
    throw new GitHubSeedError(path, `must be a branch name, got ${show(value)}`)
  }
  return value
}

function repository(value: unknown, path: string): GitHubSeedRepository {
  const raw = object(value, path, ['name', 'branches'])
  const name = text(raw.name, at(path, 'name'), REPO_NAME, "'owner/name'")
  const branchesPath = at(path, 'branches')
  const declared = object(raw.branches ?? {}, branchesPath, Object.keys(raw.branches ?? {}))
  const branches: Record<string, string[]> = {}
  for (const [key, history] of Object.entries(declared)) {
    branches[branch(key, at(branchesPath, key))] = shas(history, at(branchesPath, key), 1)
  }
  return { name, branches }
}

/** `users`, `teams` and `repositories`, each optional; absent keys declare nothing. */
export function parseGitHubSeed(value: unknown, path = ''): GitHubSeed {
  const raw = object(value ?? {}, path, ['users', 'teams', 'repositories'])
  const seed: GitHubSeed = {}
  if (raw.users !== undefined) {
    const p = at(path, 'users')
    seed.users = list(raw.users, p).map((u, i) => user(u, at(p, i)))
  }
  if (raw.teams !== undefined) {
    const p = at(path, 'teams')
    seed.teams = list(raw.teams, p).map((t, i) => team(t, at(p, i)))
  }
  if (raw.repositories !== undefined) {
    const p = at(path, 'repositories')
    seed.repositories = list(raw.repositories, p).map((r, i) => repository(r, at(p, i)))
  }
  return seed
}

/** `{ repository: 'owner/name', branch, commits: [sha, ...] }`. */
export function parseGitHubPush(value: unknown): GitHubPush {
  const raw = object(value ?? {}, '', ['repository', 'branch', 'commits'])
  return {
    repository: text(raw.repository, 'repository', REPO_NAME, "'owner/name'"),
    branch: branch(raw.branch, 'branch'),
    commits: shas(raw.commits, 'commits', 1)
  }
}

import { SettingsFileError, formatFieldPath, type SchemaProblem } from '@fargate-promote/common'
import type { LoadedConfig } from '../config/load.js'
import type { GitHubClient } from '../github/client.js'
import { requestExpecting } from '../github/requests.js'
import type { Reviewer } from './types.js'

/*
 * Reviewers are written as logins and org/slug names; GitHub's environments API takes ids.
 * Every name is looked up before anything is applied, and every one GitHub does not know is
 * reported at once with the file, line and field where it is written.
 */

interface Mention {
  kind: 'user' | 'team'
  name: string
  field: PropertyKey[]
}

type Lookup = { reviewer: Reviewer } | { problem: string }

function mentionsOf(loaded: LoadedConfig): Mention[] {
  return Object.entries(loaded.config.environments).flatMap(([environment, settings]) => {
    const base = ['environments', environment, 'protection', 'reviewers']
    const { users, teams } = settings.protection.reviewers
    return [
      ...users.map((name, index) => ({
        kind: 'user' as const,
        name,
        field: [...base, 'users', index]
      })),
      ...teams.map((name, index) => ({
        kind: 'team' as const,
        name,
        field: [...base, 'teams', index]
      }))
    ]
  })
}

async function lookUpUser(github: GitHubClient, login: string): Promise<Lookup> {
  const answer = await requestExpecting(github, 'GET /users/{username}', { username: login }, [404])
  if (answer === undefined) {
    return { problem: `GitHub has no user '${login}'. Correct the login or remove the reviewer.` }
  }
  const user = answer.data as { id?: unknown; login?: unknown; type?: unknown }
  if (user.type === 'Organization') {
    return {
      problem: `'${login}' is an organization, not a user. Name one of its teams under 'teams' (org/slug).`
    }
  }
  if (typeof user.id !== 'number') {
    throw new Error(`GitHub answered GET /users/${login} without an id.`)
  }
  return {
    reviewer: {
      type: 'User',
      id: user.id,
      name: typeof user.login === 'string' ? user.login : login
    }
  }
}

async function lookUpTeam(github: GitHubClient, name: string): Promise<Lookup> {
  const [org, slug] = name.split('/') as [string, string]
  const answer = await requestExpecting(
    github,
    'GET /orgs/{org}/teams/{team_slug}',
    { org, team_slug: slug },
    [404]
  )
  if (answer === undefined) {
    return {
      problem: `GitHub has no team '${slug}' in organization '${org}', or the token cannot see it (reading teams needs the read:org scope). Correct org/slug or remove the reviewer.`
    }
  }
  const team = answer.data as { id?: unknown }
  if (typeof team.id !== 'number') {
    throw new Error(`GitHub answered GET /orgs/${org}/teams/${slug} without an id.`)
  }
  return { reviewer: { type: 'Team', id: team.id, name } }
}

/** `user:alice`: logins and team slugs are case-insensitive on GitHub. */
const keyOf = (mention: { kind: string; name: string }) =>
  `${mention.kind}:${mention.name.toLowerCase()}`

/**
 * Every reviewer of every environment resolved to its id, keyed by `user:login` / `team:org/slug`
 * (lower case). Throws a SettingsFileError listing each reviewer GitHub does not know.
 */
export async function resolveReviewers(
  loaded: LoadedConfig,
  github: GitHubClient
): Promise<Map<string, Reviewer>> {
  const mentions = mentionsOf(loaded)
  const unique = new Map(mentions.map(mention => [keyOf(mention), mention]))
  const lookups = new Map<string, Lookup>()
  await Promise.all(
    [...unique].map(async ([key, mention]) => {
      const lookup = mention.kind === 'user' ? lookUpUser : lookUpTeam
      lookups.set(key, await lookup(github, mention.name))
    })
  )
  const problems: SchemaProblem[] = mentions.flatMap(mention => {
    const lookup = lookups.get(keyOf(mention))
    if (lookup === undefined || !('problem' in lookup)) return []
    // LoadedConfig knows lines, not columns: column 1 still puts an editor on the line.
    const line = loaded.lineOf(mention.field)
    return [
      {
        file: loaded.path,
        line,
        column: 1,
        field: formatFieldPath(mention.field),
        message: lookup.problem
      }
    ]
  })
  if (problems.length > 0) throw new SettingsFileError(problems, { file: loaded.path })
  const resolved = new Map<string, Reviewer>()
  for (const [key, lookup] of lookups) if ('reviewer' in lookup) resolved.set(key, lookup.reviewer)
  return resolved
}

/** An environment's reviewers, in the order the config lists them. */
export function reviewersOf(
  users: readonly string[],
  teams: readonly string[],
  resolved: ReadonlyMap<string, Reviewer>
): Reviewer[] {
  const names = [
    ...users.map(name => ({ kind: 'user', name })),
    ...teams.map(name => ({ kind: 'team', name }))
  ]
  return names.map(mention => {
    const reviewer = resolved.get(keyOf(mention))
    if (reviewer === undefined) throw new Error(`Reviewer '${mention.name}' was not resolved.`)
    return reviewer
  })
}

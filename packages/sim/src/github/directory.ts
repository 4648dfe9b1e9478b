import { GitHubSeedError, type GitHubSeedTeam, type GitHubSeedUser } from '../contract.js'
import { fakeSha } from './refs.js'

/**
 * Who exists on this GitHub. Until a world declares its users, every login exists (with a
 * stable id) and is remembered when looked up, so reviewer ids render with their login; once
 * it declares them, only declared users exist. Teams likewise, independently.
 */

export interface UserRecord {
  login: string
  id: number
  type: 'User' | 'Organization' | 'Bot'
}

export interface TeamRecord {
  org: string
  slug: string
  name: string
  id: number
}

/** A stable numeric id for names (users, teams, repositories) GitHub would know already. */
export function stableId(seed: string): number {
  return (Number.parseInt(fakeSha(seed).slice(0, 8), 16) % 90_000_000) + 10_000_000
}

const userKey = (login: string) => login.toLowerCase()
const teamKey = (org: string, slug: string) => `${org.toLowerCase()}/${slug.toLowerCase()}`

export class Directory {
  private readonly users = new Map<string, UserRecord>()
  private readonly teams = new Map<string, TeamRecord>()
  private usersDeclared = false
  private teamsDeclared = false

  /** Adds (or re-declares) users; from now on only declared users exist. */
  declareUsers(users: readonly GitHubSeedUser[], path = 'users'): UserRecord[] {
    const records = users.map(u => ({
      login: u.login,
      id: u.id ?? stableId(`user:${userKey(u.login)}`),
      type: u.type ?? (u.login.endsWith('[bot]') ? 'Bot' : 'User')
    }))
    const table = this.usersDeclared ? new Map(this.users) : new Map<string, UserRecord>()
    records.forEach((record, i) => {
      table.set(userKey(record.login), record)
      const clash = [...table.values()].find(o => o.id === record.id && o !== record)
      if (clash !== undefined) {
        throw new GitHubSeedError(`${path}[${i}]`, `id ${record.id} is already ${clash.login}'s`)
      }
    })
    this.replace(this.users, table)
    this.usersDeclared = true
    return records
  }

  /** Adds (or re-declares) teams; from now on only declared teams exist. */
  declareTeams(teams: readonly GitHubSeedTeam[], path = 'teams'): TeamRecord[] {
    const records = teams.map(t => {
      const slug = t.slug.toLowerCase()
      return { org: t.org, slug, name: t.name ?? slug, id: t.id ?? teamId(t.org, slug) }
    })
    const table = this.teamsDeclared ? new Map(this.teams) : new Map<string, TeamRecord>()
    records.forEach((record, i) => {
      table.set(teamKey(record.org, record.slug), record)
      const clash = [...table.values()].find(o => o.id === record.id && o !== record)
      if (clash !== undefined) {
        throw new GitHubSeedError(
          `${path}[${i}]`,
          `id ${record.id} is already ${clash.org}/${clash.slug}'s`
        )
      }
    })
    this.replace(this.teams, table)
    this.teamsDeclared = true
    return records
  }

  findUser(login: string): UserRecord | undefined {
    const known = this.users.get(userKey(login))
    if (known !== undefined || this.usersDeclared) return known
    const record: UserRecord = { login, id: stableId(`user:${userKey(login)}`), type: 'User' }
    this.users.set(userKey(login), record)
    return record
  }

  findTeam(org: string, slug: string): TeamRecord | undefined {
    const known = this.teams.get(teamKey(org, slug))
    if (known !== undefined || this.teamsDeclared) return known
    const lower = slug.toLowerCase()
    const record: TeamRecord = { org, slug: lower, name: lower, id: teamId(org, lower) }
    this.teams.set(teamKey(org, lower), record)
    return record
  }

  userById(id: number): UserRecord | undefined {
    return [...this.users.values()].find(u => u.id === id)
  }

  teamById(id: number): TeamRecord | undefined {
    return [...this.teams.values()].find(t => t.id === id)
  }

  /** Whether a reviewer id names someone who may review: any id until the kind is declared. */
  isReviewer(type: 'User' | 'Team', id: number): boolean {
    if (type === 'User') return !this.usersDeclared || this.userById(id)?.type === 'User'
    return !this.teamsDeclared || this.teamById(id) !== undefined
  }

  reset(): void {
    this.users.clear()
    this.teams.clear()
    this.usersDeclared = false
    this.teamsDeclared = false
  }

  dump() {
    return {
      users: this.usersDeclared ? [...this.users.values()] : 'any',
      teams: this.teamsDeclared ? [...this.teams.values()] : 'any'
    }
  }

  private replace<T>(target: Map<string, T>, source: Map<string, T>): void {
    target.clear()
    for (const [key, value] of source) target.set(key, value)
  }
}

function teamId(org: string, slug: string): number {
  return stableId(`team:${teamKey(org, slug)}`)
}

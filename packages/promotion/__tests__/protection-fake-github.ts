/**
 * An in-memory GitHub for the environment-protection unit tests: environments, their
 * protection rules, deployment branch policies, users and teams, answering as GitHub documents
 * (GET environment 404 when missing, branch policies 404 unless custom policies are on, 303 for
 * a duplicate pattern). Errors are thrown as Octokit throws them (`.status`), or resolved with
 * their status when `resolveErrors` is set, as a plain fetch-based client would.
 */
import type { GitHubClient } from '../src/index.js'

export interface FakeEnvironment {
  waitTimer: number
  preventSelfReview: boolean
  reviewers: { type: 'User' | 'Team'; id: number }[]
  branchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null
  policies: { id: number; name: string; type?: 'branch' | 'tag' }[]
}

export interface Recorded {
  route: string
  parameters: Record<string, unknown>
}

class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`)
  }
}

const P = '/repos/{owner}/{repo}/environments/{environment_name}'

export class FakeGitHub implements GitHubClient {
  readonly requests: Recorded[] = []
  readonly environments = new Map<string, FakeEnvironment>()
  readonly users = new Map<string, { id: number; type: string }>([
    ['alice', { id: 101, type: 'User' }],
    ['bob', { id: 102, type: 'User' }],
    ['acme-org', { id: 900, type: 'Organization' }]
  ])
  readonly teams = new Map<string, number>([
    ['acme/platform', 201],
    ['acme/sre', 202]
  ])
  /** `METHOD /route` → status to fail with, for error-path tests. */
  readonly failures = new Map<string, number>()
  resolveErrors = false
  private nextId = 1000

  environment(name: string, settings: Partial<FakeEnvironment> = {}): FakeEnvironment {
    const env = {
      waitTimer: 0,
      preventSelfReview: false,
      reviewers: [],
      branchPolicy: null,
      policies: [],
      ...settings
    }
    this.environments.set(name, env)
    return env
  }

  get mutations(): Recorded[] {
    return this.requests.filter(r => !r.route.startsWith('GET '))
  }

  request(route: string, parameters: Record<string, unknown> = {}) {
    this.requests.push({ route, parameters })
    const failure = this.failures.get(route)
    try {
      if (failure !== undefined) throw new HttpError(failure)
      return Promise.resolve(this.answer(route, parameters))
    } catch (error) {
      if (!(error instanceof HttpError)) throw error
      if (this.resolveErrors) {
        return Promise.resolve({ status: error.status, data: { message: 'Not Found' } })
      }
      return Promise.reject(error)
    }
  }

  private answer(route: string, p: Record<string, unknown>): { status: number; data: unknown } {
    switch (route) {
      case 'GET /users/{username}':
        return this.user(p.username as string)
      case 'GET /orgs/{org}/teams/{team_slug}':
        return this.team(`${p.org as string}/${p.team_slug as string}`)
      case 'GET /repos/{owner}/{repo}/environments':
        return this.list(p)
      case `GET ${P}`:
        return { status: 200, data: this.json(p.environment_name as string) }
      case `PUT ${P}`:
        return this.put(p)
      case `GET ${P}/deployment-branch-policies`:
        return this.policies(p)
      case `POST ${P}/deployment-branch-policies`:
        return this.addPolicy(p)
      case `DELETE ${P}/deployment-branch-policies/{branch_policy_id}`:
        return this.deletePolicy(p)
      default:
        throw new Error(`The fake does not answer ${route}`)
    }
  }

  private find(name: string): FakeEnvironment {
    const env = this.environments.get(name)
    if (env === undefined) throw new HttpError(404)
    return env
  }

  private user(login: string) {
    const user = this.users.get(login.toLowerCase())
    if (user === undefined) throw new HttpError(404)
    return { status: 200, data: { login, ...user } }
  }

  private team(name: string) {
    const id = this.teams.get(name.toLowerCase())
    if (id === undefined) throw new HttpError(404)
    const [org, slug] = name.split('/')
    return { status: 200, data: { id, slug, organization: { login: org } } }
  }

  private page<T>(items: T[], p: Record<string, unknown>): T[] {
    const size = (p.per_page as number | undefined) ?? 30
    const page = (p.page as number | undefined) ?? 1
    return items.slice((page - 1) * size, page * size)
  }

  private list(p: Record<string, unknown>) {
    const names = [...this.environments.keys()].sort()
    const environments = this.page(names, p).map(name => this.json(name))
    return { status: 200, data: { total_count: names.length, environments } }
  }

  private reviewerJson(reviewer: { type: 'User' | 'Team'; id: number }) {
    if (reviewer.type === 'User') {
      const login = [...this.users].find(([, user]) => user.id === reviewer.id)?.[0] ?? 'ghost'
      return { type: 'User', reviewer: { id: reviewer.id, login } }
    }
    const name = [...this.teams].find(([, id]) => id === reviewer.id)?.[0] ?? 'acme/ghost'
    const [org, slug] = name.split('/')
    // Without `organization`, as GitHub's reviewer objects may come: the org is in the url.
    return {
      type: 'Team',
      reviewer: { id: reviewer.id, slug, url: `https://x/orgs/${org}/teams/${slug}` }
    }
  }

  private json(name: string) {
    const env = this.find(name)
    const rules: Record<string, unknown>[] = []
    if (env.waitTimer > 0) rules.push({ id: 1, type: 'wait_timer', wait_timer: env.waitTimer })
    if (env.reviewers.length > 0) {
      rules.push({
        id: 2,
        type: 'required_reviewers',
        prevent_self_review: env.preventSelfReview,
        reviewers: env.reviewers.map(r => this.reviewerJson(r))
      })
    }
    if (env.branchPolicy !== null) rules.push({ id: 3, type: 'branch_policy' })
    return { id: 1, name, protection_rules: rules, deployment_branch_policy: env.branchPolicy }
  }

  private put(p: Record<string, unknown>) {
    const name = p.environment_name as string
    const env = this.environments.get(name) ?? this.environment(name)
    if (typeof p.wait_timer === 'number') env.waitTimer = p.wait_timer
    if (typeof p.prevent_self_review === 'boolean') env.preventSelfReview = p.prevent_self_review
    if (Array.isArray(p.reviewers)) env.reviewers = p.reviewers as FakeEnvironment['reviewers']
    if (p.deployment_branch_policy !== undefined) {
      env.branchPolicy = p.deployment_branch_policy as FakeEnvironment['branchPolicy']
      if (env.branchPolicy?.custom_branch_policies !== true) env.policies = []
    }
    return { status: 200, data: this.json(name) }
  }

  private custom(name: string): FakeEnvironment {
    const env = this.find(name)
    if (env.branchPolicy?.custom_branch_policies !== true) throw new HttpError(404)
    return env
  }

  private policies(p: Record<string, unknown>) {
    const env = this.custom(p.environment_name as string)
    const branch_policies = this.page(env.policies, p)
    return { status: 200, data: { total_count: env.policies.length, branch_policies } }
  }

  private addPolicy(p: Record<string, unknown>) {
    const env = this.custom(p.environment_name as string)
    const type = (p.type as 'branch' | 'tag' | undefined) ?? 'branch'
    if (env.policies.some(x => x.name === p.name && (x.type ?? 'branch') === type)) {
      throw new HttpError(303)
    }
    const policy = { id: this.nextId++, name: p.name as string, type }
    env.policies.push(policy)
    return { status: 200, data: policy }
  }

  private deletePolicy(p: Record<string, unknown>) {
    const env = this.custom(p.environment_name as string)
    const before = env.policies.length
    env.policies = env.policies.filter(x => x.id !== p.branch_policy_id)
    if (env.policies.length === before) throw new HttpError(404)
    return { status: 204, data: undefined }
  }
}

import type { GitHubRequest, SimClock } from '../contract.js'
import { Directory, stableId } from './directory.js'
import { RefTable } from './refs.js'

export { stableId } from './directory.js'

/** The in-memory GitHub: records as GitHub stores them, rendered per request by each route. */

export interface DeploymentStatusRecord {
  id: number
  state: string
  description: string
  environment: string
  logUrl: string
  targetUrl: string
  environmentUrl: string
  createdAt: number
}

export interface DeploymentRecord {
  id: number
  sha: string
  ref: string
  task: string
  payload: unknown
  environment: string
  description: string | null
  transientEnvironment: boolean
  productionEnvironment: boolean
  createdAt: number
  updatedAt: number
  /** Oldest first; the API lists them newest first. */
  statuses: DeploymentStatusRecord[]
}

export interface AnnotationRecord {
  path: string
  start_line: number
  end_line: number
  start_column: number | null
  end_column: number | null
  annotation_level: 'notice' | 'warning' | 'failure'
  title: string | null
  message: string
  raw_details: string | null
}

export interface CheckRunRecord {
  id: number
  name: string
  headSha: string
  externalId: string
  detailsUrl: string | null
  status: string
  conclusion: string | null
  startedAt: number
  completedAt: number | null
  output: { title: string | null; summary: string | null; text: string | null }
  annotations: AnnotationRecord[]
  checkSuiteId: number
}

export interface Reviewer {
  type: 'User' | 'Team'
  id: number
}

export interface BranchPolicyRecord {
  id: number
  name: string
  type: 'branch' | 'tag'
}

export interface EnvironmentRecord {
  id: number
  name: string
  createdAt: number
  updatedAt: number
  waitTimer: number
  preventSelfReview: boolean
  reviewers: Reviewer[]
  branchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null
  branchPolicies: BranchPolicyRecord[]
  /** Protection rules keep their ids across updates, as on GitHub. */
  ruleIds: Record<string, number>
}

/** An environment a run waits on (`GET .../actions/runs/{id}/pending_deployments`). */
export interface PendingDeploymentRecord {
  environment: string
  /** Minutes. */
  waitTimer: number
  waitTimerStartedAt: number
  reviewers: Reviewer[]
  currentUserCanApprove: boolean
}

/** A workflow run the world declared (the sim runs no workflows itself). */
export interface WorkflowRunRecord {
  id: number
  name: string
  runNumber: number
  headSha: string
  headBranch: string
  event: string
  actor: string
  createdAt: number
  updatedAt: number
  /** By environment name, in the order they started waiting; the run waits while any does. */
  pending: Map<string, PendingDeploymentRecord>
}

export interface RepoState {
  owner: string
  name: string
  id: number
  refs: RefTable
  deployments: DeploymentRecord[]
  checkRuns: CheckRunRecord[]
  environments: Map<string, EnvironmentRecord>
  runs: Map<number, WorkflowRunRecord>
}

export interface World {
  clock: SimClock
  nextId(): number
  repo(owner: string, name: string): RepoState
  repos(): RepoState[]
  /** The users and teams that exist (all of them, until the world declares its own). */
  directory: Directory
  reset(): void
}

export function createWorld(clock: SimClock): World {
  let id = 0
  const repos = new Map<string, RepoState>()
  return {
    clock,
    nextId: () => ++id,
    repo(owner, name) {
      // GitHub names are case-insensitive; the first spelling seen is kept for URLs.
      const key = `${owner}/${name}`.toLowerCase()
      let repo = repos.get(key)
      if (!repo) {
        repo = {
          owner,
          name,
          id: stableId(key),
          refs: new RefTable(key, () => clock.now()),
          deployments: [],
          checkRuns: [],
          environments: new Map(),
          runs: new Map()
        }
        repos.set(key, repo)
      }
      return repo
    },
    repos: () => [...repos.values()],
    directory: new Directory(),
    reset() {
      repos.clear()
      this.directory.reset()
    }
  }
}

/** What `GET /_sim/state` shows of GitHub. */
export function dumpWorld(world: World): unknown {
  return {
    ...world.directory.dump(),
    repositories: world.repos().map(repo => ({
      fullName: `${repo.owner}/${repo.name}`,
      branches: repo.refs.heads(),
      deployments: repo.deployments,
      checkRuns: repo.checkRuns,
      environments: [...repo.environments.values()],
      runs: [...repo.runs.values()].map(run => ({ ...run, pending: [...run.pending.values()] }))
    }))
  }
}

export interface BaseContext {
  request: GitHubRequest
  params: Record<string, string>
  world: World
}

export interface RouteContext extends BaseContext {
  repo: RepoState
  /** `${baseUrl}/repos/{owner}/{repo}` for the url fields. */
  apiBase: string
  /** `https://github.com/{owner}/{repo}` for the html_url fields. */
  htmlBase: string
}

export function userJson(baseUrl: string, login: string, id: number, type = 'User') {
  return {
    login,
    id,
    node_id: Buffer.from(`04:${type}${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `${baseUrl}/users/${encodeURIComponent(login)}`,
    html_url: `https://github.com/${login}`,
    type,
    site_admin: false
  }
}

/** Who the token belongs to: in Actions, GITHUB_TOKEN acts as github-actions[bot]. */
export const actor = (baseUrl: string) => userJson(baseUrl, 'github-actions[bot]', 41898282, 'Bot')

export const githubActionsApp = {
  id: 15368,
  slug: 'github-actions',
  node_id: 'MDM6QXBwMTUzNjg=',
  name: 'GitHub Actions',
  description: 'Automate your workflow from idea to production',
  external_url: 'https://help.github.com/en/actions',
  html_url: 'https://github.com/apps/github-actions',
  owner: { login: 'github', id: 9919, type: 'Organization' },
  created_at: '2018-07-30T09:30:17Z',
  updated_at: '2019-12-10T19:04:12Z',
  permissions: { checks: 'write', deployments: 'write', statuses: 'write' },
  events: []
}

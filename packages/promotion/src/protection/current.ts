import type { GitHubClient, RepositoryRef } from '../github/client.js'
import { listAll, requestExpecting } from '../github/requests.js'
import type { BranchMode, BranchPolicy, CurrentEnvironment, Reviewer } from './types.js'

/*
 * The repository's environments as GitHub reports them (GET environment: `protection_rules`
 * and `deployment_branch_policy`; the branch-policies list for the patterns). Bodies are read
 * defensively: a rule or field GitHub adds later is ignored, not a crash.
 */

type Json = Record<string, unknown>

const ENVIRONMENT = 'GET /repos/{owner}/{repo}/environments/{environment_name}'
const BRANCH_POLICIES =
  'GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies'

const asObject = (value: unknown): Json =>
  typeof value === 'object' && value !== null ? (value as Json) : {}
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : [])
const asString = (value: unknown): string => (typeof value === 'string' ? value : '')

/** `org/slug` from a team's `organization.login`, or from its API url when that is absent. */
function teamName(team: Json): string {
  const slug = asString(team.slug)
  const org = asString(asObject(team.organization).login)
  if (org !== '') return `${org}/${slug}`
  const fromUrl = /\/orgs\/([^/]+)\/teams\/[^/]+$/.exec(asString(team.url))?.[1]
  return fromUrl === undefined ? slug : `${decodeURIComponent(fromUrl)}/${slug}`
}

function reviewerOf(item: unknown): Reviewer | undefined {
  const entry = asObject(item)
  const reviewer = asObject(entry.reviewer)
  if (typeof reviewer.id !== 'number') return undefined
  if (entry.type === 'User')
    return { type: 'User', id: reviewer.id, name: asString(reviewer.login) }
  if (entry.type === 'Team') return { type: 'Team', id: reviewer.id, name: teamName(reviewer) }
  return undefined
}

function branchModeOf(policy: unknown): BranchMode {
  if (policy === null || policy === undefined) return 'all'
  const { protected_branches: protectedBranches, custom_branch_policies: custom } = asObject(policy)
  if (custom === true) return 'custom'
  return protectedBranches === true ? 'protected' : 'all'
}

/** The settings in a GET environment body; patterns are read separately. */
export function environmentStateOf(body: unknown): CurrentEnvironment {
  const data = asObject(body)
  const rules = asList(data.protection_rules).map(asObject)
  const waitRule = rules.find(rule => rule.type === 'wait_timer')
  const reviewRule = rules.find(rule => rule.type === 'required_reviewers')
  return {
    waitTimer: typeof waitRule?.wait_timer === 'number' ? waitRule.wait_timer : 0,
    reviewers: asList(reviewRule?.reviewers)
      .map(reviewerOf)
      .filter((reviewer): reviewer is Reviewer => reviewer !== undefined),
    preventSelfReview: reviewRule?.prevent_self_review === true,
    branchMode: branchModeOf(data.deployment_branch_policy),
    patterns: []
  }
}

function policyOf(item: unknown): BranchPolicy | undefined {
  const policy = asObject(item)
  if (typeof policy.id !== 'number' || typeof policy.name !== 'string') return undefined
  // Policies created before tag policies existed have no type: they are branch patterns.
  return { id: policy.id, name: policy.name, type: policy.type === 'tag' ? 'tag' : 'branch' }
}

/** One environment's current protection, or undefined when the repository does not have it. */
export async function readEnvironment(
  github: GitHubClient,
  repo: RepositoryRef,
  name: string
): Promise<CurrentEnvironment | undefined> {
  const parameters = { owner: repo.owner, repo: repo.repo, environment_name: name }
  const answer = await requestExpecting(github, ENVIRONMENT, parameters, [404])
  if (answer === undefined) return undefined
  const state = environmentStateOf(answer.data)
  // GitHub only lists patterns while custom policies are on (404 otherwise).
  if (state.branchMode === 'custom') {
    const items = await listAll(github, BRANCH_POLICIES, parameters, 'branch_policies')
    state.patterns = items
      .map(policyOf)
      .filter((policy): policy is BranchPolicy => policy !== undefined)
  }
  return state
}

/** The names of every environment of the repository. */
export async function listEnvironmentNames(
  github: GitHubClient,
  repo: RepositoryRef
): Promise<string[]> {
  const items = await listAll(
    github,
    'GET /repos/{owner}/{repo}/environments',
    { owner: repo.owner, repo: repo.repo },
    'environments'
  )
  return items.map(item => asString(asObject(item).name)).filter(name => name !== '')
}

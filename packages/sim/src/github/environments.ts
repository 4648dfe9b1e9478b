import type { GitHubResponse } from '../contract.js'
import { Fields, objectBody } from './body.js'
import { paginate } from './pagination.js'
import { DOCS, isoTime, nodeId, notFound, validationFailed } from './responses.js'
import { userJson } from './state.js'
import type { EnvironmentRecord, Reviewer, RouteContext } from './state.js'

const MAX_REVIEWERS = 6
const MAX_WAIT_MINUTES = 43200

export function reviewerJson(ctx: RouteContext, reviewer: Reviewer) {
  const base = ctx.request.baseUrl
  if (reviewer.type === 'User') {
    const login = ctx.world.directory.userById(reviewer.id)?.login ?? `user-${reviewer.id}`
    return { type: 'User', reviewer: userJson(base, login, reviewer.id) }
  }
  const team = ctx.world.directory.teamById(reviewer.id) ?? {
    org: ctx.repo.owner,
    slug: `team-${reviewer.id}`,
    name: `team-${reviewer.id}`
  }
  return {
    type: 'Team',
    reviewer: {
      id: reviewer.id,
      node_id: nodeId('T', reviewer.id),
      name: team.name,
      slug: team.slug,
      url: `${base}/orgs/${team.org}/teams/${team.slug}`,
      html_url: `https://github.com/orgs/${team.org}/teams/${team.slug}`,
      privacy: 'closed',
      permission: 'pull'
    }
  }
}

function ruleId(ctx: RouteContext, env: EnvironmentRecord, type: string): number {
  env.ruleIds[type] ??= ctx.world.nextId()
  return env.ruleIds[type]
}

function environmentJson(ctx: RouteContext, env: EnvironmentRecord) {
  const rules: Record<string, unknown>[] = []
  if (env.waitTimer > 0) {
    const id = ruleId(ctx, env, 'wait_timer')
    rules.push({ id, node_id: nodeId('GA', id), type: 'wait_timer', wait_timer: env.waitTimer })
  }
  if (env.reviewers.length > 0) {
    const id = ruleId(ctx, env, 'required_reviewers')
    rules.push({
      id,
      node_id: nodeId('GA', id),
      prevent_self_review: env.preventSelfReview,
      type: 'required_reviewers',
      reviewers: env.reviewers.map(r => reviewerJson(ctx, r))
    })
  }
  if (env.branchPolicy !== null) {
    const id = ruleId(ctx, env, 'branch_policy')
    rules.push({ id, node_id: nodeId('GA', id), type: 'branch_policy' })
  }
  return {
    id: env.id,
    node_id: nodeId('EN', env.id),
    name: env.name,
    url: `${ctx.apiBase}/environments/${encodeURIComponent(env.name)}`,
    html_url: `${ctx.htmlBase}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
    created_at: isoTime(env.createdAt),
    updated_at: isoTime(env.updatedAt),
    protection_rules: rules,
    deployment_branch_policy: env.branchPolicy
  }
}

/** Deploying to an environment that does not exist yet creates it, as on GitHub. */
export function ensureEnvironment(ctx: RouteContext, name: string): EnvironmentRecord {
  let env = ctx.repo.environments.get(name)
  if (!env) {
    const now = ctx.world.clock.now()
    env = {
      id: ctx.world.nextId(),
      name,
      createdAt: now,
      updatedAt: now,
      waitTimer: 0,
      preventSelfReview: false,
      reviewers: [],
      branchPolicy: null,
      branchPolicies: [],
      ruleIds: {}
    }
    ctx.repo.environments.set(name, env)
  }
  return env
}

function findEnvironment(ctx: RouteContext): EnvironmentRecord {
  const env = ctx.repo.environments.get(ctx.params.name as string)
  if (!env) throw notFound()
  return env
}

export function listEnvironments(ctx: RouteContext): GitHubResponse {
  const all = [...ctx.repo.environments.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
  const page = paginate(ctx.request, all)
  return {
    status: 200,
    body: { total_count: all.length, environments: page.items.map(e => environmentJson(ctx, e)) },
    headers: page.headers
  }
}

export function getEnvironment(ctx: RouteContext): GitHubResponse {
  return { status: 200, body: environmentJson(ctx, findEnvironment(ctx)) }
}

function reviewers(ctx: RouteContext, fields: Fields): Reviewer[] | undefined {
  const raw = fields.raw('reviewers')
  if (raw === undefined) return undefined
  if (raw === null) return []
  const invalid = (message: string) =>
    validationFailed({ resource: 'Environment', field: 'reviewers', code: 'invalid', message })
  if (!Array.isArray(raw)) throw invalid('reviewers must be an array')
  if (raw.length > MAX_REVIEWERS) throw invalid(`Only ${MAX_REVIEWERS} reviewers are allowed.`)
  return raw.map((item: unknown) => {
    const f = new Fields(objectBody(item, false), 'Environment')
    const type = f.oneOf('type', ['User', 'Team'] as const, true) as Reviewer['type']
    const id = f.integer('id', 1, Number.MAX_SAFE_INTEGER)
    if (id === undefined) throw f.missing('id')
    // Only once the world declared its users (or teams) can an id be unknown.
    if (!ctx.world.directory.isReviewer(type, id)) {
      throw invalid(`${type} with id ${id} does not exist or cannot review in this repository.`)
    }
    return { type, id }
  })
}

function branchPolicy(fields: Fields): EnvironmentRecord['branchPolicy'] | undefined {
  const raw = fields.raw('deployment_branch_policy')
  if (raw === undefined || raw === null) return raw === null ? null : undefined
  const f = new Fields(objectBody(raw, false), 'Environment')
  const protectedBranches = f.boolean('protected_branches')
  if (protectedBranches === undefined) throw f.missing('protected_branches')
  const custom = f.boolean('custom_branch_policies')
  if (custom === undefined) throw f.missing('custom_branch_policies')
  if (protectedBranches === custom) {
    throw validationFailed({
      resource: 'Environment',
      field: 'deployment_branch_policy',
      code: 'custom',
      message: 'Exactly one of protected_branches and custom_branch_policies must be true.'
    })
  }
  return { protected_branches: protectedBranches, custom_branch_policies: custom }
}

/**
 * Create or update. Members left out of the body keep their current value; `null` clears
 * reviewers or the branch policy.
 */
export function putEnvironment(ctx: RouteContext): GitHubResponse {
  const name = ctx.params.name as string
  if (name.length === 0 || name.length > 255 || [...name].some(c => c.charCodeAt(0) < 0x20)) {
    throw validationFailed({ resource: 'Environment', field: 'name', code: 'invalid', value: name })
  }
  const fields = new Fields(objectBody(ctx.request.body), 'Environment')
  const waitTimer = fields.integer('wait_timer', 0, MAX_WAIT_MINUTES)
  const preventSelfReview = fields.boolean('prevent_self_review')
  const newReviewers = reviewers(ctx, fields)
  const policy = branchPolicy(fields)

  const now = ctx.world.clock.now()
  const env = ensureEnvironment(ctx, name)
  env.updatedAt = now
  env.waitTimer = waitTimer ?? env.waitTimer
  env.preventSelfReview = preventSelfReview ?? env.preventSelfReview
  env.reviewers = newReviewers ?? env.reviewers
  if (policy !== undefined) {
    env.branchPolicy = policy
    // Custom patterns only exist while custom branch policies are on.
    if (policy?.custom_branch_policies !== true) env.branchPolicies = []
  }
  return { status: 200, body: environmentJson(ctx, env) }
}

export function deleteEnvironment(ctx: RouteContext): GitHubResponse {
  ctx.repo.environments.delete(findEnvironment(ctx).name)
  return { status: 204 }
}

function customPolicyEnvironment(ctx: RouteContext): EnvironmentRecord {
  const env = findEnvironment(ctx)
  if (env.branchPolicy?.custom_branch_policies !== true) throw notFound()
  return env
}

const policyJson = (p: { id: number; name: string; type: string }) => ({
  id: p.id,
  node_id: nodeId('MDE2OkdhdGVCcmFuY2hQb2xpY3k', p.id),
  name: p.name,
  type: p.type
})

export function listBranchPolicies(ctx: RouteContext): GitHubResponse {
  const env = customPolicyEnvironment(ctx)
  const page = paginate(ctx.request, env.branchPolicies)
  return {
    status: 200,
    body: { total_count: env.branchPolicies.length, branch_policies: page.items.map(policyJson) },
    headers: page.headers
  }
}

function policyUrl(ctx: RouteContext, env: EnvironmentRecord, id: number): string {
  return `${ctx.apiBase}/environments/${encodeURIComponent(env.name)}/deployment-branch-policies/${id}`
}

export function createBranchPolicy(ctx: RouteContext): GitHubResponse {
  const env = customPolicyEnvironment(ctx)
  const fields = new Fields(objectBody(ctx.request.body), 'DeploymentBranchPolicy')
  const name = fields.string('name', { required: true }) as string
  const type = fields.oneOf('type', ['branch', 'tag'] as const) ?? 'branch'
  const existing = env.branchPolicies.find(p => p.name === name && p.type === type)
  if (existing) {
    // GitHub answers a duplicate pattern with "See Other" pointing at the existing policy.
    return {
      status: 303,
      body: { message: 'See Other', documentation_url: DOCS },
      headers: { location: policyUrl(ctx, env, existing.id) }
    }
  }
  const policy = { id: ctx.world.nextId(), name, type }
  env.branchPolicies.push(policy)
  return { status: 200, body: policyJson(policy) }
}

function findPolicy(ctx: RouteContext) {
  const env = customPolicyEnvironment(ctx)
  const policy = env.branchPolicies.find(p => p.id === Number(ctx.params.policyId))
  if (!policy) throw notFound()
  return { env, policy }
}

export function getBranchPolicy(ctx: RouteContext): GitHubResponse {
  return { status: 200, body: policyJson(findPolicy(ctx).policy) }
}

export function updateBranchPolicy(ctx: RouteContext): GitHubResponse {
  const { policy } = findPolicy(ctx)
  const fields = new Fields(objectBody(ctx.request.body), 'DeploymentBranchPolicy')
  policy.name = fields.string('name', { required: true }) as string
  return { status: 200, body: policyJson(policy) }
}

export function deleteBranchPolicy(ctx: RouteContext): GitHubResponse {
  const { env, policy } = findPolicy(ctx)
  env.branchPolicies = env.branchPolicies.filter(p => p !== policy)
  return { status: 204 }
}

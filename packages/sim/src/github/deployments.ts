import type { GitHubResponse } from '../contract.js'
import { Fields, objectBody } from './body.js'
import { ensureEnvironment } from './environments.js'
import { paginate } from './pagination.js'
import { isValidRefName } from './refs.js'
import { isoTime, nodeId, notFound, unprocessable, validationFailed } from './responses.js'
import { actor } from './state.js'
import type { DeploymentRecord, DeploymentStatusRecord, RouteContext } from './state.js'

const STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success'
] as const

function deploymentJson(ctx: RouteContext, d: DeploymentRecord) {
  const url = `${ctx.apiBase}/deployments/${d.id}`
  return {
    url,
    id: d.id,
    node_id: nodeId('DE', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: actor(ctx.request.baseUrl),
    created_at: isoTime(d.createdAt),
    updated_at: isoTime(d.updatedAt),
    statuses_url: `${url}/statuses`,
    repository_url: ctx.apiBase,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
    performed_via_github_app: null
  }
}

function statusJson(ctx: RouteContext, d: DeploymentRecord, s: DeploymentStatusRecord) {
  const deploymentUrl = `${ctx.apiBase}/deployments/${d.id}`
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DES', s.id),
    state: s.state,
    creator: actor(ctx.request.baseUrl),
    description: s.description,
    environment: s.environment,
    target_url: s.targetUrl,
    created_at: isoTime(s.createdAt),
    updated_at: isoTime(s.createdAt),
    deployment_url: deploymentUrl,
    repository_url: ctx.apiBase,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
    performed_via_github_app: null
  }
}

function findDeployment(ctx: RouteContext): DeploymentRecord {
  const id = Number(ctx.params.id)
  const found = ctx.repo.deployments.find(d => d.id === id)
  if (!found) throw notFound()
  return found
}

/** Payload may be an object or a JSON string of one; GitHub stores and returns the object. */
function payloadOf(fields: Fields): unknown {
  const raw = fields.raw('payload')
  if (raw === undefined || raw === null || raw === '') return {}
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw)
      if (parsed !== null && typeof parsed === 'object') return parsed
    } catch {
      // Not JSON: GitHub keeps it as the string it was given.
    }
    return raw
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw validationFailed({ resource: 'Deployment', field: 'payload', code: 'invalid' })
  }
  return raw
}

export function createDeployment(ctx: RouteContext): GitHubResponse {
  const fields = new Fields(objectBody(ctx.request.body), 'Deployment')
  const ref = fields.string('ref', { required: true }) as string
  const task = fields.string('task') ?? 'deploy'
  fields.boolean('auto_merge')
  fields.stringArray('required_contexts')
  const payload = payloadOf(fields)
  const environment = fields.string('environment') ?? 'production'
  const description = fields.string('description', { nullable: true })
  const transient = fields.boolean('transient_environment') ?? false
  const production = fields.boolean('production_environment') ?? environment === 'production'
  if (!isValidRefName(ref)) throw unprocessable(`No ref found for: ${ref}`)
  if (description !== undefined && description.length > 140) {
    throw validationFailed({
      resource: 'Deployment',
      field: 'description',
      code: 'custom',
      message: 'description is too long (maximum is 140 characters)'
    })
  }
  const now = ctx.world.clock.now()
  const deployment: DeploymentRecord = {
    id: ctx.world.nextId(),
    sha: ctx.repo.refs.resolve(ref),
    ref,
    task,
    payload,
    environment,
    description: fields.raw('description') === null ? null : (description ?? ''),
    transientEnvironment: transient,
    productionEnvironment: production,
    createdAt: now,
    updatedAt: now,
    statuses: []
  }
  ctx.repo.deployments.push(deployment)
  ensureEnvironment(ctx, environment)
  return { status: 201, body: deploymentJson(ctx, deployment) }
}

export function listDeployments(ctx: RouteContext): GitHubResponse {
  const q = ctx.request.query
  const filters: [string, (d: DeploymentRecord) => string][] = [
    ['sha', d => d.sha],
    ['ref', d => d.ref],
    ['task', d => d.task],
    ['environment', d => d.environment]
  ]
  const matching = ctx.repo.deployments
    .filter(d =>
      filters.every(([name, get]) => {
        const wanted = q.get(name)
        return wanted === null || wanted === '' || get(d) === wanted
      })
    )
    .reverse()
  const page = paginate(ctx.request, matching)
  return { status: 200, body: page.items.map(d => deploymentJson(ctx, d)), headers: page.headers }
}

export function getDeployment(ctx: RouteContext): GitHubResponse {
  return { status: 200, body: deploymentJson(ctx, findDeployment(ctx)) }
}

export function deleteDeployment(ctx: RouteContext): GitHubResponse {
  const deployment = findDeployment(ctx)
  const sameEnvironment = ctx.repo.deployments.filter(d => d.environment === deployment.environment)
  const latest = deployment.statuses.at(-1)?.state
  if (latest !== 'inactive' && sameEnvironment.length > 1) {
    throw unprocessable(
      'We cannot delete an active deployment unless it is the only deployment in a given environment.'
    )
  }
  ctx.repo.deployments = ctx.repo.deployments.filter(d => d !== deployment)
  return { status: 204 }
}

export function createDeploymentStatus(ctx: RouteContext): GitHubResponse {
  const deployment = findDeployment(ctx)
  const fields = new Fields(objectBody(ctx.request.body), 'DeploymentStatus')
  const state = fields.oneOf('state', STATES, true) as string
  const logUrl = fields.string('log_url') ?? fields.string('target_url') ?? ''
  const description = fields.string('description') ?? ''
  const environmentUrl = fields.string('environment_url') ?? ''
  const autoInactive = fields.boolean('auto_inactive') ?? true
  const environment =
    fields.string('environment') ??
    deployment.statuses.at(-1)?.environment ??
    deployment.environment
  if (description.length > 140) {
    throw validationFailed({
      resource: 'DeploymentStatus',
      field: 'description',
      code: 'custom',
      message: 'description is too long (maximum is 140 characters)'
    })
  }
  const status = addStatus(ctx, deployment, {
    state,
    description,
    environment,
    logUrl,
    targetUrl: logUrl,
    environmentUrl
  })
  if (state === 'success' && autoInactive) {
    // GitHub marks earlier successful, non-transient, non-production deployments of the same
    // environment inactive (the `auto_inactive` rule of the REST reference).
    for (const other of ctx.repo.deployments) {
      const latest = other.statuses.at(-1)
      if (
        other.id < deployment.id &&
        other.environment === deployment.environment &&
        !other.transientEnvironment &&
        !other.productionEnvironment &&
        latest?.state === 'success'
      ) {
        addStatus(ctx, other, {
          state: 'inactive',
          description: '',
          environment: latest.environment,
          logUrl: '',
          targetUrl: '',
          environmentUrl: ''
        })
      }
    }
  }
  return { status: 201, body: statusJson(ctx, deployment, status) }
}

function addStatus(
  ctx: RouteContext,
  deployment: DeploymentRecord,
  fields: Omit<DeploymentStatusRecord, 'id' | 'createdAt'>
): DeploymentStatusRecord {
  const now = ctx.world.clock.now()
  const status = { id: ctx.world.nextId(), createdAt: now, ...fields }
  deployment.statuses.push(status)
  deployment.updatedAt = now
  return status
}

export function listDeploymentStatuses(ctx: RouteContext): GitHubResponse {
  const deployment = findDeployment(ctx)
  const page = paginate(ctx.request, [...deployment.statuses].reverse())
  return {
    status: 200,
    body: page.items.map(s => statusJson(ctx, deployment, s)),
    headers: page.headers
  }
}

export function getDeploymentStatus(ctx: RouteContext): GitHubResponse {
  const deployment = findDeployment(ctx)
  const status = deployment.statuses.find(s => s.id === Number(ctx.params.statusId))
  if (!status) throw notFound()
  return { status: 200, body: statusJson(ctx, deployment, status) }
}

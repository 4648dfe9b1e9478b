import type { GitHubResponse } from '../contract.js'
import { Fields, objectBody } from './body.js'
import { paginate } from './pagination.js'
import { isFullSha, isValidRefName } from './refs.js'
import { isoTime, nodeId, notFound, unprocessable, validationFailed } from './responses.js'
import { githubActionsApp } from './state.js'
import type { AnnotationRecord, CheckRunRecord, RouteContext } from './state.js'

const STATUSES = ['queued', 'in_progress', 'completed'] as const
const CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out'
] as const
const LEVELS = ['notice', 'warning', 'failure'] as const
const MAX_ANNOTATIONS_PER_REQUEST = 50
const MAX_TEXT = 65535

function checkRunJson(ctx: RouteContext, run: CheckRunRecord) {
  const url = `${ctx.apiBase}/check-runs/${run.id}`
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('CR', run.id),
    head_sha: run.headSha,
    external_id: run.externalId,
    url,
    html_url: `${ctx.htmlBase}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${ctx.htmlBase}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: isoTime(run.startedAt),
    completed_at: run.completedAt === null ? null : isoTime(run.completedAt),
    output: {
      ...run.output,
      annotations_count: run.annotations.length,
      annotations_url: `${url}/annotations`
    },
    check_suite: { id: run.checkSuiteId },
    app: githubActionsApp,
    pull_requests: []
  }
}

function timestamp(fields: Fields, name: string): number | undefined {
  const value = fields.string(name)
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    throw validationFailed({ resource: 'CheckRun', field: name, code: 'invalid', value })
  }
  return ms
}

function annotation(raw: unknown, index: number): AnnotationRecord {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw validationFailed({
      resource: 'CheckRun',
      field: `annotations[${index}]`,
      code: 'invalid'
    })
  }
  const f = new Fields(raw as Record<string, unknown>, 'CheckRun')
  const path = f.string('path', { required: true }) as string
  const startLine = f.integer('start_line', 1, Number.MAX_SAFE_INTEGER)
  if (startLine === undefined) throw f.missing('start_line')
  const endLine = f.integer('end_line', 1, Number.MAX_SAFE_INTEGER)
  if (endLine === undefined) throw f.missing('end_line')
  const level = f.oneOf('annotation_level', LEVELS, true) as AnnotationRecord['annotation_level']
  const message = f.string('message', { required: true }) as string
  const title = f.string('title') ?? null
  const rawDetails = f.string('raw_details') ?? null
  const startColumn = f.integer('start_column', 1, Number.MAX_SAFE_INTEGER) ?? null
  const endColumn = f.integer('end_column', 1, Number.MAX_SAFE_INTEGER) ?? null
  const invalid = (field: string, message: string) =>
    validationFailed({ resource: 'CheckRun', field, code: 'custom', message })
  if (endLine < startLine) throw invalid('end_line', 'end_line must not be before start_line')
  if ((startColumn !== null || endColumn !== null) && startLine !== endLine) {
    throw invalid(
      'start_column',
      'start_column and end_column may only be set when start_line equals end_line'
    )
  }
  if (Buffer.byteLength(message) > 65536) throw invalid('message', 'message is too long (64 KB)')
  if (title !== null && title.length > 255) throw invalid('title', 'title is too long (255)')
  return {
    path,
    start_line: startLine,
    end_line: endLine,
    start_column: startColumn,
    end_column: endColumn,
    annotation_level: level,
    title,
    message,
    raw_details: rawDetails
  }
}

interface OutputInput {
  title?: string
  summary: string
  text?: string
  annotations: AnnotationRecord[]
}

function output(fields: Fields, creating: boolean): OutputInput | undefined {
  const raw = fields.raw('output')
  if (raw === undefined) return undefined
  const f = new Fields(objectBody(raw, false), 'CheckRun')
  const title = f.string('title', { required: creating })
  const summary = f.string('summary', { required: true }) as string
  const text = f.string('text')
  if (summary.length > MAX_TEXT || (text ?? '').length > MAX_TEXT) {
    throw validationFailed({
      resource: 'CheckRun',
      field: summary.length > MAX_TEXT ? 'summary' : 'text',
      code: 'custom',
      message: `Only ${MAX_TEXT} characters are allowed.`
    })
  }
  const annotations = f.raw('annotations') ?? []
  if (!Array.isArray(annotations)) {
    throw validationFailed({ resource: 'CheckRun', field: 'annotations', code: 'invalid' })
  }
  if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
    throw validationFailed({
      resource: 'CheckRun',
      field: 'annotations',
      code: 'custom',
      message: `Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request.`
    })
  }
  return { title, summary, text, annotations: annotations.map(annotation) }
}

/** The fields create and update share; validated before anything is stored. */
function common(fields: Fields, creating: boolean) {
  const actions = fields.raw('actions')
  if (actions !== undefined && (!Array.isArray(actions) || actions.length > 3)) {
    throw validationFailed({
      resource: 'CheckRun',
      field: 'actions',
      code: 'custom',
      message: 'Only 3 actions are allowed.'
    })
  }
  const conclusion = fields.oneOf('conclusion', CONCLUSIONS)
  if (conclusion === 'stale') {
    throw validationFailed({
      resource: 'CheckRun',
      field: 'conclusion',
      code: 'custom',
      message: 'stale can only be set by GitHub.'
    })
  }
  return {
    name: fields.string('name', { required: creating }),
    detailsUrl: fields.string('details_url'),
    externalId: fields.string('external_id'),
    status: fields.oneOf('status', STATUSES),
    conclusion,
    startedAt: timestamp(fields, 'started_at'),
    completedAt: timestamp(fields, 'completed_at'),
    output: output(fields, creating)
  }
}

function requireConclusion(run: { status: string; conclusion: string | null }): void {
  if (run.status === 'completed' && run.conclusion === null) {
    throw validationFailed({
      resource: 'CheckRun',
      field: 'conclusion',
      code: 'missing_field',
      message: 'conclusion is required when status is completed'
    })
  }
}

export function createCheckRun(ctx: RouteContext): GitHubResponse {
  const fields = new Fields(objectBody(ctx.request.body), 'CheckRun')
  const headSha = fields.string('head_sha', { required: true }) as string
  const input = common(fields, true)
  if (!isFullSha(headSha)) throw unprocessable(`No commit found for SHA: ${headSha}`)
  // Giving a conclusion (or completed_at) completes the run.
  const status =
    input.conclusion !== undefined || input.completedAt !== undefined
      ? 'completed'
      : (input.status ?? 'queued')
  const now = ctx.world.clock.now()
  const run: CheckRunRecord = {
    id: ctx.world.nextId(),
    name: input.name as string,
    headSha: headSha.toLowerCase(),
    externalId: input.externalId ?? '',
    detailsUrl: input.detailsUrl ?? null,
    status,
    conclusion: input.conclusion ?? null,
    startedAt: input.startedAt ?? now,
    completedAt: status === 'completed' ? (input.completedAt ?? now) : null,
    output: {
      title: input.output?.title ?? null,
      summary: input.output?.summary ?? null,
      text: input.output?.text ?? null
    },
    annotations: input.output?.annotations ?? [],
    checkSuiteId: ctx.world.nextId()
  }
  requireConclusion(run)
  ctx.repo.refs.remember(run.headSha)
  ctx.repo.checkRuns.push(run)
  return { status: 201, body: checkRunJson(ctx, run) }
}

function findRun(ctx: RouteContext): CheckRunRecord {
  const run = ctx.repo.checkRuns.find(r => r.id === Number(ctx.params.id))
  if (!run) throw notFound()
  return run
}

export function updateCheckRun(ctx: RouteContext): GitHubResponse {
  const run = findRun(ctx)
  const fields = new Fields(objectBody(ctx.request.body), 'CheckRun')
  const input = common(fields, false)
  const status =
    input.conclusion !== undefined || input.completedAt !== undefined
      ? 'completed'
      : (input.status ?? run.status)
  const conclusion = status === 'completed' ? (input.conclusion ?? run.conclusion) : null
  requireConclusion({ status, conclusion })

  const now = ctx.world.clock.now()
  run.name = input.name ?? run.name
  run.detailsUrl = input.detailsUrl ?? run.detailsUrl
  run.externalId = input.externalId ?? run.externalId
  run.startedAt = input.startedAt ?? run.startedAt
  if (status === 'completed' && run.status !== 'completed')
    run.completedAt = input.completedAt ?? now
  else if (status !== 'completed') run.completedAt = null
  run.status = status
  run.conclusion = conclusion
  if (input.output) {
    run.output = {
      title: input.output.title ?? run.output.title,
      summary: input.output.summary,
      text: input.output.text ?? run.output.text
    }
    // Annotations accumulate across updates: the way to record more than 50.
    run.annotations.push(...input.output.annotations)
  }
  return { status: 200, body: checkRunJson(ctx, run) }
}

export function getCheckRun(ctx: RouteContext): GitHubResponse {
  return { status: 200, body: checkRunJson(ctx, findRun(ctx)) }
}

export function listAnnotations(ctx: RouteContext): GitHubResponse {
  const run = findRun(ctx)
  const page = paginate(ctx.request, run.annotations)
  return {
    status: 200,
    body: page.items.map(a => ({
      ...a,
      blob_href: `${ctx.htmlBase}/blob/${run.headSha}/${a.path}`
    })),
    headers: page.headers
  }
}

export function listCheckRunsForRef(ctx: RouteContext): GitHubResponse {
  const ref = ctx.params.ref as string
  if (!isValidRefName(ref)) throw unprocessable(`No commit found for SHA: ${ref}`)
  const sha = ctx.repo.refs.resolve(ref)
  const q = ctx.request.query
  const name = q.get('check_name')
  const status = q.get('status')
  const latestOnly = q.get('filter') !== 'all'
  const seen = new Set<string>()
  const runs = ctx.repo.checkRuns
    .filter(r => r.headSha === sha)
    .filter(r => name === null || r.name === name)
    .filter(r => status === null || r.status === status)
    .reverse()
    .filter(r => {
      if (!latestOnly) return true
      if (seen.has(r.name)) return false
      seen.add(r.name)
      return true
    })
  const page = paginate(ctx.request, runs)
  return {
    status: 200,
    body: { total_count: runs.length, check_runs: page.items.map(r => checkRunJson(ctx, r)) },
    headers: page.headers
  }
}

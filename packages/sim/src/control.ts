import type { CallLog, CallFilter } from './call-log.js'
import { ImagePushError } from './contract.js'
import { githubControl } from './control-github.js'
import { FaultRuleError, type FaultInjector } from './faults.js'
import { ScenarioApplyError, ScenarioError } from './scenario.js'
import type { World } from './world.js'

/** The control API under `/_sim/`: JSON in, JSON out, never faulted, never logged. */

export interface ControlDeps {
  world: World
  calls: CallLog
  faults: FaultInjector
  /** Reset every module, the call log and the faults, then re-apply the scenario. */
  reset(): Promise<void>
  /**
   * Validate a scenario (throws ScenarioError) and apply it on top of the current world (throws
   * ScenarioApplyError).
   */
  applyScenario(body: unknown): Promise<void>
}

export interface ControlRequest {
  method: string
  /** Path after `/_sim` (`/calls`). */
  path: string
  query: URLSearchParams
  body: string
}

export interface ControlResponse {
  status: number
  body: unknown
}

const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const
type AlarmState = (typeof ALARM_STATES)[number]

const problem = (status: number, message: string): ControlResponse => ({
  status,
  body: { message }
})

function parseBody(text: string): unknown {
  if (text.trim() === '') return {}
  return JSON.parse(text) as unknown
}

function callFilter(query: URLSearchParams): CallFilter | string {
  const filter: CallFilter = {}
  const since = query.get('since')
  if (since !== null) {
    if (!/^\d+$/.test(since)) return `since must be a sequence number, got '${since}'`
    filter.since = Number(since)
  }
  const mutating = query.get('mutating')
  if (mutating !== null) {
    if (mutating !== 'true' && mutating !== 'false') {
      return `mutating must be true or false, got '${mutating}'`
    }
    filter.mutating = mutating === 'true'
  }
  filter.service = query.get('service') ?? undefined
  filter.operation = query.get('operation') ?? undefined
  return filter
}

export async function handleControl(
  req: ControlRequest,
  deps: ControlDeps
): Promise<ControlResponse> {
  let body: unknown
  try {
    body = parseBody(req.body)
  } catch {
    return problem(400, 'Problems parsing JSON')
  }
  const route = `${req.method} ${req.path}`
  switch (route) {
    case 'POST /reset':
      await deps.reset()
      return { status: 200, body: { reset: true } }
    case 'POST /scenario':
      return applyScenario(body, deps)
    case 'GET /state':
      return { status: 200, body: deps.world.dump() }
    case 'GET /clock': {
      const { clock } = deps.world
      const body = { now: clock.now(), origin: clock.origin, scale: clock.scale }
      return { status: 200, body: { ...body, virtual: clock.virtual } }
    }
    case 'GET /listeners':
      return { status: 200, body: { listeners: deps.world.elb.listeners() } }
    case 'GET /calls': {
      const filter = callFilter(req.query)
      if (typeof filter === 'string') return problem(400, filter)
      return { status: 200, body: { calls: deps.calls.list(filter) } }
    }
    case 'DELETE /calls':
      deps.calls.clear()
      return { status: 200, body: { cleared: true } }
    case 'GET /faults':
      return { status: 200, body: { faults: deps.faults.list() } }
    case 'POST /faults':
      try {
        return { status: 201, body: deps.faults.add(body) }
      } catch (error) {
        if (error instanceof FaultRuleError) return problem(400, error.message)
        throw error
      }
    case 'DELETE /faults':
      deps.faults.clear()
      return { status: 200, body: { cleared: true } }
    case 'GET /images':
      return { status: 200, body: { images: deps.world.ecr.images() } }
    case 'POST /images':
      return pushImage(body, deps.world)
    case 'POST /github':
      return githubControl('seed', body, deps.world)
    case 'POST /github/push':
      return githubControl('push', body, deps.world)
    case 'POST /github/waiting':
      return githubControl('waiting', body, deps.world)
    case 'DELETE /github/waiting':
      return githubControl('answered', body, deps.world)
  }
  const alarm = /^\/alarms\/([^/]+)$/.exec(req.path)
  if (alarm !== null) {
    if (req.method !== 'POST')
      return problem(405, `${req.method} is not allowed on /_sim${req.path}`)
    return setAlarm(decodeURIComponent(alarm[1] ?? ''), body, deps.world)
  }
  return problem(404, `No control route ${req.method} /_sim${req.path}`)
}

/** 400 for a scenario that does not validate, 409 for one the world refused. */
async function applyScenario(body: unknown, deps: ControlDeps): Promise<ControlResponse> {
  try {
    await deps.applyScenario(body)
    return { status: 200, body: { applied: true } }
  } catch (error) {
    if (error instanceof ScenarioError) return problem(400, error.message)
    if (error instanceof ScenarioApplyError) return problem(409, error.message)
    throw error
  }
}

/** 201 for a new image, 200 when the tag already holds the same content. */
function pushImage(body: unknown, world: World): ControlResponse {
  try {
    const { created, image } = world.ecr.pushImage(body)
    return { status: created ? 201 : 200, body: image }
  } catch (error) {
    if (error instanceof ImagePushError) return problem(error.status, error.message)
    throw error
  }
}

function setAlarm(name: string, body: unknown, world: World): ControlResponse {
  const { state, reason } = (body ?? {}) as { state?: unknown; reason?: unknown }
  if (typeof state !== 'string' || !(ALARM_STATES as readonly string[]).includes(state)) {
    return problem(
      400,
      `state must be one of ${ALARM_STATES.join(', ')}, got ${JSON.stringify(state)}`
    )
  }
  if (reason !== undefined && typeof reason !== 'string') {
    return problem(400, `reason must be a string, got ${JSON.stringify(reason)}`)
  }
  if (world.cloudwatch.alarmState(name) === undefined) {
    return problem(404, `alarm '${name}' does not exist`)
  }
  world.cloudwatch.setAlarmState(name, state as AlarmState, reason ?? 'Set through /_sim/alarms')
  return { status: 200, body: { name, state } }
}

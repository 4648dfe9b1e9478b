import { randomUUID } from 'node:crypto'
import { AwsError, SIM_ACCOUNT_ID, type AwsServiceName, type RequestContext } from './contract.js'
import type { CallLog } from './call-log.js'
import { injectedAwsError, injectedGitHubError, internalError } from './fault-responses.js'
import type { FaultInjector, FaultService } from './faults.js'
import {
  JSON_1_0,
  JSON_1_1,
  decodeJsonBody,
  encodeJsonError,
  encodeJsonResult
} from './protocols/json.js'
import { regionFromAuthorization } from './protocols/sigv4.js'
import type { World } from './world.js'

/** An answer for the HTTP layer: a response to write, or a socket to drop. */
export type RouteResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'reset' }

export interface IncomingCall {
  method: string
  pathname: string
  query: URLSearchParams
  headers: Record<string, string | undefined>
  body: string
  /** The body was over the size limit (and `body` is truncated). */
  tooLarge: boolean
}

export interface RouteDeps {
  world: World
  calls: CallLog
  faults: FaultInjector
  log(message: string): void
  /** `http://127.0.0.1:PORT/github`. */
  githubBaseUrl(): string
}

export const MAX_BODY_BYTES = 1024 * 1024

const JSON_TARGETS: Record<
  string,
  { service: AwsServiceName; contentType: string; queryCompatible: boolean }
> = {
  AmazonEC2ContainerServiceV20141113: {
    service: 'ecs',
    contentType: JSON_1_1,
    queryCompatible: false
  },
  GraniteServiceVersion20100801: {
    service: 'cloudwatch',
    contentType: JSON_1_0,
    queryCompatible: true
  },
  AmazonSQS: { service: 'sqs', contentType: JSON_1_0, queryCompatible: true },
  AmazonEC2ContainerRegistry_V20150921: {
    service: 'ecr',
    contentType: JSON_1_1,
    queryCompatible: false
  }
}

const delay = (ms: number): Promise<void> =>
  new Promise(resolve => {
    setTimeout(resolve, ms).unref()
  })

/** Applies a fault's latency; returns the decision when the call must not reach the module. */
async function applyFault(deps: RouteDeps, service: FaultService, operation: string) {
  const decision = deps.faults.decide(service, operation)
  if (decision === undefined) return undefined
  if (decision.latencyMs > 0) await delay(decision.latencyMs)
  return decision.fail ? decision : undefined
}

function mutatingOf(check: () => boolean): boolean {
  try {
    return check()
  } catch {
    return false
  }
}

/** The User-Agent of a call, for the call log: tests check who made each AWS request. */
function userAgentOf(call: IncomingCall): { userAgent?: string } {
  const userAgent = call.headers['user-agent']
  return userAgent === undefined ? {} : { userAgent }
}

export async function routeAwsJson(call: IncomingCall, deps: RouteDeps): Promise<RouteResult> {
  const receivedAt = deps.world.clock.now()
  const requestId = randomUUID()
  const target = call.headers['x-amz-target'] ?? ''
  const dot = target.lastIndexOf('.')
  const protocol = JSON_TARGETS[target.slice(0, dot)]
  const operation = target.slice(dot + 1)
  if (protocol === undefined || dot < 0 || operation === '') {
    const error = new AwsError('UnknownOperationException', `Unknown target '${target}'`)
    return response(
      encodeJsonError(error, { queryCompatible: false, contentType: JSON_1_1, requestId })
    )
  }
  const { service, contentType, queryCompatible } = protocol
  const module = deps.world.aws[service]
  const errorOptions = { queryCompatible, contentType, requestId, service }
  let params: Record<string, unknown> | undefined
  const finish = (status: number, error?: string): void => {
    deps.calls.record({
      receivedAt,
      time: deps.world.clock.now(),
      service,
      operation,
      params,
      mutating: mutatingOf(() => module.isMutating(operation)),
      status,
      ...(error === undefined ? {} : { error }),
      ...userAgentOf(call)
    })
  }
  const fail = (error: AwsError): RouteResult => {
    finish(error.status, error.code)
    return response(encodeJsonError(error, errorOptions))
  }
  if (call.tooLarge) {
    return fail(
      new AwsError(
        'RequestEntityTooLargeException',
        `Request body exceeds ${MAX_BODY_BYTES} bytes`,
        413
      )
    )
  }
  try {
    params = decodeJsonBody(call.body)
  } catch (error) {
    return fail(error as AwsError)
  }
  const fault = await applyFault(deps, service, operation)
  if (fault?.resetConnection) {
    finish(0, 'ConnectionReset')
    return { kind: 'reset' }
  }
  if (fault !== undefined) return fail(injectedAwsError(service, fault))
  const ctx: RequestContext = {
    service,
    operation,
    region: regionFromAuthorization(call.headers.authorization),
    accountId: SIM_ACCOUNT_ID,
    requestId
  }
  try {
    const result = await module.handle(ctx, params)
    finish(200)
    return response(encodeJsonResult(result, contentType, requestId))
  } catch (error) {
    if (error instanceof AwsError) {
      return fail(
        error.code === 'InvalidAction'
          ? new AwsError('UnknownOperationException', error.message, error.status, error.fault)
          : error
      )
    }
    deps.log(
      `fargate-sim: ${service} ${operation} threw: ${(error as Error)?.stack ?? String(error)}`
    )
    return fail(internalError(service))
  }
}

const MALFORMED = 'MalformedQueryString'

/** A form body the query decoder can trust: percent-encoding valid and an Action present. */
function checkForm(body: string): string | undefined {
  for (const pair of body.split('&')) {
    try {
      decodeURIComponent(pair.replace(/\+/g, ' '))
    } catch {
      return `Invalid percent-encoding in '${pair.slice(0, 40)}'`
    }
  }
  const action = new URLSearchParams(body).get('Action')
  if (action === null || !/^[A-Za-z]+$/.test(action)) return 'Missing or invalid Action parameter'
  return undefined
}

export async function routeQuery(call: IncomingCall, deps: RouteDeps): Promise<RouteResult> {
  const receivedAt = deps.world.clock.now()
  const requestId = randomUUID()
  const codec = deps.world.queryCodec
  const module = deps.world.elb
  let operation = new URLSearchParams(call.tooLarge ? '' : call.body).get('Action') ?? '(unknown)'
  let params: Record<string, unknown> | undefined
  const finish = (status: number, error?: string): void => {
    deps.calls.record({
      receivedAt,
      time: deps.world.clock.now(),
      service: 'elbv2',
      operation,
      params,
      mutating: mutatingOf(() => module.isMutating(operation)),
      status,
      ...(error === undefined ? {} : { error }),
      ...userAgentOf(call)
    })
  }
  const fail = (error: AwsError): RouteResult => {
    finish(error.status, error.code)
    return {
      kind: 'response',
      status: error.status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: codec.encodeQueryError(error, requestId)
    }
  }
  if (call.tooLarge) {
    return fail(
      new AwsError('RequestEntityTooLarge', `Request body exceeds ${MAX_BODY_BYTES} bytes`, 413)
    )
  }
  const malformed = checkForm(call.body)
  if (malformed !== undefined) return fail(new AwsError(MALFORMED, malformed))
  try {
    const decoded = codec.decodeQueryRequest(call.body)
    operation = decoded.action
    params = decoded.params
  } catch (error) {
    return fail(
      error instanceof AwsError ? error : new AwsError(MALFORMED, (error as Error).message)
    )
  }
  const fault = await applyFault(deps, 'elbv2', operation)
  if (fault?.resetConnection) {
    finish(0, 'ConnectionReset')
    return { kind: 'reset' }
  }
  if (fault !== undefined) return fail(injectedAwsError('elbv2', fault))
  const ctx: RequestContext = {
    service: 'elbv2',
    operation,
    region: regionFromAuthorization(call.headers.authorization),
    accountId: SIM_ACCOUNT_ID,
    requestId
  }
  try {
    const result = await module.handle(ctx, params)
    finish(200)
    return {
      kind: 'response',
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: codec.encodeQueryResponse(operation, result, requestId)
    }
  } catch (error) {
    if (error instanceof AwsError) {
      return fail(
        error.code === 'UnknownOperationException'
          ? new AwsError('InvalidAction', error.message, error.status, error.fault)
          : error
      )
    }
    deps.log(`fargate-sim: elbv2 ${operation} threw: ${(error as Error)?.stack ?? String(error)}`)
    return fail(internalError('elbv2'))
  }
}

const GITHUB_JSON = 'application/json; charset=utf-8'
const GITHUB_DOCS = 'https://docs.github.com/rest'

export async function routeGitHub(call: IncomingCall, deps: RouteDeps): Promise<RouteResult> {
  const receivedAt = deps.world.clock.now()
  const github = deps.world.github
  const path = call.pathname.slice('/github'.length) || '/'
  const operation = `${call.method} ${path}`
  const requestId = randomUUID()
  let params: unknown = call.query.size > 0 ? Object.fromEntries(call.query) : undefined
  const reply = (
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    error?: string
  ): RouteResult => {
    deps.calls.record({
      receivedAt,
      time: deps.world.clock.now(),
      service: 'github',
      operation,
      params,
      mutating: mutatingOf(() => github.isMutating(call.method, path)),
      status,
      ...(error === undefined ? {} : { error })
    })
    return {
      kind: 'response',
      status,
      headers: { 'content-type': GITHUB_JSON, 'x-github-request-id': requestId, ...headers },
      body: body === undefined ? '' : JSON.stringify(body)
    }
  }
  if (call.tooLarge) {
    return reply(
      413,
      { message: 'Request body too large', documentation_url: GITHUB_DOCS },
      {},
      'TooLarge'
    )
  }
  let body: unknown
  if (call.body.trim() !== '') {
    try {
      body = JSON.parse(call.body)
      params = body
    } catch {
      return reply(
        400,
        { message: 'Problems parsing JSON', documentation_url: GITHUB_DOCS },
        {},
        'BadJson'
      )
    }
  }
  const handleGitHub = () =>
    github.handle({
      method: call.method,
      path,
      query: call.query,
      body,
      headers: call.headers,
      baseUrl: deps.githubBaseUrl()
    })
  const fault = await applyFault(deps, 'github', operation)
  // A lost answer: the call is carried out, and its real answer replaced by the fault's.
  if (fault?.rule.after === true) {
    await handleGitHub().catch((error: unknown) =>
      deps.log(
        `fargate-sim: github ${operation} threw: ${(error as Error)?.stack ?? String(error)}`
      )
    )
  }
  if (fault?.resetConnection) {
    deps.calls.record({
      receivedAt,
      time: deps.world.clock.now(),
      service: 'github',
      operation,
      params,
      mutating: mutatingOf(() => github.isMutating(call.method, path)),
      status: 0,
      // The call log tells a call carried out from one refused: tests check what happened.
      error: fault.rule.after === true ? 'AnswerLost' : 'ConnectionReset'
    })
    return { kind: 'reset' }
  }
  if (fault !== undefined) {
    // Octokit compares the reset time with its own Date.now(): it is real time, like retry-after.
    const injected = injectedGitHubError(fault, deps.world.clock.realNow())
    const code = fault.rule.after === true ? 'AnswerLost' : injected.code
    return reply(injected.status, injected.body, injected.headers, code)
  }
  try {
    const result = await handleGitHub()
    const noBody = result.status === 204 || result.status === 304
    const message = (result.body as { message?: unknown } | undefined)?.message
    const error =
      result.status < 400
        ? undefined
        : typeof message === 'string'
          ? message
          : `HTTP ${result.status}`
    return reply(result.status, noBody ? undefined : result.body, result.headers, error)
  } catch (error) {
    deps.log(`fargate-sim: github ${operation} threw: ${(error as Error)?.stack ?? String(error)}`)
    return reply(
      500,
      { message: 'Server Error', documentation_url: GITHUB_DOCS },
      {},
      'ServerError'
    )
  }
}

function response(encoded: {
  status: number
  headers: Record<string, string>
  body: string
}): RouteResult {
  return { kind: 'response', ...encoded }
}

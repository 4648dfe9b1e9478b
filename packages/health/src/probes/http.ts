import http from 'node:http'
import https from 'node:https'
import { performance } from 'node:perf_hooks'
import {
  errorMessage,
  formatDuration,
  type Clock,
  type ProxySettings
} from '@fargate-promote/common'
import { probeDeadline } from '../deadline.js'
import { describeStatusRanges, statusMatches } from '../expect-status.js'
import { checkResponseBody } from '../http-assertions.js'
import {
  createProxyAgent,
  describeUnusableProxy,
  proxyFor,
  proxyLabel,
  unusableProxyFor
} from '../http-proxy.js'
import type { HttpCheckSpec, HttpMethod, Sample } from '../types.js'

/** Assertions see at most this much of a body; the rest is never read. */
export const MAX_BODY_BYTES = 1024 * 1024
export const MAX_REDIRECTS = 5

/** Keep-alive agents of one check, so a load batch reuses its connections. */
export interface HttpAgents {
  http: http.Agent
  https: https.Agent
  /** Where the proxies and the hosts reached directly are named; absent without a proxy. */
  proxy?: ProxySettings
  /** Through proxy.httpProxy and proxy.httpsProxy, when set. */
  httpViaProxy?: http.Agent
  httpsViaProxy?: http.Agent
}

/** `proxy`: the step's proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as the front end read them. */
export function createHttpAgents(
  spec: HttpCheckSpec,
  maxSockets: number,
  proxy?: ProxySettings
): HttpAgents {
  const rejectUnauthorized = !spec.insecureTls
  const { httpProxy, httpsProxy } = proxy ?? {}
  return {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized }),
    ...(proxy && { proxy }),
    ...(httpProxy && {
      httpViaProxy: createProxyAgent(httpProxy, false, { maxSockets, rejectUnauthorized })
    }),
    ...(httpsProxy && {
      httpsViaProxy: createProxyAgent(httpsProxy, true, { maxSockets, rejectUnauthorized })
    })
  }
}

export function destroyHttpAgents(agents: HttpAgents): void {
  agents.http.destroy()
  agents.https.destroy()
  agents.httpViaProxy?.destroy()
  agents.httpsViaProxy?.destroy()
}

/** The agent for `url` and the proxy it goes through (NO_PROXY decides per host). */
function routeOf(url: URL, agents: HttpAgents): { agent: http.Agent; proxy?: URL } {
  const secure = url.protocol === 'https:'
  // The readers refuse such a check before the run; a redirect to the other scheme comes here.
  const unusable = unusableProxyFor(url, agents.proxy)
  if (unusable !== undefined) {
    throw new ProbeFailure(
      `not sent to ${url.host}: ${describeUnusableProxy(unusable)}. Set it to http://host:port, add ${url.hostname} to NO_PROXY, or unset it.`
    )
  }
  const proxy = proxyFor(url, agents.proxy)
  const viaProxy = secure ? agents.httpsViaProxy : agents.httpViaProxy
  if (proxy !== undefined && viaProxy !== undefined) return { agent: viaProxy, proxy }
  return { agent: secure ? agents.https : agents.http }
}

export interface HttpProbeDeps {
  clock: Clock
  /** Without agents the probe makes its own (through `proxy`) and closes them afterwards. */
  agents?: HttpAgents
  /** The step's proxies, for agents the probe makes itself (see createHttpAgents). */
  proxy?: ProxySettings
  /**
   * Cancellation: aborts the request in flight at once (or sends none when already aborted);
   * the sample then has `cancelled: true`.
   */
  signal?: AbortSignal
}

/** `https://user:secret@host/` → `https://host/`: credentials in a URL are secrets too. */
export function displayUrl(url: string | URL): string {
  const copy = new URL(url.toString())
  copy.username = ''
  copy.password = ''
  return copy.toString()
}

export function httpTarget(spec: HttpCheckSpec): string {
  return `${spec.method} ${displayUrl(spec.url)}`
}

interface Response {
  status: number
  statusText: string
  location: string | undefined
  body: Buffer
  truncated: boolean
}

class ProbeFailure extends Error {}

/**
 * The server closed an idle keep-alive connection just as we reused it (its keep-alive timeout
 * and our interval are often both 5 s). Nothing reached the application, so one retry on a
 * fresh connection is safe and keeps this race from showing up as a failed check.
 */
class StaleSocket extends Error {}

function requestOnce(
  url: URL,
  method: HttpMethod,
  headers: Record<string, string>,
  body: string | undefined,
  spec: HttpCheckSpec,
  agent: http.Agent,
  signal: AbortSignal
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? https.request : http.request
    const outgoing = { ...headers }
    if (
      body !== undefined &&
      !Object.keys(outgoing).some(h => h.toLowerCase() === 'content-length')
    ) {
      outgoing['content-length'] = String(Buffer.byteLength(body))
    }
    let settled = false
    // Not `instanceof Error`: errors from node internals may come from another realm (jest vm).
    const finish = (result: { response: Response } | { error: Error }) => {
      if (settled) return
      settled = true
      if ('error' in result) reject(result.error)
      else resolve(result.response)
    }
    const request = send(url, {
      method,
      headers: outgoing,
      agent,
      rejectUnauthorized: !spec.insecureTls,
      signal
    })
    request.on('error', error => {
      const code = (error as { code?: unknown }).code
      const stale = request.reusedSocket && code === 'ECONNRESET' && !signal.aborted
      finish({ error: stale ? new StaleSocket(error.message) : error })
    })
    request.on('response', response => {
      const chunks: Buffer[] = []
      let size = 0
      const done = (truncated: boolean) =>
        finish({
          response: {
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            location: response.headers.location,
            body: Buffer.concat(chunks, size),
            truncated
          }
        })
      response.on('data', (chunk: Buffer) => {
        if (settled) return
        const room = MAX_BODY_BYTES - size
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room))
          size += room
          done(true)
          // Stop reading: the rest of a huge body must not cost time or memory.
          request.destroy()
          return
        }
        chunks.push(chunk)
        size += chunk.length
      })
      response.on('end', () => done(false))
      response.on('error', error => finish({ error }))
      response.on('close', () =>
        finish({ error: new ProbeFailure('connection closed before the body ended') })
      )
    })
    request.end(body)
  })
}

function describeError(error: unknown, timedOut: boolean, spec: HttpCheckSpec): string {
  if (timedOut) return `timed out after ${formatDuration(spec.timeoutMs)}`
  if (error instanceof ProbeFailure) return error.message
  const { code, message: raw } = (error ?? {}) as { code?: unknown; message?: unknown }
  const message = typeof raw === 'string' && raw !== '' ? raw : errorMessage(error)
  return typeof code === 'string' && !message.includes(code)
    ? `request failed: ${code} ${message}`
    : `request failed: ${message}`
}

/** ` via proxy http://host:port` when the last request went through one: its hop is in the latency. */
function viaProxy(trail: Trail): string {
  return trail.proxy === undefined ? '' : ` via proxy ${proxyLabel(trail.proxy)}`
}

/** What the exchange has done so far, for a detail line when it fails half-way. */
interface Trail {
  /** The proxy of the last request sent. */
  proxy?: URL
}

interface Exchange {
  response: Response
  redirects: number
}

async function exchange(
  spec: HttpCheckSpec,
  agents: HttpAgents,
  signal: AbortSignal,
  trail: Trail
): Promise<Exchange> {
  const origin = new URL(spec.url)
  let url = origin
  let method = spec.method
  let body = spec.body
  let headers = spec.headers
  for (let redirects = 0; ; redirects++) {
    const route = routeOf(url, agents)
    trail.proxy = route.proxy
    const send = () => requestOnce(url, method, headers, body, spec, route.agent, signal)
    const response = await send().catch((error: unknown) => {
      if (error instanceof StaleSocket) return send()
      throw error
    })
    const isRedirect = [301, 302, 303, 307, 308].includes(response.status) && response.location
    if (!spec.followRedirects || !isRedirect) return { response, redirects }
    if (redirects === MAX_REDIRECTS) {
      throw new ProbeFailure(
        `more than ${MAX_REDIRECTS} redirects; the last went to ${displayUrl(url)}`
      )
    }
    let next: URL
    try {
      next = new URL(response.location as string, url)
    } catch {
      throw new ProbeFailure(`redirect to an invalid Location '${response.location}'`)
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new ProbeFailure(`redirect to ${displayUrl(next)} refused: not http or https`)
    }
    if (next.hostname !== origin.hostname && !spec.allowCrossHostRedirects) {
      throw new ProbeFailure(
        `redirect to ${displayUrl(next)} refused: another host than ${origin.hostname} (set allow-cross-host-redirects: true to follow it)`
      )
    }
    if (next.hostname !== origin.hostname) {
      // Headers may carry credentials meant for the first host only.
      headers = {}
    }
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      method = 'GET'
      body = undefined
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !/^content-/i.test(name))
      )
    }
    url = next
  }
}

function responseFailure(
  spec: HttpCheckSpec,
  response: Response,
  latencyMs: number
): string | undefined {
  if (!statusMatches(response.status, spec.expectStatus)) {
    return `expected status ${describeStatusRanges(spec.expectStatus)}, got ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
  }
  const bodyProblem = checkResponseBody(spec, response.body)
  if (bodyProblem !== undefined) {
    return response.truncated ? `${bodyProblem} (only the first 1 MiB was read)` : bodyProblem
  }
  if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs) {
    return `latency ${Math.round(latencyMs)} ms exceeds max-latency ${formatDuration(spec.maxLatencyMs)}`
  }
  return undefined
}

/**
 * One request (following redirects) with a deadline over the whole exchange, connect to last
 * byte. Never throws: every outcome is a Sample. Details never hold header values or bodies.
 */
export async function probeHttp(spec: HttpCheckSpec, deps: HttpProbeDeps): Promise<Sample> {
  const at = deps.clock.now()
  const { signal } = deps
  if (signal?.aborted) return cancelledSample(spec, at)
  const agents = deps.agents ?? createHttpAgents(spec, 1, deps.proxy)
  const deadline = probeDeadline(spec.timeoutMs, signal)
  const trail: Trail = {}
  const started = performance.now()
  try {
    const { response, redirects } = await exchange(spec, agents, deadline.signal, trail)
    const latencyMs = performance.now() - started
    const problem = responseFailure(spec, response, latencyMs)
    const failure = problem === undefined ? undefined : `${problem}${viaProxy(trail)}`
    const after = redirects > 0 ? ` after ${redirects} redirect${redirects > 1 ? 's' : ''}` : ''
    const truncated = response.truncated ? '; body truncated at 1 MiB' : ''
    return {
      check: spec.name,
      type: 'http',
      at,
      ok: failure === undefined,
      latencyMs,
      status: response.status,
      detail:
        failure ??
        `${response.status}${response.statusText ? ` ${response.statusText}` : ''} in ${Math.round(latencyMs)} ms${after}${viaProxy(trail)}${truncated}`
    }
  } catch (error) {
    if (signal?.aborted && !deadline.timedOut()) return cancelledSample(spec, at)
    return {
      check: spec.name,
      type: 'http',
      at,
      ok: false,
      detail: `${describeError(error, deadline.timedOut(), spec)}${viaProxy(trail)}`
    }
  } finally {
    deadline.dispose()
    if (deps.agents === undefined) destroyHttpAgents(agents)
  }
}

function cancelledSample(spec: HttpCheckSpec, at: number): Sample {
  return {
    check: spec.name,
    type: 'http',
    at,
    ok: false,
    detail: 'cancelled before a response',
    cancelled: true
  }
}

import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { TARGET_TIME_HEADER, type Target } from '../contract.js'

/**
 * A listener as a real reverse proxy on 127.0.0.1. The routing decision is the module's; this
 * file only moves bytes and writes the ALB's own error pages (503 with no target, 502 when the
 * target fails): https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html
 */

/** How a proxied request ended, for the load balancer's metrics (traffic-log.ts). */
export interface ProxiedResult {
  status: number
  /** Who wrote the answer: the target, or the load balancer (502, 503). */
  by: 'target' | 'elb'
  /** The processing time the target reported (TARGET_TIME_HEADER), sim ms. */
  targetTimeMs?: number
  /** Real ms from forwarding the request to the target's response headers. */
  realElapsedMs: number
}

type Report = (result: ProxiedResult) => void

export type RouteDecision =
  | { kind: 'forward'; target: Target; report?: Report }
  | { kind: 'fixed'; statusCode: number; contentType?: string; body?: string }
  | { kind: 'unavailable'; report?: Report }

export type Router = (request: { path: string; host: string }) => RouteDecision

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer'
])

function errorPage(res: ServerResponse, status: number, title: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body = `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n</body>\r\n</html>\r\n`
  res.writeHead(status, status === 503 ? 'Service Unavailable' : title, {
    server: 'awselb/2.0',
    'content-type': 'text/html',
    'content-length': Buffer.byteLength(body)
  })
  res.end(body)
}

function forward(
  agent: Agent,
  listenerPort: number,
  req: IncomingMessage,
  res: ServerResponse,
  decision: { target: Target; report?: Report }
): void {
  const { target, report } = decision
  const started = performance.now()
  const headers: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value
  }
  const client = req.socket.remoteAddress ?? '127.0.0.1'
  const prior = req.headers['x-forwarded-for']
  headers['x-forwarded-for'] = prior === undefined ? client : `${String(prior)}, ${client}`
  headers['x-forwarded-proto'] = 'http'
  headers['x-forwarded-port'] = String(listenerPort)
  const upstream = httpRequest(
    { host: target.id, port: target.port, method: req.method, path: req.url, headers, agent },
    upRes => {
      const out: OutgoingHttpHeaders = {}
      for (const [name, value] of Object.entries(upRes.headers)) {
        if (!HOP_BY_HOP.has(name) && name !== TARGET_TIME_HEADER && value !== undefined) {
          out[name] = value
        }
      }
      const declared = Number(upRes.headers[TARGET_TIME_HEADER])
      report?.({
        status: upRes.statusCode ?? 502,
        by: 'target',
        targetTimeMs: Number.isFinite(declared) && declared >= 0 ? declared : undefined,
        realElapsedMs: performance.now() - started
      })
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, out)
      upRes.pipe(res)
      upRes.on('error', () => res.destroy())
    }
  )
  upstream.on('error', () => {
    // A client that went away is not the target's failure.
    if (res.destroyed) return
    report?.({ status: 502, by: 'elb', realElapsedMs: performance.now() - started })
    errorPage(res, 502, 'Bad Gateway')
  })
  // A client that goes away mid-request must not leave the upstream request running.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy()
  })
  req.pipe(upstream)
}

export interface ListenerServer {
  server: Server
  /** The loopback port the proxy listens on (not the listener's own port). */
  port: number
  url: string
  close(): Promise<void>
}

/** `bindPort` 0 takes an ephemeral port; a port in use rejects with the `listen` error. */
export async function startListenerServer(
  agent: Agent,
  listenerPort: () => number,
  route: Router,
  bindPort = 0
): Promise<ListenerServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const decision = route({ path, host: req.headers.host ?? '' })
    if (decision.kind === 'forward') return forward(agent, listenerPort(), req, res, decision)
    req.resume()
    if (decision.kind === 'unavailable') {
      decision.report?.({ status: 503, by: 'elb', realElapsedMs: 0 })
      return errorPage(res, 503, 'Service Temporarily Unavailable')
    }
    const body = decision.body ?? ''
    res.writeHead(decision.statusCode, {
      server: 'awselb/2.0',
      'content-type': decision.contentType ?? 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body)
    })
    res.end(body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(bindPort, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

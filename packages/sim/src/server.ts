import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createCallLog } from './call-log.js'
import { createSimClock, type SimClockInfo } from './clock.js'
import type { CallRecord, ImageBehaviour } from './contract.js'
import { handleControl, type ControlDeps } from './control.js'
import { createFaultInjector } from './faults.js'
import {
  MAX_BODY_BYTES,
  routeAwsJson,
  routeGitHub,
  routeQuery,
  type IncomingCall,
  type RouteDeps,
  type RouteResult
} from './routes.js'
import {
  applyScenario,
  loadScenario,
  validateScenario,
  type ApplyOptions,
  type Scenario
} from './scenario.js'
import { createWorld, loadDefaultFactories, type World, type WorldFactories } from './world.js'

export interface SimOptions {
  /** 0 or absent: an ephemeral port. The server binds 127.0.0.1 only. */
  port?: number
  /** Sim milliseconds per real millisecond (default 1). */
  timeScale?: number
  /**
   * Timestamps advance `timeScale` times faster than real time from the start (default false:
   * timestamps are wall-clock). See `GET /_sim/clock`.
   */
  virtualTime?: boolean
  /** The real time source, epoch ms (default `Date.now`); for tests of virtual time. */
  realNow?: () => number
  /** A YAML file path or an already-parsed scenario object. */
  scenario?: string | object
  /** Image behaviours by image reference or tag suffix; win over the scenario's. */
  behaviours?: Record<string, ImageBehaviour>
  /** Module factories; the real modules when absent (tests inject fakes). */
  factories?: WorldFactories
  /** Where internal errors are reported (default: stderr). */
  log?: (message: string) => void
  /** Tuning of the scenario's `waitForSteady`. */
  steady?: ApplyOptions
}

export interface Sim {
  /** `http://127.0.0.1:PORT`: the AWS endpoint; GitHub is under `/github`. */
  url: string
  port: number
  world: World
  /** How the sim keeps time, so a client can compute `now` itself (`simTimeAt`). */
  clock: SimClockInfo
  stop(): Promise<void>
  /**
   * The API server restarts with its state kept: every open connection is dropped, the port
   * refuses connections until `whileDown` resolves, then the same world answers again on the
   * same port. Containers, listeners and timers run on; only the endpoint goes away.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>
  reset(): Promise<void>
  calls(): CallRecord[]
}

const JSON_CONTENT = 'application/json; charset=utf-8'

async function readBody(req: IncomingMessage): Promise<{ body: string; tooLarge: boolean }> {
  const chunks: Buffer[] = []
  let size = 0
  // Keep draining past the limit so the client sees our 413 rather than a broken pipe.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size <= MAX_BODY_BYTES) chunks.push(chunk)
  }
  return { body: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(req.headers)) {
    headers[key] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

function write(res: ServerResponse, status: number, headers: Record<string, string>, body: string) {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) })
  res.end(body)
}

function writeJson(res: ServerResponse, status: number, body: unknown) {
  write(res, status, { 'content-type': JSON_CONTENT }, JSON.stringify(body))
}

/** Everything one HTTP request may need: the routes' dependencies and the control API's. */
interface ServerContext {
  routes: RouteDeps
  control: ControlDeps
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ServerContext
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const method = req.method ?? 'GET'
  const { body, tooLarge } = await readBody(req)
  const headers = headersOf(req)
  if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) {
    if (tooLarge) return writeJson(res, 413, { message: 'Request body too large' })
    const answer = await handleControl(
      { method, path: url.pathname.slice('/_sim'.length) || '/', query: url.searchParams, body },
      ctx.control
    )
    return writeJson(res, answer.status, answer.body)
  }
  const call: IncomingCall = {
    method,
    pathname: url.pathname,
    query: url.searchParams,
    headers,
    body,
    tooLarge
  }
  let result: RouteResult | undefined
  if (url.pathname === '/github' || url.pathname.startsWith('/github/')) {
    result = await routeGitHub(call, ctx.routes)
  } else if (url.pathname === '/' && method === 'POST' && headers['x-amz-target'] !== undefined) {
    result = await routeAwsJson(call, ctx.routes)
  } else if (
    url.pathname === '/' &&
    method === 'POST' &&
    (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
  ) {
    result = await routeQuery(call, ctx.routes)
  }
  if (result === undefined) {
    return writeJson(res, 404, { message: `No route for ${method} ${url.pathname}` })
  }
  if (result.kind === 'reset') {
    req.socket.destroy()
    return
  }
  write(res, result.status, result.headers, result.body)
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return (server.address() as AddressInfo).port
}

/**
 * The image behaviours the task runtime reads: the start scenario's, those of scenarios applied
 * since (`POST /_sim/scenario`), and `startSim`'s, which always win. Reset restores the first set.
 */
function behaviourTable(scenario: Scenario | undefined, options: SimOptions) {
  const table: Record<string, ImageBehaviour> = {}
  const add = (declared: Record<string, ImageBehaviour> = {}) =>
    Object.assign(table, declared, options.behaviours)
  return {
    table,
    add,
    restore() {
      for (const key of Object.keys(table)) delete table[key]
      add(scenario?.behaviours)
    }
  }
}

/** Closes the server, then every container, listener and timer; once, however often called. */
function stopper(server: Server, world: World): () => Promise<void> {
  let stopped: Promise<void> | undefined
  return () => {
    stopped ??= (async () => {
      const closed = new Promise<void>(resolve => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      await world.reset()
      world.clock.dispose()
    })()
    return stopped
  }
}

export async function startSim(options: SimOptions = {}): Promise<Sim> {
  const clock = createSimClock({
    timeScale: options.timeScale ?? 1,
    virtualTime: options.virtualTime,
    realNow: options.realNow
  })
  const scenario: Scenario | undefined =
    options.scenario === undefined ? undefined : await loadScenario(options.scenario)
  const factories = options.factories ?? (await loadDefaultFactories())
  const behaviours = behaviourTable(scenario, options)
  behaviours.restore()
  let port = 0
  const world = createWorld({
    clock,
    behaviours: behaviours.table,
    factories,
    // SQS clients send each request to the QueueUrl's host: it must be this server.
    endpoint: () => `http://127.0.0.1:${port}`
  })
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`))
  const calls = createCallLog()
  const faults = createFaultInjector()

  const reset = async (): Promise<void> => {
    await world.reset()
    calls.clear()
    faults.clear()
    behaviours.restore()
    if (scenario !== undefined) {
      await applyScenario(world, scenario, options.steady)
      calls.clear()
    }
  }
  // A scenario applied to the running world adds to it; a reset returns to the start scenario.
  const applyPosted = async (body: unknown): Promise<void> => {
    const posted = validateScenario(body)
    behaviours.add(posted.behaviours)
    await applyScenario(world, posted, options.steady)
  }

  const ctx: ServerContext = {
    routes: { world, calls, faults, log, githubBaseUrl: () => `http://127.0.0.1:${port}/github` },
    control: { world, calls, faults, reset, applyScenario: applyPosted }
  }
  const server = createServer((req, res) => {
    handleRequest(req, res, ctx).catch((error: unknown) => {
      log(
        `fargate-sim: ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`
      )
      if (!res.headersSent) writeJson(res, 500, { message: 'Internal simulator error' })
      else res.destroy()
    })
  })
  // Idle keep-alive connections stay open a minute (Node's default is 5 s): a client that sends
  // on a connection just as the server closes it gets "socket hang up", and a test's client left
  // idle through a step of a few seconds on a loaded machine did (SDK clients keep connections).
  server.keepAliveTimeout = 60_000
  server.headersTimeout = 65_000
  port = await listen(server, options.port ?? 0)

  const stop = stopper(server, world)
  const restart = async (whileDown?: () => Promise<void>): Promise<void> => {
    const closed = new Promise<void>(resolve => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
    try {
      await whileDown?.()
    } finally {
      await listen(server, port)
    }
  }

  if (scenario !== undefined) {
    try {
      await applyScenario(world, scenario, options.steady)
    } catch (error) {
      await stop()
      throw error
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    world,
    clock: { origin: clock.origin, scale: clock.scale, virtual: clock.virtual },
    stop,
    restart,
    reset,
    calls: () => calls.list()
  }
}

import { Agent, request } from 'node:http'
import { TASK_DEFINITION_HEADER } from './contract.js'

/**
 * A steady stream of GET requests to a listener URL, counted per revision and status: the
 * "production traffic" of end-to-end tests and benchmarks of progressive delivery. A request is
 * sent every 1000 / ratePerSecond sim milliseconds (`clock.scale` sim ms per real ms; default
 * 1, real seconds), one at a time per tick, so the listener's weighted round-robin splits them
 * exactly as its weights say. The revision is the answering container's `x-sim-task-definition`
 * (`family:revision`); answers the load balancer writes itself (503 without a healthy target,
 * 502) count under `elb`, and requests that fail on the network under `error`.
 */

export interface TrafficOptions {
  /** Listener URL (`GET /_sim/listeners` → `url`), with or without a path. */
  url: string
  /** Requests per sim second (per real second when no clock is given). */
  ratePerSecond: number
  /** Anything with the sim's time scale: `sim.clock`, a SimClock. */
  clock?: { scale: number }
  /** Path requested (default: the URL's own, else `/`). */
  path?: string
  /** At most this many requests in flight; ticks beyond are counted `skipped` (default 64). */
  maxInFlight?: number
  /** Real ms before a request is given up as `error` (default 10 000). */
  timeoutMs?: number
  /** Called for every finished request, in completion order. */
  onResponse?: (response: TrafficResponse) => void
}

export interface TrafficResponse {
  /** `family:revision`, `elb` or `error`. */
  revision: string
  /** HTTP status, 0 for `error`. */
  status: number
  /** Sequence number of the request (0-based, in sending order). */
  seq: number
}

export interface TrafficCounts {
  sent: number
  /** Finished requests (answered or failed). */
  completed: number
  skipped: number
  /** revision → status → count. */
  byRevision: Record<string, Record<string, number>>
}

export interface TrafficGenerator {
  /** A copy of the counts so far. */
  counts(): TrafficCounts
  /** Stops sending, waits for the requests in flight, frees sockets; returns the final counts. */
  stop(): Promise<TrafficCounts>
}

function emptyCounts(): TrafficCounts {
  return { sent: 0, completed: 0, skipped: 0, byRevision: {} }
}

/** Total requests one revision answered (all statuses). */
export function revisionTotal(counts: TrafficCounts, revision: string): number {
  return Object.values(counts.byRevision[revision] ?? {}).reduce((a, b) => a + b, 0)
}

/** The requests counted in `later` but not in `earlier` (a window between two snapshots). */
export function countsSince(later: TrafficCounts, earlier: TrafficCounts): TrafficCounts {
  const byRevision: TrafficCounts['byRevision'] = {}
  for (const [revision, statuses] of Object.entries(later.byRevision)) {
    for (const [status, n] of Object.entries(statuses)) {
      const d = n - (earlier.byRevision[revision]?.[status] ?? 0)
      if (d > 0) (byRevision[revision] ??= {})[status] = d
    }
  }
  return {
    sent: later.sent - earlier.sent,
    completed: later.completed - earlier.completed,
    skipped: later.skipped - earlier.skipped,
    byRevision
  }
}

export function startTraffic(options: TrafficOptions): TrafficGenerator {
  if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
    throw new Error(
      `startTraffic: ratePerSecond must be a positive number, got ${String(options.ratePerSecond)}`
    )
  }
  const target = new URL(options.url)
  const path = options.path ?? `${target.pathname}${target.search}`
  const scale = options.clock?.scale ?? 1
  const everyRealMs = 1000 / options.ratePerSecond / scale
  const maxInFlight = options.maxInFlight ?? 64
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight })
  const counts = emptyCounts()
  const inFlight = new Set<Promise<void>>()
  let stopped = false

  const finish = (response: TrafficResponse): void => {
    counts.completed++
    const statuses = (counts.byRevision[response.revision] ??= {})
    const key = String(response.status)
    statuses[key] = (statuses[key] ?? 0) + 1
    options.onResponse?.(response)
  }

  const send = (): void => {
    if (inFlight.size >= maxInFlight) {
      counts.skipped++
      return
    }
    const seq = counts.sent++
    const done = new Promise<void>(resolve => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path,
          agent,
          timeout: options.timeoutMs ?? 10_000
        },
        res => {
          res.resume()
          res.on('end', () => {
            const header = res.headers[TASK_DEFINITION_HEADER]
            const revision = typeof header === 'string' ? header : 'elb'
            finish({ revision, status: res.statusCode ?? 0, seq })
            resolve()
          })
          res.on('error', () => {
            finish({ revision: 'error', status: 0, seq })
            resolve()
          })
        }
      )
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', () => {
        finish({ revision: 'error', status: 0, seq })
        resolve()
      })
      req.end()
    })
    inFlight.add(done)
    void done.then(() => inFlight.delete(done))
  }

  // Several requests per tick when the interval would be under 1 real ms.
  const perTick = Math.max(1, Math.round(1 / everyRealMs))
  const timer = setInterval(
    () => {
      if (stopped) return
      for (let i = 0; i < perTick; i++) send()
    },
    Math.max(1, everyRealMs)
  )
  timer.unref()

  const snapshot = (): TrafficCounts => structuredClone(counts)
  return {
    counts: snapshot,
    async stop() {
      stopped = true
      clearInterval(timer)
      await Promise.all([...inFlight])
      agent.destroy()
      return snapshot()
    }
  }
}

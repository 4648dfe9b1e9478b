import type { Clock } from '@fargate-promote/common'
import { createHttpAgents, destroyHttpAgents, probeHttp, type HttpAgents } from './probes/http.js'
import type { HttpCheckSpec, Sample } from './types.js'

export interface LoadOptions {
  /** Requests per round. */
  requests: number
  /** At most this many in flight, over as many keep-alive connections. */
  concurrency: number
}

export interface LoadDeps {
  clock: Clock
  /** Agents with maxSockets = concurrency; made and closed here when absent. */
  agents?: HttpAgents
  /** Cancellation: no new request is sent and those in flight are aborted (`cancelled`). */
  signal?: AbortSignal
}

/**
 * Fires `requests` requests with at most `concurrency` in flight: each worker takes the next
 * request as soon as its previous one finished, so the server sees steady pressure rather than
 * waves. Every request is one Sample, in completion order. Once deps.signal aborts, no request
 * is started; those in flight end as `cancelled` samples.
 */
export async function sampleLoad(
  spec: HttpCheckSpec,
  load: LoadOptions,
  deps: LoadDeps
): Promise<Sample[]> {
  const agents = deps.agents ?? createHttpAgents(spec, load.concurrency)
  const samples: Sample[] = []
  let issued = 0
  const worker = async () => {
    while (issued < load.requests && !deps.signal?.aborted) {
      issued++
      samples.push(await probeHttp(spec, { clock: deps.clock, agents, signal: deps.signal }))
    }
  }
  try {
    const workers = Math.min(load.concurrency, load.requests)
    await Promise.all(Array.from({ length: workers }, worker))
  } finally {
    if (deps.agents === undefined) destroyHttpAgents(agents)
  }
  return samples
}

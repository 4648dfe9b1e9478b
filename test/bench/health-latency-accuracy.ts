/**
 * Latency accuracy: a local server that answers every request after a fixed 50 ms. Our p50
 * (sampleLoad + summarizeLatency) against autocannon's p50 for the same load, in the same run.
 * Target: within 5 ms of each other.
 * Run: npx tsx test/bench/health-latency-accuracy.ts [requests, default 1000]
 */
import { createRequire } from 'node:module'
import { systemClock } from '@fargate-promote/common'
import { httpShorthand, sampleLoad, summarizeLatency } from '@fargate-promote/health'
import { startBenchServer } from './health-bench-server.js'

interface AutocannonResult {
  latency: { p50: number; p99: number; average: number }
  requests: { total: number }
  non2xx: number
  errors: number
}
type Autocannon = (options: {
  url: string
  connections: number
  amount: number
}) => Promise<AutocannonResult>
// autocannon 8 ships no types.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

const DELAY_MS = 50
const REQUESTS = Number(process.argv[2] ?? 1_000)
const CONNECTIONS = 10
const TOLERANCE_MS = 5

const server = await startBenchServer(DELAY_MS)
const url = server.url
const spec = httpShorthand({ url })

async function ours(): Promise<number> {
  const samples = await sampleLoad(
    spec,
    { requests: REQUESTS, concurrency: CONNECTIONS },
    { clock: systemClock }
  )
  const summary = summarizeLatency(samples)
  console.log(
    `health:     p50 ${summary.p50Ms?.toFixed(2)} ms, p95 ${summary.p95Ms?.toFixed(2)} ms, p99 ${summary.p99Ms?.toFixed(2)} ms over ${summary.count} requests, error rate ${summary.errorRate}`
  )
  return summary.p50Ms ?? Number.NaN
}

async function theirs(): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, amount: REQUESTS })
  console.log(
    `autocannon: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, mean ${result.latency.average} ms over ${result.requests.total} requests (${result.non2xx} non-2xx, ${result.errors} errors)`
  )
  return result.latency.p50
}

// Interleaved, so drift of the machine during the run hits both tools alike.
const our1 = await ours()
const their1 = await theirs()
const our2 = await ours()
const their2 = await theirs()
await server.stop()

const ourP50 = (our1 + our2) / 2
const theirP50 = (their1 + their2) / 2
const gap = Math.abs(ourP50 - theirP50)
console.log(
  `p50: health ${ourP50.toFixed(2)} ms vs autocannon ${theirP50.toFixed(2)} ms (server delay ${DELAY_MS} ms): gap ${gap.toFixed(2)} ms (target ≤ ${TOLERANCE_MS} ms): ${gap <= TOLERANCE_MS ? 'PASS' : 'FAIL'}`
)
if (gap > TOLERANCE_MS) process.exitCode = 1

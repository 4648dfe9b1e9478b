/**
 * Latency accuracy: a local server that answers every request after a fixed 50 ms. Our p50
 * (sampleLoad + summarizeLatency) against autocannon's p50 for the same load, in the same run.
 * Target: within 5 ms of each other.
 * Run: npx tsx test/bench/health-latency-accuracy.ts [requests, default 1000] [--runs N] [--json]
 * (default 2 runs, each ours then autocannon's; the verdict is on the mean of each tool's p50s).
 * With --json the lines go to stderr and one JSON object of every run's p50s to stdout.
 */
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
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
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '2' }, json: { type: 'boolean', default: false } }
})
const REQUESTS = Number(positionals[0] ?? 1_000)
const RUNS = Number(values.runs)
if (!Number.isInteger(REQUESTS) || REQUESTS < 1 || !Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`requests and --runs must be positive integers, got ${REQUESTS} and ${RUNS}`)
}
const out = values.json
  ? (line: string) => process.stderr.write(`${line}\n`)
  : (line: string) => console.log(line)
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
  out(
    `health:     p50 ${summary.p50Ms?.toFixed(2)} ms, p95 ${summary.p95Ms?.toFixed(2)} ms, p99 ${summary.p99Ms?.toFixed(2)} ms over ${summary.count} requests, error rate ${summary.errorRate}`
  )
  return summary.p50Ms ?? Number.NaN
}

async function theirs(): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, amount: REQUESTS })
  out(
    `autocannon: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, mean ${result.latency.average} ms over ${result.requests.total} requests (${result.non2xx} non-2xx, ${result.errors} errors)`
  )
  return result.latency.p50
}

// Interleaved, so drift of the machine during the run hits both tools alike.
const ourP50s: number[] = []
const theirP50s: number[] = []
for (let run = 0; run < RUNS; run++) {
  ourP50s.push(await ours())
  theirP50s.push(await theirs())
}
await server.stop()

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length
const ourP50 = mean(ourP50s)
const theirP50 = mean(theirP50s)
const gap = Math.abs(ourP50 - theirP50)
out(
  `p50: health ${ourP50.toFixed(2)} ms vs autocannon ${theirP50.toFixed(2)} ms (server delay ${DELAY_MS} ms): gap ${gap.toFixed(2)} ms (target ≤ ${TOLERANCE_MS} ms): ${gap <= TOLERANCE_MS ? 'PASS' : 'FAIL'}`
)
if (values.json) {
  console.log(
    JSON.stringify({
      requests: REQUESTS,
      delayMs: DELAY_MS,
      toleranceMs: TOLERANCE_MS,
      ourP50Ms: ourP50s,
      autocannonP50Ms: theirP50s
    })
  )
}
if (gap > TOLERANCE_MS) process.exitCode = 1

/**
 * Probe throughput of @fargate-promote/health on loopback: sampleLoad with 32 requests in
 * flight against a local keep-alive server that answers at once, next to autocannon's with 32
 * connections on the same server in the same run (the reference a load tool reaches).
 * Target: ≥ 2,000 requests/s.
 * Run: npx tsx test/bench/health-throughput.ts [requests per run, default 20000] [--runs N]
 *   [--json]
 * (default 3 runs, each ours then autocannon's). With --json the lines go to stderr and one
 * JSON object of the raw rates to stdout.
 * The server runs in its own process (health-bench-server.ts); on a 2-core machine it still
 * competes with the client for CPU, so the figure is a floor.
 */
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { systemClock } from '@fargate-promote/common'
import {
  createHttpAgents,
  destroyHttpAgents,
  httpShorthand,
  sampleLoad
} from '@fargate-promote/health'
import { startBenchServer } from './health-bench-server.js'

interface AutocannonResult {
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

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } }
})
const REQUESTS = Number(positionals[0] ?? 20_000)
const RUNS = Number(values.runs)
if (!Number.isInteger(REQUESTS) || REQUESTS < 1 || !Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`requests and --runs must be positive integers, got ${REQUESTS} and ${RUNS}`)
}
const CONCURRENCY = 32
const TARGET = 2_000
const out = values.json
  ? (line: string) => process.stderr.write(`${line}\n`)
  : (line: string) => console.log(line)

const server = await startBenchServer()
const spec = httpShorthand({ url: server.url, bodyContains: 'ok' })
const agents = createHttpAgents(spec, CONCURRENCY)
const clock = systemClock

// Warm up connections and the JIT.
await sampleLoad(spec, { requests: 2_000, concurrency: CONCURRENCY }, { clock, agents })

const rates: number[] = []
const autocannonRates: number[] = []
for (let run = 1; run <= RUNS; run++) {
  const started = performance.now()
  const samples = await sampleLoad(
    spec,
    { requests: REQUESTS, concurrency: CONCURRENCY },
    { clock, agents }
  )
  const seconds = (performance.now() - started) / 1000
  const failed = samples.filter(sample => !sample.ok).length
  const rate = samples.length / seconds
  rates.push(rate)
  out(
    `run ${run}: ${samples.length} requests in ${seconds.toFixed(2)} s = ${Math.round(rate)} req/s (${failed} failed)`
  )
  // Timed the same way as ours (the call, connections included), not by autocannon's report.
  const theirStart = performance.now()
  const theirs = await autocannon({ url: server.url, connections: CONCURRENCY, amount: REQUESTS })
  const theirSeconds = (performance.now() - theirStart) / 1000
  const theirRate = theirs.requests.total / theirSeconds
  autocannonRates.push(theirRate)
  out(
    `run ${run}: autocannon ${theirs.requests.total} requests in ${theirSeconds.toFixed(2)} s = ${Math.round(theirRate)} req/s (${theirs.non2xx} non-2xx, ${theirs.errors} errors)`
  )
}
destroyHttpAgents(agents)
await server.stop()

const sorted = [...rates].sort((a, b) => a - b)
const median = sorted[Math.floor(sorted.length / 2)] as number
out(
  `median ${Math.round(median)} req/s at concurrency ${CONCURRENCY} (target ≥ ${TARGET}): ${median >= TARGET ? 'PASS' : 'FAIL'}`
)
if (values.json) {
  console.log(
    JSON.stringify({
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      target: TARGET,
      rates,
      autocannonRates
    })
  )
}
if (median < TARGET) process.exitCode = 1

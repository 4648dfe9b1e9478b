/**
 * Probe throughput of @fargate-promote/health on loopback: sampleLoad with 32 requests in
 * flight against a local keep-alive server that answers at once. Target: ≥ 2,000 requests/s.
 * Run: npx tsx test/bench/health-throughput.ts [requests per run, default 20000]
 * The server runs in its own process (health-bench-server.ts); on a 2-core machine it still
 * competes with the client for CPU, so the figure is a floor.
 */
import { performance } from 'node:perf_hooks'
import { systemClock } from '@fargate-promote/common'
import {
  createHttpAgents,
  destroyHttpAgents,
  httpShorthand,
  sampleLoad
} from '@fargate-promote/health'
import { startBenchServer } from './health-bench-server.js'

const REQUESTS = Number(process.argv[2] ?? 20_000)
const CONCURRENCY = 32
const RUNS = 3
const TARGET = 2_000

const server = await startBenchServer()
const spec = httpShorthand({ url: server.url, bodyContains: 'ok' })
const agents = createHttpAgents(spec, CONCURRENCY)
const clock = systemClock

// Warm up connections and the JIT.
await sampleLoad(spec, { requests: 2_000, concurrency: CONCURRENCY }, { clock, agents })

const rates: number[] = []
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
  console.log(
    `run ${run}: ${samples.length} requests in ${seconds.toFixed(2)} s = ${Math.round(rate)} req/s (${failed} failed)`
  )
}
destroyHttpAgents(agents)
await server.stop()

rates.sort((a, b) => a - b)
const median = rates[Math.floor(rates.length / 2)] as number
console.log(
  `median ${Math.round(median)} req/s at concurrency ${CONCURRENCY} (target ≥ ${TARGET}): ${median >= TARGET ? 'PASS' : 'FAIL'}`
)
if (median < TARGET) process.exitCode = 1

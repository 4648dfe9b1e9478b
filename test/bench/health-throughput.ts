/**
 * Probe throughput of @fargate-promote/health on loopback: sampleLoad with 32 requests in
 * flight against a local keep-alive server that answers at once. Target: ≥ 2,000 requests/s.
 * Run: npx tsx test/bench/health-throughput.ts [requests per run, default 20000]
 * Client and server share this one process (and its core), so the figure is a floor.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { systemClock } from '@fargate-promote/common'
import {
  createHttpAgents,
  destroyHttpAgents,
  httpShorthand,
  sampleLoad
} from '@fargate-promote/health'

const REQUESTS = Number(process.argv[2] ?? 20_000)
const CONCURRENCY = 32
const RUNS = 3
const TARGET = 2_000

const body = JSON.stringify({ status: 'ok' })
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
  res.end(body)
})
server.keepAliveTimeout = 30_000
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address() as AddressInfo

const spec = httpShorthand({ url: `http://127.0.0.1:${port}/health`, bodyContains: 'ok' })
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
await new Promise(resolve => server.close(resolve))

rates.sort((a, b) => a - b)
const median = rates[Math.floor(rates.length / 2)] as number
console.log(
  `median ${Math.round(median)} req/s at concurrency ${CONCURRENCY} (target ≥ ${TARGET}): ${median >= TARGET ? 'PASS' : 'FAIL'}`
)
if (median < TARGET) process.exitCode = 1

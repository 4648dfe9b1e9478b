/**
 * Memory over a monitor run: runHealthChecks in monitor mode with one http check every second
 * (1 request/s) against a local server, for DURATION seconds (default 60; a real soak is
 * longer, so growth per hour is extrapolated). Reports heap and RSS at the start, every 10 s
 * and at the end. Run with --expose-gc for steadier heap figures:
 *   npx tsx --expose-gc test/bench/health-memory.ts [seconds, default 60]
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { silentLogger, systemClock } from '@fargate-promote/common'
import { httpShorthand, runHealthChecks } from '@fargate-promote/health'

const DURATION_S = Number(process.argv[2] ?? process.env['DURATION'] ?? 60)
const gc = (globalThis as { gc?: () => void }).gc

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end('{"status":"ok"}')
})
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`
const checks = [httpShorthand({ url, bodyContains: 'ok' })]

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2)
function measure(label: string) {
  gc?.()
  const { heapUsed, rss } = process.memoryUsage()
  console.log(`${label.padEnd(8)} heapUsed ${mb(heapUsed)} MB, rss ${mb(rss)} MB`)
  return { heapUsed, rss }
}

// Warm-up: a short run loads every module and JIT-compiles the probe.
await runHealthChecks(
  {
    checks,
    mode: 'monitor',
    timeoutMs: 2_000,
    intervalMs: 200,
    durationMs: 2_000,
    consecutiveSuccesses: 1
  },
  { clock: systemClock, log: silentLogger }
)
const start = measure('start')
const started = Date.now()
const ticks: { heapUsed: number; rss: number }[] = []
const ticker = setInterval(
  () => ticks.push(measure(`${Math.round((Date.now() - started) / 1000)}s`)),
  10_000
)
const report = await runHealthChecks(
  {
    checks,
    mode: 'monitor',
    timeoutMs: DURATION_S * 1000,
    intervalMs: 1_000,
    durationMs: DURATION_S * 1000,
    consecutiveSuccesses: 1
  },
  { clock: systemClock, log: silentLogger }
)
clearInterval(ticker)
const end = measure('end')
await new Promise(resolve => server.close(resolve))

// The first 10 s still settle (RSS often shrinks as start-up pages are returned); growth is
// measured from the 10 s mark when the run is long enough to have one.
const steady = ticks[0] ?? start
const steadyLabel = ticks[0] ? '10s mark' : 'start'
const heapGrowth = end.heapUsed - steady.heapUsed
const rssGrowth = end.rss - steady.rss
const steadySeconds = ticks[0] ? DURATION_S - 10 : DURATION_S
const samplesSince = Math.max(1, Math.round(steadySeconds))
console.log(
  `monitor ${DURATION_S}s at 1 request/s: ${report.samples.length} samples, healthy ${report.healthy}, gc ${gc ? 'forced' : 'not exposed (run with --expose-gc)'}`
)
console.log(
  `from start: heap ${mb(end.heapUsed - start.heapUsed)} MB, rss ${mb(end.rss - start.rss)} MB`
)
console.log(
  `from the ${steadyLabel}: heap ${mb(heapGrowth)} MB, rss ${mb(rssGrowth)} MB over ${samplesSince} s = ${Math.round(heapGrowth / samplesSince)} heap bytes per sample (every sample is kept for the report); at that rate 1 h of monitoring adds ${mb((heapGrowth / samplesSince) * 3600)} MB of heap`
)

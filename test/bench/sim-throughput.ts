/**
 * Throughput of the simulator on this machine:
 *  1. HTTP requests per second through a listener proxy to 3 healthy task containers
 *     (autocannon: 32 connections, 10 s);
 *  2. DescribeServices calls per second through the real ECSClient (10 concurrent callers, 10 s).
 *
 * Run: npx tsx test/bench/sim-throughput.ts   (prints figures, stops the sim, exits by itself)
 * The load generator shares the process (and the cores) with the sim, as in the e2e tests.
 */
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import autocannon from 'autocannon'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { startSim } from '../../packages/sim/src/index.js'

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = 32
const CALLERS = 10

const scenario = {
  clusters: ['bench'],
  loadBalancers: [
    { name: 'bench', listeners: [{ port: 80, targetGroups: [{ name: 'bench-tg', weight: 100 }] }] }
  ],
  targetGroups: [
    {
      name: 'bench-tg',
      port: 8080,
      healthCheckPath: '/health',
      healthCheckIntervalSeconds: 5,
      healthCheckTimeoutSeconds: 2,
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 2,
      deregistrationDelaySeconds: 5
    }
  ],
  taskDefinitions: [
    {
      family: 'bench',
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [
        {
          name: 'web',
          image: 'registry.example.com/shop/web:1.0.0',
          portMappings: [{ containerPort: 8080 }]
        }
      ]
    }
  ],
  services: [
    {
      cluster: 'bench',
      name: 'web',
      taskDefinition: 'bench',
      desiredCount: 3,
      targetGroup: 'bench-tg',
      waitForSteady: true
    }
  ]
}

const load = () =>
  loadavg()
    .map(n => n.toFixed(2))
    .join(' ')

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), load before: ${load()}`
  )
  const sim = await startSim({ scenario, timeScale: 20 })
  try {
    const { listeners } = (await (await fetch(`${sim.url}/_sim/listeners`)).json()) as {
      listeners: { loadBalancerName: string; url: string }[]
    }
    const url = listeners.find(l => l.loadBalancerName === 'bench')!.url

    const http = await autocannon({
      url: `${url}/`,
      connections: CONNECTIONS,
      duration: DURATION_S
    })
    console.log(
      `listener -> 3 healthy tasks (autocannon, ${CONNECTIONS} connections, ${DURATION_S} s): ` +
        `${http.requests.average.toFixed(0)} req/s average (total ${http.requests.total}), ` +
        `latency p50 ${http.latency.p50} ms / p99 ${http.latency.p99} ms, ` +
        `non-2xx ${http.non2xx}, errors ${http.errors}, timeouts ${http.timeouts}; load ${load()}`
    )

    const ecs = new ECSClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
      maxAttempts: 1
    })
    const latencies: number[] = []
    let failures = 0
    const end = performance.now() + DURATION_S * 1000
    const caller = async () => {
      while (performance.now() < end) {
        const start = performance.now()
        try {
          await ecs.send(new DescribeServicesCommand({ cluster: 'bench', services: ['web'] }))
          latencies.push(performance.now() - start)
        } catch {
          failures++
        }
      }
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: CALLERS }, caller))
    const seconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    console.log(
      `DescribeServices (ECSClient, ${CALLERS} concurrent callers, ${DURATION_S} s): ` +
        `${(latencies.length / seconds).toFixed(0)} calls/s (total ${latencies.length}), ` +
        `latency p50 ${percentile(latencies, 50).toFixed(1)} ms / p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
        `failures ${failures}; load ${load()}`
    )
    ecs.destroy()
  } finally {
    await sim.stop()
  }
}

await main()

/**
 * Benchmarks of deploy-fargate's bundle against the simulator (issue: detection lag, AWS calls
 * per minute of waiting, bundle size, start-up time). Run: npx tsx test/bench/deploy-fargate.ts
 * Prints one line per figure; takes about 3 minutes.
 */
import { statSync } from 'node:fs'
import { createServer } from 'node:net'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ECSClient, UpdateServiceCommand, DescribeServicesCommand } from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot, runAction, inputEnv } from '../e2e/run-action.js'

const bundle = join(repoRoot, 'actions/deploy-fargate/dist/index.js')

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] as number
}

function client(sim: Sim): ECSClient {
  return new ECSClient({
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
}

/** Time from spawning the bundle to its first TCP connection to "AWS". */
async function startupMs(): Promise<number> {
  const server = createServer(socket => socket.destroy())
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const started = process.hrtime.bigint()
  let connected = 0
  server.on('connection', () => {
    if (!connected) connected = Number(process.hrtime.bigint() - started) / 1e6
  })
  const child = spawn(process.execPath, [bundle], {
    env: {
      PATH: process.env.PATH,
      ...inputEnv({ cluster: 'staging', service: 'web' }),
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
      AWS_MAX_ATTEMPTS: '1',
      GITHUB_OUTPUT: '/dev/null',
      GITHUB_STATE: '/dev/null',
      GITHUB_STEP_SUMMARY: '/dev/null'
    },
    stdio: 'ignore'
  })
  await new Promise(resolve => child.on('close', resolve))
  server.close()
  return connected
}

async function detectionLag(): Promise<{ lagMs: number; pollMs: number }> {
  const sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 20 })
  const ecs = client(sim)
  try {
    // Circuit breaker without rollback: the failure is the end of the story, so the action
    // exits as soon as it sees it.
    await ecs.send(
      new UpdateServiceCommand({
        cluster: 'staging',
        service: 'web',
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: true, rollback: false },
          minimumHealthyPercent: 100,
          maximumPercent: 200
        }
      })
    )
    const pollMs = 1000
    const run = await runAction({
      action: 'deploy-fargate',
      simUrl: sim.url,
      inputs: {
        cluster: 'staging',
        service: 'web',
        images: 'web=registry.example.com/shop/web:2.0.0-crash',
        'circuit-breaker': 'false',
        'on-failure': 'none',
        'poll-interval': '1s',
        timeout: '5m'
      },
      timeoutMs: 300_000
    })
    const exitedAt = Date.now()
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })
    )
    const failed = services?.[0]?.events?.find(event =>
      event.message?.includes('deployment failed')
    )
    if (!failed?.createdAt || run.outputs.status !== 'failed')
      throw new Error(`unexpected: ${run.outputs.status} ${run.stdout}`)
    return { lagMs: exitedAt - failed.createdAt.getTime(), pollMs }
  } finally {
    ecs.destroy()
    await sim.stop()
  }
}

async function callsPerMinute(
  services: string[],
  scenario: object
): Promise<{ perMinute: number; waitedMs: number; calls: number }> {
  const sim = await startSim({ scenario, timeScale: 0.5 })
  try {
    const started = Date.now()
    const run = await runAction({
      action: 'deploy-fargate',
      simUrl: sim.url,
      inputs: {
        cluster: 'bench',
        services: services.join('\n'),
        images: services.map(s => `${s}=registry.example.com/shop/${s}:2.0.0`).join('\n'),
        'poll-interval': '5s',
        timeout: '10m'
      },
      timeoutMs: 600_000
    })
    if (run.outputs.status !== 'succeeded') throw new Error(run.stdout)
    const updateAt = sim.calls().find(call => call.operation === 'UpdateService')?.time ?? started
    const watchCalls = sim.calls().filter(call => call.time > updateAt && call.service !== 'github')
    const waitedMs = Date.now() - updateAt
    return {
      perMinute: (watchCalls.length / waitedMs) * 60_000,
      waitedMs,
      calls: watchCalls.length
    }
  } finally {
    await sim.stop()
  }
}

function benchScenario(count: number): object {
  const names = Array.from({ length: count }, (_, i) => `svc${i + 1}`)
  return {
    region: 'eu-west-1',
    clusters: ['bench'],
    taskDefinitions: names.map(name => ({
      family: name,
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [
        { name, image: `registry.example.com/shop/${name}:1.0.0`, essential: true }
      ]
    })),
    services: names.map(name => ({
      cluster: 'bench',
      name,
      taskDefinition: name,
      desiredCount: 1,
      waitForSteady: true
    }))
  }
}

const size = statSync(bundle).size
console.log(`bundle: dist/index.js ${size} bytes (${(size / 1e6).toFixed(2)} MB)`)
const startups: number[] = []
for (let i = 0; i < 10; i++) startups.push(await startupMs())
console.log(
  `start-up to first AWS request: median ${median(startups).toFixed(0)} ms of 10 (min ${Math.min(...startups).toFixed(0)}, max ${Math.max(...startups).toFixed(0)})`
)
const lag = await detectionLag()
console.log(
  `detection lag (first failure signal -> exit): ${lag.lagMs} ms with poll interval ${lag.pollMs} ms (target <= ${lag.pollMs + 1000} ms)`
)
const one = await callsPerMinute(['svc1'], benchScenario(1))
console.log(
  `AWS calls per minute of waiting, 1 service: ${one.perMinute.toFixed(1)} (${one.calls} calls in ${(one.waitedMs / 1000).toFixed(1)} s)`
)
const five = await callsPerMinute(['svc1', 'svc2', 'svc3', 'svc4', 'svc5'], benchScenario(5))
console.log(
  `AWS calls per minute of waiting, 5 services: ${five.perMinute.toFixed(1)} (${five.calls} calls in ${(five.waitedMs / 1000).toFixed(1)} s)`
)

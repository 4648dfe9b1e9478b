/**
 * Benchmarks of deploy-fargate's bundle against the simulator (issue: detection lag, AWS calls
 * per minute of waiting, bundle size, start-up time), for 1 and 5 services.
 * Run: npx tsx test/bench/deploy-fargate.ts [--runs N] [--startup-runs N] [--json]
 * --runs repeats the detection lag and the calls per minute (default 1; a run of all four is
 * about 2 minutes); --startup-runs times the bundle's start-up (default 10; 0 skips it and the
 * size, which test/bench/startup.ts measures next to the other actions). Prints one line per
 * figure; with --json those go to stderr and one JSON object of the raw samples to stdout.
 */
import { statSync } from 'node:fs'
import { createServer } from 'node:net'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ECSClient, UpdateServiceCommand, DescribeServicesCommand } from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot, runAction, inputEnv } from '../e2e/run-action.js'

const bundle = join(repoRoot, 'actions/deploy-fargate/dist/index.js')
const POLL_MS = 1000

interface Options {
  runs: number
  startupRuns: number
  json: boolean
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1' },
      'startup-runs': { type: 'string', default: '10' },
      json: { type: 'boolean', default: false }
    }
  })
  const runs = Number(values.runs)
  const startupRuns = Number(values['startup-runs'])
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive integer, got '${values.runs}'`)
  }
  if (!Number.isInteger(startupRuns) || startupRuns < 0) {
    throw new Error(`--startup-runs must be 0 or more, got '${values['startup-runs']}'`)
  }
  return { runs, startupRuns, json: values.json }
}

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

interface Lag {
  /** From the first service's "deployment failed" event to the action's exit. */
  lagFirstMs: number
  /** From the last service's "deployment failed" event (the whole release failed) to the exit. */
  lagLastMs: number
}

/**
 * A crashing release of `count` services with the circuit breaker on and ECS's rollback off:
 * the failure is the end of the story, so the action exits as soon as it sees it.
 */
async function detectionLag(count: number): Promise<Lag> {
  const names = serviceNames(count)
  const sim = await startSim({ scenario: benchScenario(count), timeScale: 20 })
  const ecs = client(sim)
  try {
    for (const service of names) {
      await ecs.send(
        new UpdateServiceCommand({
          cluster: 'bench',
          service,
          deploymentConfiguration: {
            deploymentCircuitBreaker: { enable: true, rollback: false },
            minimumHealthyPercent: 100,
            maximumPercent: 200
          }
        })
      )
    }
    const run = await runAction({
      action: 'deploy-fargate',
      simUrl: sim.url,
      inputs: {
        cluster: 'bench',
        services: names.join('\n'),
        images: names.map(s => `${s}=registry.example.com/shop/${s}:2.0.0-crash`).join('\n'),
        'circuit-breaker': 'false',
        'on-failure': 'none',
        'poll-interval': `${POLL_MS}ms`,
        timeout: '5m'
      },
      timeoutMs: 300_000
    })
    const exitedAt = Date.now()
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'bench', services: names })
    )
    const failedAt = (services ?? []).map(
      service =>
        service.events
          ?.find(event => event.message?.includes('deployment failed'))
          ?.createdAt?.getTime() ?? Number.NaN
    )
    if (failedAt.length !== count || failedAt.some(Number.isNaN) || run.outputs.status !== 'failed')
      throw new Error(`unexpected: ${run.outputs.status} ${run.stdout}`)
    return {
      lagFirstMs: exitedAt - Math.min(...failedAt),
      lagLastMs: exitedAt - Math.max(...failedAt)
    }
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

function serviceNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `svc${i + 1}`)
}

function benchScenario(count: number): object {
  const names = serviceNames(count)
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

interface Calls {
  perMinute: number
  waitedMs: number
  calls: number
}

interface Figures {
  startupMs: number[]
  bundleBytes?: number
  detection: Record<'services1' | 'services5', Lag[]>
  callsPerMinute: Record<'services1' | 'services5', Calls[]>
}

async function measure(options: Options, out: (line: string) => void): Promise<Figures> {
  const figures: Figures = {
    startupMs: [],
    detection: { services1: [], services5: [] },
    callsPerMinute: { services1: [], services5: [] }
  }
  if (options.startupRuns > 0) {
    const size = statSync(bundle).size
    figures.bundleBytes = size
    out(`bundle: dist/index.js ${size} bytes (${(size / 1e6).toFixed(2)} MB)`)
    for (let i = 0; i < options.startupRuns; i++) figures.startupMs.push(await startupMs())
    const startups = figures.startupMs
    out(
      `start-up to first AWS request: median ${median(startups).toFixed(0)} ms of ${startups.length} (min ${Math.min(...startups).toFixed(0)}, max ${Math.max(...startups).toFixed(0)})`
    )
  }
  for (let run = 1; run <= options.runs; run++) {
    for (const count of [1, 5] as const) {
      const lag = await detectionLag(count)
      figures.detection[`services${count}`].push(lag)
      out(
        `run ${run}, ${count} service(s): detection lag (failure signal -> exit) ${lag.lagFirstMs} ms from the first failure, ${lag.lagLastMs} ms from the last, poll interval ${POLL_MS} ms (target <= ${POLL_MS + 1000} ms)`
      )
    }
    for (const count of [1, 5] as const) {
      const calls = await callsPerMinute(serviceNames(count), benchScenario(count))
      figures.callsPerMinute[`services${count}`].push(calls)
      out(
        `run ${run}: AWS calls per minute of waiting, ${count} service(s): ${calls.perMinute.toFixed(1)} (${calls.calls} calls in ${(calls.waitedMs / 1000).toFixed(1)} s)`
      )
    }
  }
  return figures
}

const options = parseOptions()
const log = (line: string) => process.stderr.write(`${line}\n`)
const figures = await measure(options, options.json ? log : line => console.log(line))
if (options.json) console.log(JSON.stringify({ pollMs: POLL_MS, runs: options.runs, ...figures }))

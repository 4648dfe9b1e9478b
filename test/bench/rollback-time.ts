/**
 * Benchmark of the rollback bundle against the simulator: how long from the action's start
 * until the service serves only the old revision (polling the load balancer's listener), how
 * long the step takes, and the action's own overhead: the AWS round trips (sequential waits;
 * parallel calls count once) before UpdateService.
 * The sim answers in well under a millisecond, faster than the action sends two parallel
 * requests, so the round trips are measured in one extra run where every call takes
 * ROUND_TRIP_LATENCY_MS (a latency-only fault); the timing runs have no injected latency.
 * Run: npx tsx test/bench/rollback-time.ts [--runs N] [--json]
 * (needs actions/rollback/dist; default 3 timing runs, about a minute). With --json the lines
 * go to stderr and one JSON object of the raw samples to stdout.
 */
import { parseArgs } from 'node:util'
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { roundTrips, startSim, type CallRecord, type Sim } from '@fargate-promote/sim'
import { repoRoot, runAction } from '../e2e/run-action.js'

const TIME_SCALE = 10
/** Real ms every AWS and GitHub call takes in the round-trip run: roughly an AWS API call. */
const ROUND_TRIP_LATENCY_MS = 50
const OLD_IMAGE = 'registry.example.com/shop/web:1.0.0'
const BAD_IMAGE = 'registry.example.com/shop/web:1.1.0-errors'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] as number
}

async function deployBadRelease(ecs: ECSClient): Promise<void> {
  const { taskDefinition: base } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1' })
  )
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      cpu: base?.cpu,
      memory: base?.memory,
      networkMode: base?.networkMode,
      requiresCompatibilities: base?.requiresCompatibilities,
      executionRoleArn: base?.executionRoleArn,
      containerDefinitions: (base?.containerDefinitions ?? []).map(c => ({
        ...c,
        image: BAD_IMAGE
      })),
      tags: [{ key: 'version', value: '1.1.0-errors' }]
    })
  )
  const arn = taskDefinition?.taskDefinitionArn
  await ecs.send(
    new UpdateServiceCommand({ cluster: 'staging', service: 'web', taskDefinition: arn })
  )
  for (;;) {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })
    )
    const deployments = services?.[0]?.deployments ?? []
    if (deployments.length === 1 && deployments[0]?.rolloutState === 'COMPLETED') return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

async function listenerUrl(sim: Sim): Promise<string> {
  const answer = await fetch(`${sim.url}/_sim/listeners`)
  const { listeners } = (await answer.json()) as { listeners: { url: string }[] }
  const url = listeners[0]?.url
  if (!url) throw new Error('no listener')
  return url
}

/**
 * Polls the listener every 10 ms. A response counts as "old" only when its body names the old
 * image; the bad release answers with its own image or with an injected 500 (no image).
 */
function watchServing(url: string): { stop(): Promise<{ lastNotOldAt: number; samples: number }> } {
  let running = true
  let lastNotOldAt = 0
  let samples = 0
  const loop = (async () => {
    while (running) {
      const at = Date.now()
      try {
        const answer = await fetch(url, { signal: AbortSignal.timeout(1000) })
        const body = (await answer.json()) as { image?: string }
        if (body.image !== OLD_IMAGE) lastNotOldAt = at
      } catch {
        lastNotOldAt = at
      }
      samples++
      await new Promise(resolve => setTimeout(resolve, 10))
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      return { lastNotOldAt, samples }
    }
  }
}

interface Figures {
  servingOldMs: number
  stepMs: number
  /** Non-GitHub calls received before UpdateService was, in sequential waves. */
  waves: CallRecord[][]
  total: number
}

/** The AWS calls received before the first UpdateService was, as waves of round trips. */
function wavesBeforeUpdate(calls: CallRecord[]): CallRecord[][] {
  const updates = calls.filter(call => call.operation === 'UpdateService')
  if (updates.length === 0) throw new Error('the action never called UpdateService')
  const updateAt = Math.min(...updates.map(call => call.receivedAt))
  return roundTrips(calls.filter(call => call.receivedAt < updateAt))
}

async function once(latencyMs = 0): Promise<Figures> {
  const sim = await startSim({
    scenario: `${repoRoot}/test/fixtures/e2e.yml`,
    timeScale: TIME_SCALE
  })
  const ecs = new ECSClient({
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  try {
    await deployBadRelease(ecs)
    if (latencyMs > 0) {
      const added = await fetch(`${sim.url}/_sim/faults`, {
        method: 'POST',
        body: JSON.stringify({ latencyMs })
      })
      if (added.status !== 201) throw new Error(`latency fault: HTTP ${added.status}`)
    }
    const serving = watchServing(`${await listenerUrl(sim)}/`)
    await new Promise(resolve => setTimeout(resolve, 200))
    const seq = sim.calls().at(-1)?.seq ?? 0
    const startedAt = Date.now()
    const run = await runAction({
      action: 'rollback',
      simUrl: sim.url,
      inputs: {
        cluster: 'staging',
        service: 'web',
        reason: 'benchmark',
        'poll-interval': '500ms',
        timeout: '5m'
      },
      timeoutMs: 300_000
    })
    const stepMs = Date.now() - startedAt
    if (run.outputs.status !== 'rolled-back') throw new Error(`${run.stdout}\n${run.stderr}`)
    // Keep sampling a little after the exit: the old tasks must stay the only ones serving.
    await new Promise(resolve => setTimeout(resolve, 500))
    const { lastNotOldAt } = await serving.stop()
    const calls = sim.calls().filter(call => call.seq > seq && call.service !== 'github')
    return {
      servingOldMs: lastNotOldAt - startedAt,
      stepMs,
      waves: wavesBeforeUpdate(calls),
      total: calls.length
    }
  } finally {
    ecs.destroy()
    await sim.stop()
  }
}

function parseOptions(): { runs: number; json: boolean } {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } }
  })
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive integer, got '${values.runs}'`)
  }
  return { runs, json: values.json }
}

const options = parseOptions()
const out = options.json
  ? (line: string) => process.stderr.write(`${line}\n`)
  : (line: string) => console.log(line)
const results: Figures[] = []
for (let i = 0; i < options.runs; i++) results.push(await once())
const serving = results.map(r => r.servingOldMs)
const steps = results.map(r => r.stepMs)
const measured = await once(ROUND_TRIP_LATENCY_MS)
const waves = measured.waves.map(wave => wave.map(call => call.operation).join(' ‖ ')).join(' → ')
const callsBefore = measured.waves.reduce((sum, wave) => sum + wave.length, 0)
out(
  `sim time scale ${TIME_SCALE}x (sim seconds per real second); poll-interval 500ms; ${options.runs} runs`
)
out(
  `action start -> service serving only the old revision: median ${median(serving)} ms real (min ${Math.min(...serving)}, max ${Math.max(...serving)}) = ~${((median(serving) * TIME_SCALE) / 1000).toFixed(0)} s of sim time`
)
out(
  `action start -> step finished (rollout observed COMPLETED): median ${median(steps)} ms real (min ${Math.min(...steps)}, max ${Math.max(...steps)})`
)
out(
  `AWS round trips before UpdateService (every call ${ROUND_TRIP_LATENCY_MS} ms): ${measured.waves.length} (target <= 2) in ${callsBefore} calls: ${waves}`
)
out(`AWS calls in the whole step: ${results.map(r => r.total).join(', ')}`)
if (options.json) {
  console.log(
    JSON.stringify({
      timeScale: TIME_SCALE,
      roundTripLatencyMs: ROUND_TRIP_LATENCY_MS,
      servingOldMs: serving,
      stepMs: steps,
      totalCalls: results.map(r => r.total),
      roundTrips: measured.waves.length,
      callsBeforeUpdate: callsBefore,
      waves: measured.waves.map(wave => wave.map(call => call.operation))
    })
  )
}

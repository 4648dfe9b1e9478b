import { afterEach, expect, it, jest } from '@jest/globals'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { MemoryLogger, scaledClock } from '@fargate-promote/common'
import { startSim, type Sim } from '@fargate-promote/sim'
import { RolloutWatchError, watchRollout } from '../src/watch/watch.js'
import { register } from './progressive-follow-fixtures.js'

/**
 * An AWS outage during a rollout, on the sim (virtual time at scale 30: a sim minute is 2 real
 * seconds): DescribeServices fails for about two sim minutes while ECS goes on with the
 * deployment. The watch must ride it out and see the deployment complete; an error that will
 * not heal must still end it at once.
 */

const SCALE = 30
const credentials = { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' }
let sim: Sim | undefined

afterEach(async () => {
  await sim?.stop()
  sim = undefined
})

jest.setTimeout(30_000)

async function fault(rule: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${(sim as Sim).url}/_sim/faults`, {
    method: 'POST',
    body: JSON.stringify(rule)
  })
  expect(res.status).toBe(201)
}

/** web:1 running on a rolling service; web:2's deployment just started. */
async function rollout() {
  sim = await startSim({ timeScale: SCALE, virtualTime: true })
  // One attempt per call: every failed poll is one the watch sees.
  const config = { endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts: 1 }
  const ecs = new ECSClient(config)
  const elb = new ElasticLoadBalancingV2Client(config)
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }))
  await register(ecs, 'shop:v1')
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } }
    })
  )
  await register(ecs, 'shop:v2')
  const out = await ecs.send(
    new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' })
  )
  const primary = out.service?.deployments?.find(d => d.status === 'PRIMARY')
  const log = new MemoryLogger()
  const clock = scaledClock({ origin: sim.clock.origin, scale: SCALE })
  const options = {
    cluster: 'prod',
    targets: [
      {
        service: 'web',
        deploymentId: primary?.id ?? '',
        taskDefinitionArn: primary?.taskDefinition ?? ''
      }
    ],
    timeoutMs: 15 * 60_000,
    pollIntervalMs: 5_000,
    waitForTargetHealth: false,
    followRollback: true
  }
  return { deps: { ecs, elb, log, clock }, options }
}

// Connection resets are covered by the unit tests: under Jest's VM modules the SDK sees Node's
// socket error from another realm (not `instanceof Error`) and wraps it in a plain string error.
it('rides out two minutes of DescribeServices failures (503s, then 500s) and sees the rollout succeed', async () => {
  const { deps, options } = await rollout()
  const { clock, log } = deps
  await fault({ service: 'ecs', operation: 'DescribeServices', status: 503, count: 2 })
  await fault({ service: 'ecs', operation: 'DescribeServices', status: 500, count: 4 })
  const started = clock.now()
  const [result] = await watchRollout(options, deps)
  expect(result?.outcome).toBe('succeeded')
  const warnings = log.lines.filter(l => l.level === 'warning').map(l => l.message)
  expect(warnings).toHaveLength(6)
  expect(warnings[0]).toMatch(/^AWS DescribeServices failed \(.+\); still watching, deadline in /)
  // Six failed polls, 5 + 10 + 20 + 30 + 30 s apart, then the one that went through.
  expect(clock.now() - started).toBeGreaterThanOrEqual(120_000)
  expect(log.text()).toMatch(/AWS answers again after failing for 2m \d+s/)
})

it('ends at once on an error that will not heal', async () => {
  const { deps, options } = await rollout()
  const { clock } = deps
  await fault({
    service: 'ecs',
    operation: 'DescribeServices',
    error: 'AccessDeniedException',
    status: 400,
    message: 'not authorized to perform ecs:DescribeServices'
  })
  const started = clock.now()
  const error: unknown = await watchRollout(options, deps).catch(e => e as unknown)
  expect(error).toBeInstanceOf(RolloutWatchError)
  expect((error as Error).message).toBe(
    'could not watch the rollout: DescribeServices failed: not authorized to perform ecs:DescribeServices'
  )
  expect(clock.now() - started).toBeLessThan(5_000)
})

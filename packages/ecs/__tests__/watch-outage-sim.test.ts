import { afterEach, expect, it, jest } from '@jest/globals'
import { UpdateServiceCommand } from '@aws-sdk/client-ecs'
import { RolloutWatchError, watchRollout } from '../src/watch/watch.js'
import { register } from './progressive-follow-fixtures.js'
import { createWeb, rollingSim, type RollingSim } from './rolling-sim-fixtures.js'

/**
 * An AWS outage during a rollout, on the sim (virtual time at scale 30: a sim minute is 2 real
 * seconds): DescribeServices fails for about two sim minutes while ECS goes on with the
 * deployment. The watch must ride it out and see the deployment complete; an error that will
 * not heal must still end it at once.
 */

let s: RollingSim | undefined

afterEach(async () => {
  await s?.stop()
  s = undefined
})

jest.setTimeout(30_000)

/** web:1 running on a rolling service; web:2's deployment just started. */
async function rollout() {
  s = await rollingSim()
  const { ecs, elb, log, clock } = s
  await createWeb(s, { images: ['shop:v1'], taskDefinition: 'web', desiredCount: 2 })
  await register(ecs, 'shop:v2')
  const out = await ecs.send(
    new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' })
  )
  const primary = out.service?.deployments?.find(d => d.status === 'PRIMARY')
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

// Connection resets are covered by the unit tests (watch-polling.test.ts), the reset that
// reaches us as text only (as under Jest's VM modules) among them.
it('rides out two minutes of DescribeServices failures (503s, then 500s) and sees the rollout succeed', async () => {
  const { deps, options } = await rollout()
  const { clock, log } = deps
  await s!.fault({ service: 'ecs', operation: 'DescribeServices', status: 503, count: 2 })
  await s!.fault({ service: 'ecs', operation: 'DescribeServices', status: 500, count: 4 })
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
  await s!.fault({
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

import { afterEach, expect, it, jest } from '@jest/globals'
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs'
import { scaledClock } from '@fargate-promote/common'
import { rollbackService } from '../src/index.js'
import { watchRollout } from '../src/watch/watch.js'
import {
  deploy,
  deploymentStatus,
  register,
  SCALE,
  stack,
  until,
  weightOf,
  type Stack
} from './progressive-follow-fixtures.js'

/**
 * A BLUE_GREEN service on the sim registers each deployment's tasks in the group of its pair
 * that did not serve production before, while loadBalancers[].targetGroupArn keeps naming
 * shop-a: web:1 (the service's first deployment) runs in the alternate group shop-b, web:2 in
 * shop-a. A watch of either, and our rollback of a canary back to web:1, must find the live
 * revision's targets healthy in the group that holds them.
 */

let s: Stack | undefined

afterEach(async () => {
  await s?.stop()
  s = undefined
})

jest.setTimeout(30_000)

function depsOf(stackNow: Stack) {
  const clock = scaledClock({ origin: stackNow.sim.clock.origin, scale: SCALE })
  const { ecs, elb, log } = stackNow
  return { ecs, elb, clock, log }
}

async function primaryOf(stackNow: Stack) {
  const out = await stackNow.ecs.send(
    new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
  )
  const primary = out.services?.[0]?.deployments?.find(d => d.status === 'PRIMARY')
  return { id: primary?.id ?? '', taskDefinitionArn: primary?.taskDefinition ?? '' }
}

/** Watches the live deployment with target health on, as deploy and rollback do. */
async function watchLive(stackNow: Stack) {
  const live = await primaryOf(stackNow)
  const [result] = await watchRollout(
    {
      cluster: 'prod',
      targets: [{ service: 'web', ...live, deploymentId: live.id }],
      timeoutMs: 5 * 60_000,
      pollIntervalMs: 5_000,
      waitForTargetHealth: true,
      followRollback: false
    },
    depsOf(stackNow)
  )
  return result
}

/** web:2 deployed BLUE_GREEN and settled: the groups swapped, it serves from shop-a. */
async function secondDeploymentSettled(stackNow: Stack): Promise<void> {
  await register(stackNow.ecs, 'shop:v2')
  const out = await stackNow.ecs.send(
    new UpdateServiceCommand({
      cluster: 'prod',
      service: 'web',
      taskDefinition: 'web:2',
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 }
    })
  )
  const arn = out.service?.currentServiceDeployment ?? ''
  await until(
    async () => ((await deploymentStatus(stackNow.ecs, arn)) === 'SUCCESSFUL' ? true : undefined),
    'web:2 settled'
  )
}

it('a watch finds the live targets healthy in the alternate group, then, after a swap, in the other', async () => {
  s = await stack()
  expect(await weightOf(s, s.green)).toBe(100)

  const first = await watchLive(s)
  expect(first?.outcome).toBe('succeeded')
  expect(first?.reason).toMatch(/and 1\/1 targets healthy in shop-b$/)

  await secondDeploymentSettled(s)
  expect(await weightOf(s, s.blue)).toBe(100)
  const second = await watchLive(s)
  expect(second?.outcome).toBe('succeeded')
  expect(second?.reason).toMatch(/and 1\/1 targets healthy in shop-a$/)
})

it('our rollback of a canary back to the revision in the alternate group is rolled-back', async () => {
  s = await stack()
  const stackNow = s
  const before = await primaryOf(stackNow)
  // web:2 goes to shop-a as a 10 % canary baking long enough to be rolled back during it.
  const canary = await deploy(stackNow, 'shop:v2', { canaryBake: 30, bake: 0 })
  await until(
    async () => ((await weightOf(stackNow, canary.new)) === 10 ? true : undefined),
    'web:2 canary at 10 %'
  )

  const result = await rollbackService(
    {
      cluster: 'prod',
      service: 'web',
      taskDefinitionArn: before.taskDefinitionArn,
      reason: 'the deploy did not succeed',
      timeoutMs: 5 * 60_000,
      pollIntervalMs: 5_000,
      waitForTargetHealth: true,
      stopInProgress: true,
      serviceDeploymentArn: canary.arn
    },
    depsOf(stackNow)
  )

  expect(result.status).toBe('rolled-back')
  expect(result.method).toBe('stop-service-deployment')
  expect(result.rollout?.reason).toMatch(/and 1\/1 targets healthy in shop-b$/)
  expect(await weightOf(stackNow, stackNow.green)).toBe(100)
})

import { afterEach, expect, it, jest } from '@jest/globals'
import { DescribeServiceDeploymentsCommand } from '@aws-sdk/client-ecs'
import { followProgressive } from '../src/index.js'
import { deploy, followArgs, stack, type Stack } from './progressive-follow-fixtures.js'

/**
 * followProgressive at PAUSE hooks on the sim: `continue-on-pass` continues the hook before the
 * first step at once and the one before 100 % after the canary passed; `wait` hands the first
 * hook back.
 */

let s: Stack | undefined

afterEach(async () => {
  await s?.stop()
  s = undefined
})

jest.setTimeout(30_000)

const hooks = [
  { targetType: 'PAUSE' as const, lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT' as const] }
]

it('continues each PAUSE hook: before any traffic at once, then after the canary passed', async () => {
  s = await stack()
  const deployment = await deploy(s, 'shop:v2', { canaryBake: 2, bake: 0, hooks })
  const result = await followProgressive(...followArgs(s, deployment, 'continue-on-pass'))

  expect(result.outcome).toBe('succeeded')
  expect(result.steps.map(step => [step.weightNew, step.analysis?.verdict])).toEqual([
    [10, 'pass'],
    [100, undefined]
  ])
  const log = s.log.text()
  expect(log).toContain(
    'web: continuing past the pause at PRE_PRODUCTION_TRAFFIC_SHIFT (no production traffic on the new revision yet).'
  )
  expect(log).toContain(
    'web: continuing past the pause at PRE_PRODUCTION_TRAFFIC_SHIFT (the step passed).'
  )
  const out = await s.ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [deployment.arn] })
  )
  expect(out.serviceDeployments?.[0]?.lifecycleHookDetails?.map(h => h.status)).toEqual([
    'SUCCEEDED',
    'SUCCEEDED'
  ])
})

it("hands the hook back with pauses 'wait', leaving the deployment waiting", async () => {
  s = await stack()
  const deployment = await deploy(s, 'shop:v2', { canaryBake: 2, bake: 0, hooks })
  const result = await followProgressive(...followArgs(s, deployment, 'wait'))

  const out = await s.ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [deployment.arn] })
  )
  const sd = out.serviceDeployments?.[0]
  expect(result).toMatchObject({
    outcome: 'paused',
    hookId: sd?.lifecycleHookDetails?.[0]?.hookId,
    reason: `Paused at PRE_PRODUCTION_TRAFFIC_SHIFT (hook ${sd?.lifecycleHookDetails?.[0]?.hookId}).`,
    steps: []
  })
  expect(result.hookId).toMatch(/^ecs-pause-/)
  expect(sd?.status).toBe('IN_PROGRESS')
  expect(sd?.lifecycleHookDetails?.[0]?.status).toBe('AWAITING_ACTION')
})

it('holds the hook before 100 % until the canary is judged, and rolls a failing one back through it', async () => {
  s = await stack()
  // No canary bake: the deployment reaches the hook before 100 % with no analysis yet.
  const deployment = await deploy(s, 'shop:v2-errors', { canaryBake: 0, bake: 0, hooks })
  const result = await followProgressive(...followArgs(s, deployment, 'continue-on-pass'))

  expect(result.outcome).toBe('rolled-back')
  expect(result.steps.map(step => [step.weightNew, step.analysis?.verdict])).toEqual([[10, 'fail']])
  const out = await s.ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [deployment.arn] })
  )
  const sd = out.serviceDeployments?.[0]
  expect(sd?.statusReason).toBe('Rollback requested by ContinueServiceDeployment.')
  expect(sd?.lifecycleHookDetails?.map(h => h.status)).toEqual(['SUCCEEDED', 'FAILED'])
})

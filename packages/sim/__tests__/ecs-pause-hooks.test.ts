/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- ECS responses are read as untyped wire JSON */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createWorld, NETWORK, taskDefinitionInput, waitFor, type World } from './ecs-fakes.js'

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/abc'
const ALT = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/def'
const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/1/2/3'
const ROLE = 'arn:aws:iam::123456789012:role/ecs-infrastructure'
const CANARY = {
  strategy: 'CANARY',
  bakeTimeInMinutes: 0,
  canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 }
}
const HOOK_ID = /^ecs-pause-[A-Za-z0-9_-]{43}$/
let world: World

afterEach(async () => {
  await world.close()
})

async function serviceDeployment(arn: string): Promise<any> {
  const out = await world.call('DescribeServiceDeployments', { serviceDeploymentArns: [arn] })
  return out.serviceDeployments[0]
}

async function settle(arn: string, status: string): Promise<any> {
  return waitFor(async () => {
    world.elb.finishDraining()
    const sd = await serviceDeployment(arn)
    return sd.status === status ? sd : undefined
  })
}

/** A CANARY service whose first deployment is done; no hooks yet. */
async function setUp(): Promise<void> {
  world = createWorld(1000)
  world.elb.addGroup(TG)
  world.elb.addGroup(ALT)
  await world.call('CreateCluster', { clusterName: 'main' })
  await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v1'))
  const created = await world.call('CreateService', {
    cluster: 'main',
    serviceName: 'web',
    taskDefinition: 'web',
    desiredCount: 2,
    networkConfiguration: NETWORK,
    loadBalancers: [
      {
        targetGroupArn: TG,
        containerName: 'app',
        containerPort: 8080,
        advancedConfiguration: {
          alternateTargetGroupArn: ALT,
          productionListenerRule: RULE,
          roleArn: ROLE
        }
      }
    ],
    deploymentConfiguration: CANARY
  })
  await settle(created.service.currentServiceDeployment as string, 'SUCCESSFUL')
}

/** Deploys v2 with these lifecycle hooks; returns the service deployment ARN. */
async function deployWithHooks(hooks: Record<string, unknown>[]): Promise<string> {
  const td = await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2'))
  world.elb.weightCalls = []
  const out = await world.call('UpdateService', {
    cluster: 'main',
    service: 'web',
    taskDefinition: td.taskDefinition.taskDefinitionArn,
    deploymentConfiguration: { ...CANARY, lifecycleHooks: hooks }
  })
  return out.service.currentServiceDeployment as string
}

/** Waits for the `n`th hook (1-based) to await action; returns the deployment then. */
async function awaitingHook(arn: string, n: number): Promise<any> {
  return waitFor(async () => {
    const sd = await serviceDeployment(arn)
    const hooks = sd.lifecycleHookDetails as any[]
    return hooks.length === n && hooks[n - 1].status === 'AWAITING_ACTION' ? sd : undefined
  })
}

const pauseBeforeEachShift = [
  { targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }
]

describe('PAUSE lifecycle hooks', () => {
  it('holds the deployment IN_PROGRESS before each shift until ContinueServiceDeployment', async () => {
    await setUp()
    const arn = await deployWithHooks(pauseBeforeEachShift)
    const paused = await awaitingHook(arn, 1)
    expect(paused.status).toBe('IN_PROGRESS')
    expect(paused.lifecycleStage).toBe('PRE_PRODUCTION_TRAFFIC_SHIFT')
    const [hook] = paused.lifecycleHookDetails
    expect(hook).toEqual({
      hookId: expect.stringMatching(HOOK_ID),
      targetType: 'PAUSE',
      status: 'AWAITING_ACTION',
      expiresAt: expect.any(Date),
      timeoutAction: 'ROLLBACK'
    })
    // Default timeout 1440 minutes of sim time (the clock's timestamps are wall-clock here).
    const expected = Date.now() + (1440 * 60_000) / 1000
    expect(Math.abs(hook.expiresAt.getTime() - expected)).toBeLessThan(2_000)
    // 100 ms real is 100 s of sim time: still paused, and no production traffic moved.
    await new Promise(resolve => setTimeout(resolve, 100))
    expect((await serviceDeployment(arn)).lifecycleStage).toBe('PRE_PRODUCTION_TRAFFIC_SHIFT')
    expect(world.elb.greenShares(RULE, TG)).toEqual([])

    const out = await world.call('ContinueServiceDeployment', {
      serviceDeploymentArn: arn,
      hookId: hook.hookId
    })
    expect(out).toEqual({ serviceDeploymentArn: arn })
    // The canary step, its bake, then a second pause (a new hook) before the last shift.
    const second = await awaitingHook(arn, 2)
    expect(world.elb.greenShares(RULE, TG)).toEqual([10])
    expect(second.lifecycleHookDetails[0].status).toBe('SUCCEEDED')
    const next = second.lifecycleHookDetails[1].hookId as string
    expect(next).not.toBe(hook.hookId)
    await expect(
      world.call('ContinueServiceDeployment', { serviceDeploymentArn: arn, hookId: hook.hookId })
    ).rejects.toMatchObject({ code: 'ClientException' })
    await world.call('ContinueServiceDeployment', {
      serviceDeploymentArn: arn,
      hookId: next,
      action: 'CONTINUE'
    })
    const done = await settle(arn, 'SUCCESSFUL')
    expect(world.elb.greenShares(RULE, TG)).toEqual([10, 100])
    expect(done.lifecycleHookDetails.map((h: any) => h.status)).toEqual(['SUCCEEDED', 'SUCCEEDED'])
    await expect(
      world.call('ContinueServiceDeployment', { serviceDeploymentArn: arn, hookId: next })
    ).rejects.toMatchObject({ code: 'ClientException' })
    expect(world.ecs.isMutating('ContinueServiceDeployment')).toBe(true)
  })

  it('rolls back through ContinueServiceDeployment ROLLBACK with the canary live', async () => {
    await setUp()
    const arn = await deployWithHooks(pauseBeforeEachShift)
    const first = await awaitingHook(arn, 1)
    await world.call('ContinueServiceDeployment', {
      serviceDeploymentArn: arn,
      hookId: first.lifecycleHookDetails[0].hookId
    })
    const second = await awaitingHook(arn, 2)
    await world.call('ContinueServiceDeployment', {
      serviceDeploymentArn: arn,
      hookId: second.lifecycleHookDetails[1].hookId,
      action: 'ROLLBACK'
    })
    expect(world.elb.greenShares(RULE, TG)).toEqual([10, 0])
    const sd = await settle(arn, 'ROLLBACK_SUCCESSFUL')
    expect(sd.rollback.reason).toBe('Rollback requested by ContinueServiceDeployment.')
    expect(sd.lifecycleHookDetails.map((h: any) => h.status)).toEqual(['SUCCEEDED', 'FAILED'])
  })

  it('applies the timeout action on the sim clock', async () => {
    await setUp()
    const rolled = await deployWithHooks([
      {
        targetType: 'PAUSE',
        lifecycleStages: ['POST_SCALE_UP'],
        timeoutConfiguration: { timeoutInMinutes: 1 }
      }
    ])
    const paused = await awaitingHook(rolled, 1)
    expect(paused.lifecycleStage).toBe('POST_SCALE_UP')
    const sd = await settle(rolled, 'ROLLBACK_SUCCESSFUL')
    expect(sd.lifecycleHookDetails[0].status).toBe('TIMED_OUT')
    expect(world.elb.greenShares(RULE, TG)).toEqual([0])

    const continued = await deployWithHooks([
      {
        targetType: 'PAUSE',
        lifecycleStages: ['POST_PRODUCTION_TRAFFIC_SHIFT'],
        timeoutConfiguration: { timeoutInMinutes: 2, action: 'CONTINUE' }
      }
    ])
    const atEnd = await awaitingHook(continued, 1)
    expect(atEnd.lifecycleHookDetails[0].timeoutAction).toBe('CONTINUE')
    const done = await settle(continued, 'SUCCESSFUL')
    expect(done.lifecycleHookDetails[0].status).toBe('TIMED_OUT')
  })

  it('answers errors for an unknown deployment, an unknown hook and bad input', async () => {
    await setUp()
    const arn = await deployWithHooks(pauseBeforeEachShift)
    await awaitingHook(arn, 1)
    await expect(
      world.call('ContinueServiceDeployment', { serviceDeploymentArn: `${arn}x`, hookId: 'h' })
    ).rejects.toMatchObject({ code: 'ServiceDeploymentNotFoundException' })
    await expect(
      world.call('ContinueServiceDeployment', { serviceDeploymentArn: arn, hookId: 'ecs-pause-x' })
    ).rejects.toMatchObject({ code: 'InvalidParameterException' })
    await expect(
      world.call('ContinueServiceDeployment', {
        serviceDeploymentArn: arn,
        hookId: 'ecs-pause-x',
        action: 'ABORT'
      })
    ).rejects.toMatchObject({ code: 'InvalidParameterException' })
    await expect(
      world.call('ContinueServiceDeployment', { serviceDeploymentArn: arn })
    ).rejects.toMatchObject({ code: 'InvalidParameterException' })
    // StopServiceDeployment while paused rolls back; the hook no longer awaits action.
    await world.call('StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'ROLLBACK' })
    const sd = await settle(arn, 'ROLLBACK_SUCCESSFUL')
    expect(sd.lifecycleHookDetails[0].status).toBe('FAILED')
    await expect(
      world.call('ContinueServiceDeployment', {
        serviceDeploymentArn: arn,
        hookId: sd.lifecycleHookDetails[0].hookId
      })
    ).rejects.toMatchObject({ code: 'ClientException' })
  })

  it('validates timeoutConfiguration', async () => {
    await setUp()
    await expect(
      deployWithHooks([
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_SCALE_UP'],
          timeoutConfiguration: { timeoutInMinutes: 0 }
        }
      ])
    ).rejects.toMatchObject({ code: 'InvalidParameterException' })
    await expect(
      deployWithHooks([
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_SCALE_UP'],
          timeoutConfiguration: { action: 'WAIT' }
        }
      ])
    ).rejects.toMatchObject({ code: 'InvalidParameterException' })
  })
})

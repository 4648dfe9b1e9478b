/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- ECS responses are read as untyped wire JSON */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createWorld, NETWORK, taskDefinitionInput, waitFor, type World } from './ecs-fakes.js'

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/abc'
const ALT = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/def'
const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/1/2/3'
const TEST_RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/1/2/4'
const ROLE = 'arn:aws:iam::123456789012:role/ecs-infrastructure'
const FULL = [
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP'
]
let world: World

afterEach(async () => {
  await world.close()
})

function lb(advanced: Record<string, unknown> | null = {}): Record<string, unknown> {
  return {
    targetGroupArn: TG,
    containerName: 'app',
    containerPort: 8080,
    advancedConfiguration:
      advanced === null
        ? undefined
        : {
            alternateTargetGroupArn: ALT,
            productionListenerRule: RULE,
            testListenerRule: TEST_RULE,
            roleArn: ROLE,
            ...advanced
          }
  }
}

async function service(): Promise<any> {
  const out = await world.call('DescribeServices', { cluster: 'main', services: ['web'] })
  return out.services[0]
}

async function serviceDeployment(arn: string): Promise<any> {
  const out = await world.call('DescribeServiceDeployments', { serviceDeploymentArns: [arn] })
  return out.serviceDeployments[0]
}

function history(arn: string): string[] {
  const dump = world.ecs.dump() as any
  return dump.services[0].serviceDeployments.find((sd: any) => sd.arn === arn).lifecycleHistory
}

async function liveTasks(): Promise<any[]> {
  const list = await world.call('ListTasks', { cluster: 'main', serviceName: 'web' })
  if (list.taskArns.length === 0) return []
  const out = await world.call('DescribeTasks', { cluster: 'main', tasks: list.taskArns })
  return out.tasks
}

/** Waits for the service deployment to reach `status`, letting drained targets go. */
async function settle(arn: string, status = 'SUCCESSFUL'): Promise<any> {
  return waitFor(async () => {
    world.elb.finishDraining()
    const sd = await serviceDeployment(arn)
    const svc = await service()
    return sd.status === status && svc.deployments.length === 1 ? sd : undefined
  })
}

async function setUp(config: Record<string, unknown>, desired = 2): Promise<string> {
  world = createWorld(1000)
  world.elb.addGroup(TG)
  world.elb.addGroup(ALT)
  await world.call('CreateCluster', { clusterName: 'main' })
  await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v1'))
  const created = await world.call('CreateService', {
    cluster: 'main',
    serviceName: 'web',
    taskDefinition: 'web',
    desiredCount: desired,
    networkConfiguration: NETWORK,
    loadBalancers: [lb()],
    deploymentConfiguration: config
  })
  await settle(created.service.currentServiceDeployment as string)
  return created.service.currentServiceDeployment as string
}

async function deploy(image: string): Promise<string> {
  const td = await world.call('RegisterTaskDefinition', taskDefinitionInput(image))
  world.elb.weightCalls = []
  const out = await world.call('UpdateService', {
    cluster: 'main',
    service: 'web',
    taskDefinition: td.taskDefinition.taskDefinitionArn
  })
  return out.service.currentServiceDeployment as string
}

describe('BLUE_GREEN deployments', () => {
  it('launches green in the alternate group, shifts production, bakes, then stops blue', async () => {
    const first = await setUp({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 })
    // The first deployment has no blue: green goes to the group not serving production.
    expect(history(first)).toEqual(FULL)
    expect(world.elb.forwardWeights(RULE)).toEqual([
      { targetGroupArn: TG, weight: 0 },
      { targetGroupArn: ALT, weight: 100 }
    ])
    const blueArns = (await liveTasks()).map(t => t.taskArn).sort()
    expect(world.elb.registered.get(ALT)).toHaveLength(2)
    const svc = await service()
    expect(svc.deploymentConfiguration).toMatchObject({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1
    })
    expect(svc.loadBalancers[0].advancedConfiguration.alternateTargetGroupArn).toBe(ALT)

    // The next deployment swaps roles: ALT serves production, so green goes to TG.
    const arn = await deploy('app:v2')
    const baking = await waitFor(async () => {
      const sd = await serviceDeployment(arn)
      return sd.lifecycleStage === 'BAKE_TIME' ? sd : undefined
    })
    expect(baking.status).toBe('IN_PROGRESS')
    expect(world.elb.greenShares(TEST_RULE, TG)).toEqual([100])
    expect(world.elb.greenShares(RULE, TG)).toEqual([100])
    // Blue keeps running during the bake so a rollback is instant.
    const during = await liveTasks()
    expect(during).toHaveLength(4)
    expect(during.filter(t => blueArns.includes(t.taskArn))).toHaveLength(2)
    expect(world.elb.registered.get(TG)).toHaveLength(2)

    const done = await settle(arn)
    expect(done.lifecycleStage).toBe('CLEAN_UP')
    expect(history(arn)).toEqual(FULL)
    const after = await liveTasks()
    expect(after).toHaveLength(2)
    expect(after.every(t => t.taskDefinitionArn.endsWith('web:2'))).toBe(true)
    const stopped = await world.call('DescribeTasks', { cluster: 'main', tasks: blueArns })
    expect(stopped.tasks.every((t: any) => t.lastStatus === 'STOPPED')).toBe(true)
    const events = (await service()).events.map((e: any) => e.message)
    expect(events[0]).toBe('(service web) has reached a steady state.')
  })

  it('rolls back during the bake by moving the weights back and stopping green', async () => {
    await setUp({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 })
    const blueArns = (await liveTasks()).map(t => t.taskArn).sort()
    const blueId = (await service()).deployments[0].id as string
    const arn = await deploy('app:v2')
    await waitFor(async () => (await serviceDeployment(arn)).lifecycleStage === 'BAKE_TIME')
    expect(world.elb.greenShares(RULE, TG)).toEqual([100])

    await world.call('StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'ROLLBACK' })
    expect(world.elb.greenShares(RULE, TG)).toEqual([100, 0])
    expect(world.elb.greenShares(TEST_RULE, TG)).toEqual([100, 0])
    const rolledBack = await settle(arn, 'ROLLBACK_SUCCESSFUL')
    expect(rolledBack.rollback.reason).toBe('Rollback requested by StopServiceDeployment.')
    const svc = await service()
    expect(svc.taskDefinition).toMatch(/web:1$/)
    expect(svc.deployments[0]).toMatchObject({ id: blueId, rolloutState: 'COMPLETED' })
    // The same blue tasks serve again: nothing was relaunched.
    expect((await liveTasks()).map(t => t.taskArn).sort()).toEqual(blueArns)
    const events = svc.events.map((e: any) => e.message)
    expect(events).toContain(`(service web) rolling back to deployment ${blueId}.`)
  })

  it('rolls back when the circuit breaker trips while green scales up', async () => {
    await setUp({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      deploymentCircuitBreaker: { enable: true, rollback: true }
    })
    const blueArns = (await liveTasks()).map(t => t.taskArn).sort()
    const arn = await deploy('app:v2-pullerror')
    const sd = await settle(arn, 'ROLLBACK_SUCCESSFUL')
    expect(sd.deploymentCircuitBreaker.status).toBe('TRIGGERED')
    expect(history(arn)).toEqual(['PRE_SCALE_UP', 'SCALE_UP'])
    // Production never moved; the rollback writes blue's weights again.
    expect(world.elb.greenShares(RULE, TG)).toEqual([0])
    expect((await liveTasks()).map(t => t.taskArn).sort()).toEqual(blueArns)
  })

  it('reconciles first when a deployment starts with two active revisions', async () => {
    await setUp({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 })
    const v2 = await deploy('app:v2')
    await waitFor(async () => (await serviceDeployment(v2)).lifecycleStage === 'BAKE_TIME')
    const v3 = await deploy('app:v3')
    expect((await serviceDeployment(v2)).status).toBe('STOPPED')
    await waitFor(async () => (await serviceDeployment(v3)).lifecycleStage === 'SCALE_UP')
    expect(history(v3).slice(0, 2)).toEqual(['RECONCILE_SERVICE', 'PRE_SCALE_UP'])
    // v2 (green at 100 % in TG) became blue; v1 (in ALT) was stopped so v3 can use ALT.
    const live = await liveTasks()
    expect(live.some(t => t.taskDefinitionArn.endsWith('web:1'))).toBe(false)
    expect(live.filter(t => t.taskDefinitionArn.endsWith('web:2'))).toHaveLength(2)
    await waitFor(async () => (await serviceDeployment(v3)).lifecycleStage === 'BAKE_TIME')
    expect(world.elb.greenShares(RULE, ALT)).toEqual([100])
  })

  it('reports a listener rule it cannot modify as a service event', async () => {
    await setUp({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 })
    world.elb.missingRules.add(TEST_RULE)
    const arn = await deploy('app:v2')
    await settle(arn)
    const events = (await service()).events.map((e: any) => e.message)
    expect(
      events.some((m: string) => m.startsWith(`(service web) failed to modify (rule ${TEST_RULE})`))
    ).toBe(true)
  })
})

describe('CANARY and LINEAR deployments', () => {
  it('canary shifts canaryPercent, bakes, then moves the rest', async () => {
    await setUp({
      strategy: 'CANARY',
      bakeTimeInMinutes: 1,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 }
    })
    const arn = await deploy('app:v2')
    await settle(arn)
    expect(world.elb.greenShares(RULE, TG)).toEqual([10, 100])
    expect(world.elb.weightCalls.find(c => c.arn === RULE)?.weights).toEqual([
      { targetGroupArn: TG, weight: 10 },
      { targetGroupArn: ALT, weight: 90 }
    ])
    expect(history(arn)).toEqual([
      ...FULL.slice(0, 7),
      'PRE_PRODUCTION_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      ...FULL.slice(7)
    ])
  })

  it('canary with a fractional percent and the default settings', async () => {
    await setUp({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 0.5, canaryBakeTimeInMinutes: 0 }
    })
    const svc = await service()
    expect(svc.deploymentConfiguration.canaryConfiguration).toEqual({
      canaryPercent: 0.5,
      canaryBakeTimeInMinutes: 0
    })
    const arn = await deploy('app:v2')
    await settle(arn)
    expect(world.elb.weightCalls.find(c => c.arn === RULE)?.weights).toEqual([
      { targetGroupArn: TG, weight: 5 },
      { targetGroupArn: ALT, weight: 995 }
    ])
    await world.call('UpdateService', {
      cluster: 'main',
      service: 'web',
      deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: {} }
    })
    expect((await service()).deploymentConfiguration.canaryConfiguration).toEqual({
      canaryPercent: 5,
      canaryBakeTimeInMinutes: 10
    })
  })

  it('linear moves in steps with a bake after each step until 100 %', async () => {
    await setUp({
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 }
    })
    const arn = await deploy('app:v2')
    await settle(arn)
    expect(world.elb.greenShares(RULE, TG)).toEqual([25, 50, 75, 100])
    const stages = history(arn)
    expect(stages.filter(s => s === 'PRODUCTION_TRAFFIC_SHIFT')).toHaveLength(4)
    expect(stages.slice(-3)).toEqual(['POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP'])
  })

  it('switching strategy drops the other strategy settings and fills defaults', async () => {
    await setUp({
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 0 }
    })
    const out = await world.call('UpdateService', {
      cluster: 'main',
      service: 'web',
      deploymentConfiguration: { strategy: 'CANARY' }
    })
    expect(out.service.deploymentConfiguration.linearConfiguration).toBeUndefined()
    expect(out.service.deploymentConfiguration.canaryConfiguration).toEqual({
      canaryPercent: 5,
      canaryBakeTimeInMinutes: 10
    })
    const linear = await world.call('UpdateService', {
      cluster: 'main',
      service: 'web',
      deploymentConfiguration: { strategy: 'LINEAR' }
    })
    expect(linear.service.deploymentConfiguration.linearConfiguration).toEqual({
      stepPercent: 10,
      stepBakeTimeInMinutes: 6
    })
  })
})

describe('strategy validation', () => {
  const BG = { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 }
  const cases: [string, Record<string, unknown>, Record<string, unknown>[] | undefined, RegExp][] =
    [
      [
        'bake time missing',
        { strategy: 'BLUE_GREEN' },
        [lb()],
        /bakeTimeInMinutes must be specified/
      ],
      ['no load balancer', BG, undefined, /requires advancedConfiguration/],
      ['no advancedConfiguration', BG, [lb(null)], /requires advancedConfiguration/],
      [
        'advanced with ROLLING',
        { strategy: 'ROLLING' },
        [lb()],
        /only supported with the BLUE_GREEN/
      ],
      ['role missing', BG, [lb({ roleArn: undefined })], /requires alternateTargetGroupArn/],
      ['same groups', BG, [lb({ alternateTargetGroupArn: TG })], /must be different/],
      ['unknown alternate', BG, [lb({ alternateTargetGroupArn: `${ALT}x` })], /does not exist/],
      [
        'unknown rule',
        BG,
        [lb({ productionListenerRule: 'arn:missing' })],
        /listener rule arn:missing/
      ],
      ['bake too long', { ...BG, bakeTimeInMinutes: 1441 }, [lb()], /between 0 and 1440/],
      [
        'canary percent 0',
        { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 0 } },
        [lb()],
        /canaryPercent must be a multiple of 0.1 between 0.1 and 100.0/
      ],
      [
        'canary percent not a tenth',
        { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10.05 } },
        [lb()],
        /canaryPercent must be a multiple/
      ],
      [
        'canary percent not a number',
        { strategy: 'CANARY', canaryConfiguration: { canaryPercent: '10' } },
        [lb()],
        /canaryPercent must be a number/
      ],
      [
        'step percent below 3',
        { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2.9 } },
        [lb()],
        /stepPercent must be a multiple of 0.1 between 3 and 100.0/
      ],
      [
        'step bake too long',
        { strategy: 'LINEAR', linearConfiguration: { stepBakeTimeInMinutes: 1441 } },
        [lb()],
        /stepBakeTimeInMinutes must be between 0 and 1440/
      ],
      [
        'canary settings with LINEAR',
        { strategy: 'LINEAR', canaryConfiguration: { canaryPercent: 10 } },
        [lb()],
        /canaryConfiguration is only valid/
      ],
      [
        'linear settings with BLUE_GREEN',
        { ...BG, linearConfiguration: { stepPercent: 10 } },
        [lb()],
        /linearConfiguration is only valid/
      ],
      [
        'hooks with ROLLING',
        { lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP'] }] },
        undefined,
        /lifecycleHooks are only supported/
      ],
      [
        'hook without stages',
        { ...BG, lifecycleHooks: [{ targetType: 'PAUSE' }] },
        [lb()],
        /lifecycleStages must be specified/
      ],
      [
        'lambda hook without target',
        { ...BG, lifecycleHooks: [{ lifecycleStages: ['PRE_SCALE_UP'] }] },
        [lb()],
        /hookTargetArn must be specified/
      ],
      [
        'pause hook at production shift',
        {
          ...BG,
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }]
        },
        [lb()],
        /PAUSE lifecycle hooks cannot/
      ],
      [
        'hook at an unknown stage',
        { ...BG, lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['BAKE_TIME'] }] },
        [lb()],
        /Member must satisfy enum value set/
      ]
    ]

  it.each(cases)(
    'rejects %s with InvalidParameterException',
    async (_name, config, lbs, message) => {
      world = createWorld(1000)
      world.elb.addGroup(TG)
      world.elb.addGroup(ALT)
      world.elb.missingRules.add('arn:missing')
      await world.call('CreateCluster', { clusterName: 'main' })
      await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v1'))
      const attempt = world.call('CreateService', {
        cluster: 'main',
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 1,
        networkConfiguration: NETWORK,
        loadBalancers: lbs,
        deploymentConfiguration: config
      })
      await expect(attempt).rejects.toMatchObject({ code: 'InvalidParameterException', message })
    }
  )

  it('rejects a strategy with a CODE_DEPLOY controller and records lifecycle hooks', async () => {
    world = createWorld(1000)
    world.elb.addGroup(TG)
    world.elb.addGroup(ALT)
    await world.call('CreateCluster', { clusterName: 'main' })
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v1'))
    const base = {
      cluster: 'main',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 0,
      networkConfiguration: NETWORK,
      loadBalancers: [lb()]
    }
    await expect(
      world.call('CreateService', {
        ...base,
        deploymentController: { type: 'CODE_DEPLOY' },
        deploymentConfiguration: BG
      })
    ).rejects.toMatchObject({ message: /requires the ECS deployment controller/ })
    const hook = {
      targetType: 'AWS_LAMBDA',
      hookTargetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:check',
      roleArn: ROLE,
      lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT']
    }
    const out = await world.call('CreateService', {
      ...base,
      deploymentConfiguration: { ...BG, lifecycleHooks: [hook] }
    })
    expect(out.service.deploymentConfiguration.lifecycleHooks).toEqual([hook])
    await expect(
      world.call('UpdateService', {
        cluster: 'main',
        service: 'web',
        deploymentConfiguration: { strategy: 'ROLLING', lifecycleHooks: [] }
      })
    ).rejects.toMatchObject({ message: /advancedConfiguration is only supported/ })
  })
})

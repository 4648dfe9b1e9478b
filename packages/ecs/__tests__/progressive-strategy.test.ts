import { describe, expect, it } from '@jest/globals'
import type { LoadBalancer, Service } from '@aws-sdk/client-ecs'
import {
  deploymentConfigurationFor,
  loadBalancersFor,
  missingForStrategy,
  shiftsTraffic,
  type StrategySettings
} from '../src/index.js'

const BLUE =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/1111111111111111'
const GREEN =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/2222222222222222'
const RULE =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee'
const TEST_RULE =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/0467ef3c8400ae65'
const ROLE = 'arn:aws:iam::123456789012:role/ecs-infrastructure'

const base: StrategySettings = {
  kind: 'canary',
  canaryPercent: 10,
  canaryBakeMinutes: 5,
  stepPercent: 20,
  stepBakeMinutes: 3,
  bakeTimeMinutes: 2
}
const complete: StrategySettings = {
  ...base,
  alternateTargetGroupArn: GREEN,
  productionListenerRuleArn: RULE,
  roleArn: ROLE
}
const plain: LoadBalancer = { targetGroupArn: BLUE, containerName: 'app', containerPort: 8080 }

describe('deploymentConfigurationFor', () => {
  const current = {
    maximumPercent: 200,
    minimumHealthyPercent: 100,
    deploymentCircuitBreaker: { enable: true, rollback: true }
  }

  it('sends nothing for rolling on a service that already rolls', () => {
    expect(deploymentConfigurationFor({ ...base, kind: 'rolling' })).toBeUndefined()
    expect(
      deploymentConfigurationFor({ ...base, kind: 'rolling' }, { ...current, strategy: 'ROLLING' })
    ).toBeUndefined()
  })

  it('switches a shifting service back to rolling without the shifting members', () => {
    const canary = {
      ...current,
      strategy: 'CANARY' as const,
      bakeTimeInMinutes: 3,
      canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 },
      lifecycleHooks: [{ targetType: 'PAUSE' as const, lifecycleStages: ['PRE_SCALE_UP' as const] }]
    }
    // ECS refuses lifecycle hooks with ROLLING; an omitted list would keep them.
    expect(deploymentConfigurationFor({ ...base, kind: 'rolling' }, canary)).toEqual({
      ...current,
      strategy: 'ROLLING',
      lifecycleHooks: []
    })
  })

  it('writes CANARY with its percentage and bakes, keeping the breaker and percentages', () => {
    expect(deploymentConfigurationFor(base, current)).toEqual({
      ...current,
      strategy: 'CANARY',
      bakeTimeInMinutes: 2,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }
    })
  })

  it('writes LINEAR, dropping a previous canary configuration', () => {
    const before = {
      strategy: 'CANARY' as const,
      canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 }
    }
    expect(deploymentConfigurationFor({ ...base, kind: 'linear' }, before)).toEqual({
      strategy: 'LINEAR',
      bakeTimeInMinutes: 2,
      linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 3 }
    })
  })

  it('writes BLUE_GREEN with only its bake time, keeping the service hooks when none are asked', () => {
    const hooks = [
      {
        targetType: 'AWS_LAMBDA' as const,
        hookTargetArn: 'arn:aws:lambda:x',
        lifecycleStages: ['POST_SCALE_UP' as const]
      }
    ]
    expect(
      deploymentConfigurationFor({ ...base, kind: 'blue-green' }, { lifecycleHooks: hooks })
    ).toEqual({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2, lifecycleHooks: hooks })
  })

  it('replaces PAUSE hooks with the asked stages and keeps Lambda hooks', () => {
    const lambda = {
      targetType: 'AWS_LAMBDA' as const,
      hookTargetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:check',
      lifecycleStages: ['POST_SCALE_UP' as const]
    }
    const oldPause = { targetType: 'PAUSE' as const, lifecycleStages: ['PRE_SCALE_UP' as const] }
    const settings: StrategySettings = { ...base, pauseStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }
    const out = deploymentConfigurationFor(settings, { lifecycleHooks: [lambda, oldPause] })
    expect(out?.lifecycleHooks).toEqual([
      lambda,
      { targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }
    ])
    const timed = deploymentConfigurationFor(
      { ...settings, pauseTimeoutMinutes: 30, pauseTimeoutAction: 'CONTINUE' },
      {}
    )
    expect(timed?.lifecycleHooks).toEqual([
      {
        targetType: 'PAUSE',
        lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'],
        timeoutConfiguration: { timeoutInMinutes: 30, action: 'CONTINUE' }
      }
    ])
    const removed = deploymentConfigurationFor(
      { ...base, pauseStages: [] },
      { lifecycleHooks: [oldPause] }
    )
    expect(removed?.lifecycleHooks).toEqual([])
  })
})

describe('loadBalancersFor', () => {
  it('adds advancedConfiguration to the first target group only', () => {
    const other = { targetGroupArn: 'arn:other', containerName: 'side', containerPort: 9000 }
    const classic = { loadBalancerName: 'classic', containerName: 'app', containerPort: 80 }
    expect(
      loadBalancersFor({ ...complete, testListenerRuleArn: TEST_RULE }, [classic, plain, other])
    ).toEqual([
      classic,
      {
        ...plain,
        advancedConfiguration: {
          alternateTargetGroupArn: GREEN,
          productionListenerRule: RULE,
          testListenerRule: TEST_RULE,
          roleArn: ROLE
        }
      },
      other
    ])
  })

  it('fills what the settings leave out from the service, and changes nothing when all agree', () => {
    const configured: LoadBalancer = {
      ...plain,
      advancedConfiguration: {
        alternateTargetGroupArn: GREEN,
        productionListenerRule: RULE,
        roleArn: ROLE
      }
    }
    expect(loadBalancersFor(base, [configured])).toBeUndefined()
    expect(loadBalancersFor(complete, [configured])).toBeUndefined()
    const newRole = 'arn:aws:iam::123456789012:role/other'
    expect(loadBalancersFor({ ...base, roleArn: newRole }, [configured])).toEqual([
      { ...plain, advancedConfiguration: { ...configured.advancedConfiguration, roleArn: newRole } }
    ])
  })

  it('has nothing to change without a target group', () => {
    expect(loadBalancersFor(complete)).toBeUndefined()
  })

  it('removes advancedConfiguration for rolling, and sends nothing when there is none', () => {
    const rolling = { ...base, kind: 'rolling' as const }
    expect(loadBalancersFor(rolling, [plain])).toBeUndefined()
    expect(loadBalancersFor(rolling)).toBeUndefined()
    const configured = { ...plain, advancedConfiguration: { alternateTargetGroupArn: GREEN } }
    expect(loadBalancersFor(rolling, [configured])).toEqual([plain])
  })
})

describe('shiftsTraffic', () => {
  it.each([
    ['rolling', false],
    ['canary', true],
    ['linear', true],
    ['blue-green', true]
  ] as const)('%s → %s', (kind, expected) => {
    expect(shiftsTraffic(kind)).toBe(expected)
  })
})

describe('missingForStrategy', () => {
  const service = (loadBalancers: LoadBalancer[], extra: Service = {}): Service => ({
    serviceName: 'web',
    loadBalancers,
    ...extra
  })
  const settingsOf = (s: StrategySettings, lbs: LoadBalancer[] = [plain], extra?: Service) =>
    missingForStrategy(service(lbs, extra), s).map(p => p.setting)

  it('asks nothing for rolling', () => {
    expect(missingForStrategy({}, { ...base, kind: 'rolling', canaryPercent: 0 })).toEqual([])
  })

  it('names each missing load-balancer setting with an example', () => {
    const problems = missingForStrategy(service([plain]), base)
    expect(problems.map(p => p.setting)).toEqual([
      'alternate-target-group',
      'production-listener-rule',
      'infrastructure-role'
    ])
    expect(problems[0]?.problem).toBe(
      'Neither the settings nor the service name an alternate target group for the new revision: set alternate-target-group.'
    )
    expect(problems[0]?.example).toMatch(/:targetgroup\/web-green\//)
    expect(problems[2]?.example).toMatch(/^arn:aws:iam::\d+:role\//)
  })

  it('is satisfied by the settings or by what the service already has', () => {
    expect(missingForStrategy(service([plain]), complete)).toEqual([])
    const configured = {
      ...plain,
      advancedConfiguration: {
        alternateTargetGroupArn: GREEN,
        productionListenerRule: TEST_RULE,
        roleArn: ROLE
      }
    }
    expect(missingForStrategy(service([configured]), base)).toEqual([])
  })

  it('refuses values of the wrong shape and an alternate equal to the service group', () => {
    const bad = {
      ...base,
      alternateTargetGroupArn: BLUE,
      productionListenerRuleArn: 'web-rule',
      roleArn: 'ecs-role'
    }
    const problems = missingForStrategy(service([plain]), bad)
    expect(problems.map(p => p.problem)).toEqual([
      "production-listener-rule must be the ARN of an Application Load Balancer's production listener rule (or listener) to shift traffic on, got 'web-rule'.",
      "infrastructure-role must be the ARN of an infrastructure role that lets ECS change the listener rules, got 'ecs-role'.",
      `alternate-target-group must differ from the service's target group ${BLUE}.`
    ])
    expect(settingsOf({ ...complete, alternateTargetGroupArn: 'web-green' })).toEqual([
      'alternate-target-group'
    ])
    expect(settingsOf({ ...complete, alternateTargetGroupArn: '' })).toEqual([
      'alternate-target-group'
    ])
  })

  it('needs a test listener rule for blue/green only when test traffic is verified', () => {
    const blueGreen = { ...complete, kind: 'blue-green' as const }
    expect(settingsOf(blueGreen)).toEqual([])
    expect(settingsOf({ ...blueGreen, verifyTestTraffic: true })).toEqual(['test-listener-rule'])
    expect(
      settingsOf({ ...blueGreen, verifyTestTraffic: true, testListenerRuleArn: TEST_RULE })
    ).toEqual([])
    const withTest = { ...plain, advancedConfiguration: { testListenerRule: TEST_RULE } }
    expect(settingsOf({ ...blueGreen, verifyTestTraffic: true }, [withTest])).toEqual([])
    expect(settingsOf({ ...complete, verifyTestTraffic: true })).toEqual([])
  })

  it.each([
    ['canary-percent', { canaryPercent: 0 }],
    ['canary-percent', { canaryPercent: 100.5 }],
    ['canary-percent', { canaryPercent: 12.34 }],
    ['canary-bake', { canaryBakeMinutes: 1441 }],
    ['canary-bake', { canaryBakeMinutes: 1.5 }],
    ['bake-time', { bakeTimeMinutes: -1 }],
    ['pause-timeout', { pauseTimeoutMinutes: 0 }]
  ])('refuses %s out of range for canary (%j)', (setting, change) => {
    const problems = missingForStrategy(service([plain]), { ...complete, ...change })
    expect(problems.map(p => p.setting)).toEqual([setting])
  })

  it('checks the linear settings for linear only', () => {
    const linear = { ...complete, kind: 'linear' as const, canaryPercent: 0 }
    expect(settingsOf(linear)).toEqual([])
    expect(settingsOf({ ...linear, stepPercent: 2.9, stepBakeMinutes: 2000 })).toEqual([
      'step-percent',
      'step-bake'
    ])
    expect(settingsOf({ ...complete, stepPercent: 1 })).toEqual([])
    const problems = missingForStrategy(service([plain]), { ...linear, stepPercent: 2 })
    expect(problems[0]?.problem).toBe(
      'step-percent must be a multiple of 0.1 from 3 to 100, got 2.'
    )
    expect(settingsOf({ ...complete, pauseTimeoutMinutes: 1440 })).toEqual([])
  })

  it('refuses a service without a load balancer target group, or with another controller', () => {
    const problems = missingForStrategy(service([]), complete)
    expect(problems).toHaveLength(1)
    expect(problems[0]?.setting).toBe('strategy')
    expect(problems[0]?.problem).toMatch(/no load balancer target group.*keep strategy rolling/)
    expect(settingsOf(complete, [], { loadBalancers: undefined })).toEqual(['strategy'])
    const codeDeploy = missingForStrategy(
      service([plain], { deploymentController: { type: 'CODE_DEPLOY' } }),
      complete
    )
    expect(codeDeploy.map(p => p.problem)).toEqual([
      'The service uses the CODE_DEPLOY deployment controller; strategy canary needs the ECS controller (recreate the service with it, or keep strategy rolling).'
    ])
    expect(settingsOf(complete, [plain], { deploymentController: { type: 'ECS' } })).toEqual([])
  })

  it('asks for advancedConfiguration on every other target group of the service', () => {
    const second = { targetGroupArn: 'arn:second', containerName: 'side', containerPort: 9000 }
    const problems = missingForStrategy(service([plain, second]), complete)
    expect(problems.map(p => p.setting)).toEqual(['strategy'])
    expect(problems[0]?.problem).toMatch(/target group arn:second has no advancedConfiguration/)
    const ready = { ...second, advancedConfiguration: { alternateTargetGroupArn: 'arn:third' } }
    expect(settingsOf(complete, [plain, ready])).toEqual([])
  })
})

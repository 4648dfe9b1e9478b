import { afterEach, expect, it, jest } from '@jest/globals'
import { DescribeServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs'
import { ConfigurationError, scaledClock } from '@fargate-promote/common'
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch'
import {
  deploy,
  loadBalancerDimension,
  targetGroupDimension,
  type DeployOptions
} from '../src/index.js'
import { SCALE, stack, weightOf, type Stack } from './progressive-follow-fixtures.js'

/**
 * deploy() with an ECS-native canary on the sim's real traffic: the strategy goes out with the
 * UpdateService, followProgressive judges each step, and its outcome is the deploy's.
 */

let s: Stack | undefined

afterEach(async () => {
  await s?.stop()
  s = undefined
})

jest.setTimeout(30_000)

function options(image: string, extra: Partial<DeployOptions> = {}): DeployOptions {
  return {
    cluster: 'prod',
    services: ['web'],
    taskDefinition: { kind: 'current' },
    images: { app: image },
    environment: {},
    tags: { version: image },
    forceNewDeployment: false,
    circuitBreaker: false,
    alarms: [],
    wait: true,
    timeoutMs: 20 * 60_000,
    pollIntervalMs: 5_000,
    waitForTargetHealth: 'auto',
    onFailure: 'rollback',
    dryRun: false,
    progressive: {
      settings: {
        kind: 'canary',
        canaryPercent: 10,
        canaryBakeMinutes: 2,
        stepPercent: 10,
        stepBakeMinutes: 5,
        bakeTimeMinutes: 2
      },
      thresholds: { maxErrorRate: 0.05, minRequests: 10 },
      pauses: 'continue-on-pass'
    },
    ...extra
  }
}

function depsOf(stackNow: Stack) {
  const clock = scaledClock({ origin: stackNow.sim.clock.origin, scale: SCALE })
  const { ecs, elb, cloudwatch, log } = stackNow
  return { ecs, elb, cloudwatch, clock, log }
}

async function liveImage(stackNow: Stack): Promise<string | undefined> {
  const out = await stackNow.ecs.send(
    new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
  )
  return out.services?.[0]?.taskDefinition
}

it('promotes a good canary: succeeded, steps 10 % and 100 % passed, a blast radius', async () => {
  s = await stack()
  const result = await deploy(options('shop:v2'), depsOf(s))

  expect(result.status).toBe('succeeded')
  const service = result.services[0]
  expect(service?.progressive?.outcome).toBe('succeeded')
  expect(service?.progressive?.steps.map(step => step.weightNew)).toEqual([10, 100])
  expect(service?.progressive?.steps.every(step => step.analysis?.verdict === 'pass')).toBe(true)
  expect(service?.progressive?.blastRadius.requestsToNew).toBeGreaterThan(0)
  expect(await liveImage(s)).toBe(service?.taskDefinitionArn)
  const described = await s.ecs.send(
    new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
  )
  expect(described.services?.[0]?.deploymentConfiguration).toMatchObject({
    strategy: 'CANARY',
    canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 2 },
    bakeTimeInMinutes: 2
  })
})

it('rolls an -errors canary back with the analysis in the failure reason', async () => {
  s = await stack()
  const before = await liveImage(s)
  const result = await deploy(options('shop:v2-errors'), depsOf(s))

  expect(result.status).toBe('rolled-back')
  expect(result.failureReason).toMatch(
    /^The analysis failed: new revision: (\d+\.\d% of \d+ requests failed|\d+ of its first \d+ requests failed)/
  )
  expect(result.services[0]?.progressive?.steps[0]?.analysis?.verdict).toBe('fail')
  // followProgressive rolled it back; no second rollback of ours.
  expect(result.services[0]?.rollback).toBeUndefined()
  expect(await liveImage(s)).toBe(before)
})

it('refuses a strategy the service is not set up for before any change, naming the setting', async () => {
  s = await stack()
  const given = options('shop:v2')
  const progressive = given.progressive as NonNullable<DeployOptions['progressive']>
  const bad = {
    ...progressive,
    settings: { ...progressive.settings, alternateTargetGroupArn: s.blue, canaryPercent: 0 }
  }
  const refusal = deploy({ ...given, progressive: bad }, depsOf(s))

  await expect(refusal).rejects.toBeInstanceOf(ConfigurationError)
  await expect(refusal).rejects.toThrow(
    /alternate-target-group must differ from the service's target group/
  )
  await expect(refusal).rejects.toThrow(
    /canary-percent must be a multiple of 0\.1 from 0\.1 to 100, got 0/
  )
  const families = await s.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }))
  expect(families.taskDefinitionArns).toHaveLength(1)
})

it("ends paused with the hook's id when pauses is 'wait' and the deployment reaches a PAUSE hook", async () => {
  s = await stack()
  const given = options('shop:v2')
  const progressive = given.progressive as NonNullable<DeployOptions['progressive']>
  const waiting = {
    ...progressive,
    settings: {
      ...progressive.settings,
      pauseStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT' as const]
    },
    pauses: 'wait' as const
  }
  const result = await deploy({ ...given, progressive: waiting }, depsOf(s))

  expect(result.status).toBe('paused')
  expect(result.failureReason).toBeUndefined()
  expect(result.services[0]?.progressive?.hookId).toMatch(/^ecs-pause-/)
  expect(result.services[0]?.rollback).toBeUndefined()
})

it('refuses a rolling deploy of a shifting service unless rolling was asked, which switches it', async () => {
  s = await stack()
  const rolling = { ...options('shop:v2') }
  delete rolling.progressive
  const mutatingBefore = s.sim.calls().filter(call => call.mutating).length
  const refusal = deploy(rolling, depsOf(s))

  await expect(refusal).rejects.toBeInstanceOf(ConfigurationError)
  await expect(refusal).rejects.toThrow(
    "web is set up for BLUE_GREEN deployments (deploymentConfiguration.strategy), and no strategy was given, so its traffic steps would go unjudged. Set 'strategy' to that strategy (canary, linear or blue-green) to follow and judge each step, or to rolling to switch the service to rolling deployments; nothing was changed."
  )
  expect(s.sim.calls().filter(call => call.mutating)).toHaveLength(mutatingBefore)

  const result = await deploy({ ...rolling, switchToRolling: true }, depsOf(s))
  expect(result.status).toBe('succeeded')
  const described = await s.ecs.send(
    new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
  )
  expect(described.services?.[0]?.deploymentConfiguration?.strategy).toBe('ROLLING')
  expect(described.services?.[0]?.loadBalancers?.[0]?.advancedConfiguration).toBeUndefined()
  expect(await liveImage(s)).toBe(result.services[0]?.taskDefinitionArn)
})

it('a deployment alarm firing during the canary step: ECS rolls back, the deploy says why', async () => {
  s = await stack()
  const before = await liveImage(s)
  const fresh = (await weightOf(s, s.blue)) === 100 ? s.green : s.blue
  await s.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: 'shop-new-5xx',
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Dimensions: [
        { Name: 'TargetGroup', Value: targetGroupDimension(fresh) },
        { Name: 'LoadBalancer', Value: loadBalancerDimension(s.loadBalancer) }
      ],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold'
    })
  )
  const given = options('shop:v2-errors', { alarms: ['shop-new-5xx'] })
  const progressive = given.progressive as NonNullable<DeployOptions['progressive']>
  // The analysis tolerates every error here: only the alarm can stop this canary.
  const lenient = { ...progressive, thresholds: { maxErrorRate: 1, minRequests: 10 } }
  const result = await deploy({ ...given, progressive: lenient }, depsOf(s))

  expect(result.status).toBe('rolled-back')
  expect(result.failureReason).toBe(
    'ECS rolled the deployment back: Alarm(s) detected: shop-new-5xx.'
  )
  expect(result.services[0]?.progressive?.steps[0]?.weightNew).toBe(10)
  expect(result.services[0]?.rollback).toBeUndefined()
  expect(await liveImage(s)).toBe(before)
})

/** CloudWatch answering the first `ok` calls, then refusing as a missing permission does. */
function deniedAfter(stackNow: Stack, ok: number) {
  let calls = 0
  return {
    send: ((command: Parameters<Stack['cloudwatch']['send']>[0]) => {
      if (calls++ < ok) return stackNow.cloudwatch.send(command)
      return Promise.reject(
        new Error(
          'User: arn:aws:sts::123456789012:assumed-role/deploy is not authorized to perform: cloudwatch:GetMetricData'
        )
      )
    }) as Stack['cloudwatch']['send']
  }
}

it('refuses before any change when the metrics cannot be read', async () => {
  s = await stack()
  const mutatingBefore = s.sim.calls().filter(call => call.mutating).length
  const attempt = deploy(options('shop:v2'), { ...depsOf(s), cloudwatch: deniedAfter(s, 0) })

  await expect(attempt).rejects.toThrow(
    "Cannot read the target groups' CloudWatch metrics, which judge every traffic step (cloudwatch:GetMetricData): User: arn:aws:sts::123456789012:assumed-role/deploy is not authorized to perform: cloudwatch:GetMetricData. Nothing was changed."
  )
  expect(s.sim.calls().filter(call => call.mutating)).toHaveLength(mutatingBefore)
})

it('an error while following fails the deploy and rolls the canary back', async () => {
  s = await stack()
  const before = await liveImage(s)
  // The check before any change passes; the first analysis window's read is refused.
  const result = await deploy(options('shop:v2'), { ...depsOf(s), cloudwatch: deniedAfter(s, 1) })

  expect(result.status).toBe('failed')
  expect(result.failureReason).toContain(
    'Following the canary deployment failed, so its traffic steps can no longer be judged: User: arn:aws:sts::123456789012:assumed-role/deploy is not authorized'
  )
  expect(result.services[0]?.rollback?.status).toBe('rolled-back')
  expect(await liveImage(s)).toBe(before)
})

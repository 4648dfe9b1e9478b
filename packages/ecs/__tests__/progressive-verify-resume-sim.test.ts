import { afterEach, expect, it, jest } from '@jest/globals'
import { DescribeServicesCommand } from '@aws-sdk/client-ecs'
import { ConfigurationError, scaledClock } from '@fargate-promote/common'
import {
  deploy,
  resumeProgressive,
  type DeployOptions,
  type ProgressiveOptions,
  type TestTrafficCheck
} from '../src/index.js'
import { SCALE, stack, testListener, weightOf, type Stack } from './progressive-follow-fixtures.js'

/**
 * Blue/green's test-traffic verification at the PAUSE hook the deploy adds at
 * POST_TEST_TRAFFIC_SHIFT, and a later run's continue / abort of a deployment paused at a
 * PAUSE hook, on the sim's real listeners and traffic.
 */

let s: Stack | undefined

afterEach(async () => {
  await s?.stop()
  s = undefined
})

jest.setTimeout(40_000)

const THRESHOLDS = { maxErrorRate: 0.05, minRequests: 10 }

function options(image: string, progressive: ProgressiveOptions): DeployOptions {
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
    progressive
  }
}

function canary(
  extra: Partial<ProgressiveOptions['settings']> = {}
): ProgressiveOptions['settings'] {
  return {
    kind: 'canary',
    canaryPercent: 10,
    canaryBakeMinutes: 2,
    stepPercent: 10,
    stepBakeMinutes: 5,
    bakeTimeMinutes: 1,
    ...extra
  }
}

function depsOf(now: Stack) {
  const clock = scaledClock({ origin: now.sim.clock.origin, scale: SCALE })
  const { ecs, elb, cloudwatch, log } = now
  return { ecs, elb, cloudwatch, clock, log }
}

/** Ten requests through the test listener; any answer but 2xx fails (a stand-in for health's checks). */
function tenRequests(url: string, seen: number[]): TestTrafficCheck {
  return async () => {
    for (let i = 0; i < 10; i++) seen.push((await fetch(url)).status)
    const failed = seen.filter(status => status >= 300).length
    return { passed: failed === 0, reasons: [`${failed} of ${seen.length} requests failed`] }
  }
}

async function live(now: Stack): Promise<string | undefined> {
  const out = await now.ecs.send(
    new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
  )
  return out.services?.[0]?.taskDefinition
}

function mutating(now: Stack): string[] {
  return now.sim
    .calls()
    .filter(call => call.mutating)
    .map(call => call.operation)
}

async function blueGreen(image: string) {
  s = await stack()
  const test = await testListener(s)
  const seen: number[] = []
  const before = await live(s)
  const settings = canary({
    kind: 'blue-green',
    testListenerRuleArn: test.arn,
    verifyTestTraffic: true
  })
  const result = await deploy(
    options(image, { settings, thresholds: THRESHOLDS, pauses: 'wait' }),
    {
      ...depsOf(s),
      testTraffic: tenRequests(`${test.url}/health`, seen)
    }
  )
  return { result, seen, before, now: s }
}

it('rolls a blue/green back when its test traffic fails, before any production request reaches it', async () => {
  const { result, seen, before, now } = await blueGreen('shop:v2-errors')

  expect(seen.filter(status => status === 500).length).toBeGreaterThan(0)
  expect(result.status).toBe('rolled-back')
  expect(result.failureReason).toMatch(/^The test traffic failed: 2 of 10 requests failed/)
  const progressive = result.services[0]?.progressive
  expect(progressive?.testTraffic?.passed).toBe(false)
  expect(progressive?.steps).toEqual([])
  expect(progressive?.blastRadius.requestsToNew).toBe(0)
  expect(await live(now)).toBe(before)
  const operations = mutating(now)
  expect(operations).toContain('ContinueServiceDeployment')
  expect(operations).not.toContain('StopServiceDeployment')
  // The verification hook times out to a rollback: no deployment waits a day for a dead runner.
  const described = await now.ecs.send(
    new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
  )
  expect(described.services?.[0]?.deploymentConfiguration?.lifecycleHooks).toEqual([
    {
      targetType: 'PAUSE',
      lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' }
    }
  ])
})

it('promotes a blue/green whose test traffic passes, even with pauses wait (the hook is its own)', async () => {
  const { result, seen, now } = await blueGreen('shop:v2')

  expect(seen.every(status => status === 200)).toBe(true)
  expect(result.status).toBe('succeeded')
  expect(result.services[0]?.progressive?.testTraffic).toMatchObject({ passed: true })
  expect(result.services[0]?.progressive?.steps.map(step => step.weightNew)).toEqual([100])
  expect(await live(now)).toBe(result.services[0]?.taskDefinitionArn)
})

async function pausedCanary(): Promise<{
  now: Stack
  old: string
  before?: string
  target?: string
}> {
  s = await stack()
  const before = await live(s)
  const old = (await weightOf(s, s.blue)) === 100 ? s.blue : s.green
  // Three minutes at 100 %: a whole metrics minute whenever it starts, so the last step has a verdict.
  const settings = canary({ pauseStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'], bakeTimeMinutes: 3 })
  const result = await deploy(
    options('shop:v2', { settings, thresholds: THRESHOLDS, pauses: 'wait' }),
    depsOf(s)
  )
  expect(result.status).toBe('paused')
  expect(result.services[0]?.progressive?.pausedAt).toBe('PRE_PRODUCTION_TRAFFIC_SHIFT')
  expect(result.services[0]?.progressive?.hookId).toMatch(/^ecs-pause-/)
  return {
    now: s,
    old,
    ...(before && { before }),
    ...(result.services[0]?.taskDefinitionArn && { target: result.services[0].taskDefinitionArn })
  }
}

function resumeOptions(now: Stack, action: 'continue' | 'abort') {
  const clock = scaledClock({ origin: now.sim.clock.origin, scale: SCALE })
  return {
    cluster: 'prod',
    service: 'web',
    action,
    actor: 'alice',
    thresholds: THRESHOLDS,
    pauses: 'continue-on-pass' as const,
    deadline: clock.now() + 20 * 60_000
  }
}

it('a later run continues a paused canary: the rest is followed and judged to success', async () => {
  const { now, before, target } = await pausedCanary()
  const resumed = await resumeProgressive(resumeOptions(now, 'continue'), depsOf(now))

  expect(resumed.outcome).toBe('succeeded')
  expect(resumed.resumedAt).toBe('PRE_PRODUCTION_TRAFFIC_SHIFT')
  expect(resumed.steps.map(step => step.weightNew)).toEqual([10, 100])
  expect(resumed.steps.every(step => step.analysis?.verdict === 'pass')).toBe(true)
  expect(resumed.taskDefinitionArn).toBe(target)
  expect(resumed.previousTaskDefinitionArn).toBe(before)
  expect(await live(now)).toBe(target)
})

it('a later run aborts a paused canary: rolled back, no production request reached it', async () => {
  const { now, old, before } = await pausedCanary()
  const calls = mutating(now).length
  const resumed = await resumeProgressive(resumeOptions(now, 'abort'), depsOf(now))

  // One answer to the hook; the rollback it asks for is never asked again.
  expect(mutating(now).slice(calls)).toEqual(['ContinueServiceDeployment'])
  expect(resumed.outcome).toBe('rolled-back')
  expect(resumed.reason).toBe('Aborted by alice at the pause at PRE_PRODUCTION_TRAFFIC_SHIFT.')
  expect(resumed.steps).toEqual([])
  expect(resumed.blastRadius.requestsToNew).toBe(0)
  expect(await live(now)).toBe(before)
  expect(await weightOf(now, old)).toBe(100)
})

it('refuses a new deploy over a paused one at once, naming resume, and changes nothing', async () => {
  const { now } = await pausedCanary()
  const calls = mutating(now).length
  const settings = canary()
  const attempt = deploy(
    options('shop:v3', { settings, thresholds: THRESHOLDS, pauses: 'wait' }),
    depsOf(now)
  )

  await expect(attempt).rejects.toBeInstanceOf(ConfigurationError)
  await expect(attempt).rejects.toThrow(
    /^Input 'service': web has a deployment waiting at PRE_PRODUCTION_TRAFFIC_SHIFT \(hook ecs-pause-[\w-]+\)\. Answer it first with resume: continue or resume: abort; nothing was deployed\.$/
  )
  expect(mutating(now).length).toBe(calls)
})

it('refuses to resume a service with nothing paused, and changes nothing', async () => {
  s = await stack()
  const calls = mutating(s).length
  const attempt = resumeProgressive(resumeOptions(s, 'continue'), depsOf(s))

  await expect(attempt).rejects.toBeInstanceOf(ConfigurationError)
  await expect(attempt).rejects.toThrow(
    "Service 'web' has no deployment waiting at a PAUSE hook, so there is nothing to continue; nothing was changed."
  )
  expect(mutating(s).length).toBe(calls)
})

it('a resume at a later pause judges the new revision where its tasks are, not by the weights', async () => {
  s = await stack()
  // A 60 % canary paused before each traffic step: after the first, the new group has most traffic.
  const settings = canary({
    canaryPercent: 60,
    pauseStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'],
    bakeTimeMinutes: 3
  })
  const paused = await deploy(
    options('shop:v2', { settings, thresholds: THRESHOLDS, pauses: 'wait' }),
    depsOf(s)
  )
  expect(paused.status).toBe('paused')
  const first = await resumeProgressive(
    { ...resumeOptions(s, 'continue'), pauses: 'wait' },
    depsOf(s)
  )
  expect(first.outcome).toBe('paused')
  expect(first.steps.map(step => [step.weightNew, step.analysis?.verdict])).toEqual([[60, 'pass']])

  const second = await resumeProgressive(resumeOptions(s, 'continue'), depsOf(s))
  expect(second.outcome).toBe('succeeded')
  // The pause held 60 % (seen first unless ECS moved on before the first look), then all moved.
  expect(second.steps.at(-1)?.weightNew).toBe(100)
  const last = second.steps.at(-1)?.analysis
  // Judged on the group serving the new revision: its requests, not the emptied old group's.
  expect(last?.verdict).toBe('pass')
  expect(last?.candidate.requests).toBeGreaterThan(last?.baseline.requests ?? Infinity)
})

it('a resumed blue/green never passes its test-traffic hook unverified', async () => {
  s = await stack()
  const test = await testListener(s)
  const before = await live(s)
  const settings = canary({
    kind: 'blue-green',
    testListenerRuleArn: test.arn,
    verifyTestTraffic: true,
    pauseStages: ['PRE_SCALE_UP']
  })
  const seen: number[] = []
  const paused = await deploy(
    options('shop:v2-errors', { settings, thresholds: THRESHOLDS, pauses: 'wait' }),
    { ...depsOf(s), testTraffic: tenRequests(`${test.url}/health`, seen) }
  )
  expect(paused.services[0]?.progressive?.pausedAt).toBe('PRE_SCALE_UP')

  // Without the check (no test-url in the later run): it stops at the hook, it does not continue.
  const unverified = await resumeProgressive(resumeOptions(s, 'continue'), depsOf(s))
  expect(unverified.outcome).toBe('paused')
  expect(unverified.pausedAt).toBe('POST_TEST_TRAFFIC_SHIFT')
  expect(unverified.reason).toMatch(/for the test-traffic verification; run again with test-url/)

  const refused = resumeProgressive(resumeOptions(s, 'continue'), depsOf(s))
  await expect(refused).rejects.toThrow(
    "Input 'test-url': Service 'web' waits at POST_TEST_TRAFFIC_SHIFT for its test-traffic verification; give test-url"
  )
  const verified = await resumeProgressive(resumeOptions(s, 'continue'), {
    ...depsOf(s),
    testTraffic: tenRequests(`${test.url}/health`, seen)
  })
  expect(verified.outcome).toBe('rolled-back')
  expect(verified.testTraffic?.passed).toBe(false)
  expect(await live(s)).toBe(before)
})

import { afterEach, expect, it, jest } from '@jest/globals'
import { deploy, type DeployOptions } from '../src/index.js'
import { createWeb, rollingSim, settled, type RollingSim } from './rolling-sim-fixtures.js'

/**
 * A deploy cancelled while RegisterTaskDefinition is slow (3 real seconds on the sim) abandons
 * the call and sends no UpdateService: nothing changes in ECS, and the result says so.
 */

let stack: RollingSim | undefined

afterEach(async () => {
  await stack?.stop()
  stack = undefined
})

jest.setTimeout(30_000)

it('sends no UpdateService when cancelled during a slow RegisterTaskDefinition', async () => {
  const s = (stack = await rollingSim())
  const { ecs, elb, clock, log } = s
  await createWeb(s, { images: ['shop:v1'], taskDefinition: 'web', desiredCount: 1 })
  await settled(s, 'web:1 settled')
  await s.fault({ service: 'ecs', operation: 'RegisterTaskDefinition', latencyMs: 3000 })
  const controller = new AbortController()
  const options: DeployOptions = {
    cluster: 'prod',
    services: ['web'],
    taskDefinition: { kind: 'current' },
    images: { app: 'shop:v2' },
    environment: {},
    tags: {},
    forceNewDeployment: false,
    circuitBreaker: true,
    alarms: [],
    wait: true,
    timeoutMs: 10 * 60_000,
    pollIntervalMs: 5_000,
    waitForTargetHealth: 'auto',
    onFailure: 'rollback',
    dryRun: false
  }
  // Abort once the slow RegisterTaskDefinition is on the wire (the sim holds it for 3 s).
  let abortedAt = 0
  ecs.middlewareStack.add(
    (next, context) => args => {
      if (context.commandName === 'RegisterTaskDefinitionCommand') {
        setTimeout(() => {
          abortedAt = Date.now()
          controller.abort()
        }, 300)
      }
      return next(args)
    },
    { step: 'initialize' }
  )
  const running = deploy(options, { ecs, elb, clock, log, signal: controller.signal })
  const result = await running
  expect(Date.now() - abortedAt).toBeLessThan(2_000)
  expect(result.status).toBe('failed')
  expect(result.services[0]?.deploymentId).toBeUndefined()
  expect(result.failureReason).toMatch(
    /^cancelled before the service was updated: nothing changed in ECS/
  )
  // The sim may still finish the abandoned call; no update ever follows it.
  await new Promise(resolve => setTimeout(resolve, 3_500))
  expect(await s.operations()).not.toContain('UpdateService')
})

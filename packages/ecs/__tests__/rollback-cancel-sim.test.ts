import { afterEach, expect, it, jest } from '@jest/globals'
import { UpdateServiceCommand } from '@aws-sdk/client-ecs'
import { rollbackService } from '../src/index.js'
import { createWeb, rollingSim, settled, type RollingSim } from './rolling-sim-fixtures.js'

/**
 * A rollback cancelled while a read before its request is slow (DescribeServiceDeployments held
 * 3 real seconds by the sim) abandons the read and sends neither UpdateService nor
 * StopServiceDeployment: the service is not changed, and the result says so.
 */

let stack: RollingSim | undefined

afterEach(async () => {
  await stack?.stop()
  stack = undefined
})

jest.setTimeout(30_000)

it('sends no UpdateService when cancelled during a slow read before the request', async () => {
  const s = (stack = await rollingSim())
  const { ecs, elb, clock, log } = s
  await createWeb(s, {
    images: ['shop:v1', 'shop:v2', 'shop:v3'],
    taskDefinition: 'web:2',
    desiredCount: 1
  })
  await settled(s, 'web:2 settled')
  // web:3 rolling out: the rollback to web:1 first asks whether stopping it would do.
  await ecs.send(
    new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:3' })
  )
  await s.fault({ service: 'ecs', operation: 'DescribeServiceDeployments', latencyMs: 3000 })
  const before = (await s.operations()).length
  const controller = new AbortController()
  let abortedAt = 0
  ecs.middlewareStack.add(
    (next, context) => args => {
      if (context.commandName === 'DescribeServiceDeploymentsCommand') {
        setTimeout(() => {
          abortedAt = Date.now()
          controller.abort()
        }, 300)
      }
      return next(args)
    },
    { step: 'initialize' }
  )
  const result = await rollbackService(
    {
      cluster: 'prod',
      service: 'web',
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
      reason: 'test',
      timeoutMs: 10 * 60_000,
      pollIntervalMs: 5_000,
      waitForTargetHealth: 'auto',
      stopInProgress: true
    },
    { ecs, elb, clock, log, signal: controller.signal }
  )
  expect(Date.now() - abortedAt).toBeLessThan(2_000)
  expect(result.status).toBe('cancelled')
  expect(result.method).toBeUndefined()
  expect(result.reason).toMatch(/^cancelled before the rollback was requested; web was not changed/)
  // The sim may still answer the abandoned read; no request ever follows it.
  await new Promise(resolve => setTimeout(resolve, 3_500))
  const after = (await s.operations()).slice(before)
  expect(after).toContain('DescribeServiceDeployments')
  expect(after).not.toContain('UpdateService')
  expect(after).not.toContain('StopServiceDeployment')
})

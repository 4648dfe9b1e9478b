import { afterEach, expect, it, jest } from '@jest/globals'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { MemoryLogger, scaledClock } from '@fargate-promote/common'
import { startSim, type Sim } from '@fargate-promote/sim'
import { rollbackService } from '../src/index.js'
import { register, until } from './progressive-follow-fixtures.js'

/**
 * A rollback cancelled while a read before its request is slow (DescribeServiceDeployments held
 * 3 real seconds by the sim) abandons the read and sends neither UpdateService nor
 * StopServiceDeployment: the service is not changed, and the result says so.
 */

const SCALE = 30
const credentials = { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' }
let sim: Sim | undefined

afterEach(async () => {
  await sim?.stop()
  sim = undefined
})

jest.setTimeout(30_000)

async function operations(url: string): Promise<string[]> {
  const answer = (await (await fetch(`${url}/_sim/calls`)).json()) as {
    calls: { operation: string }[]
  }
  return answer.calls.map(call => call.operation)
}

it('sends no UpdateService when cancelled during a slow read before the request', async () => {
  sim = await startSim({ timeScale: SCALE, virtualTime: true })
  const config = { endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts: 1 }
  const ecs = new ECSClient(config)
  const elb = new ElasticLoadBalancingV2Client(config)
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }))
  for (const image of ['shop:v1', 'shop:v2', 'shop:v3']) await register(ecs, image)
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web:2',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } }
    })
  )
  await until(async () => {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))
    return out.services?.[0]?.deployments?.[0]?.rolloutState === 'COMPLETED' ? true : undefined
  }, 'web:2 settled')
  // web:3 rolling out: the rollback to web:1 first asks whether stopping it would do.
  await ecs.send(
    new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:3' })
  )
  const added = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    body: JSON.stringify({
      service: 'ecs',
      operation: 'DescribeServiceDeployments',
      latencyMs: 3000
    })
  })
  expect(added.status).toBe(201)
  const before = (await operations(sim.url)).length
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
  const log = new MemoryLogger()
  const clock = scaledClock({ origin: sim.clock.origin, scale: SCALE })
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
  const after = (await operations(sim.url)).slice(before)
  expect(after).toContain('DescribeServiceDeployments')
  expect(after).not.toContain('UpdateService')
  expect(after).not.toContain('StopServiceDeployment')
})

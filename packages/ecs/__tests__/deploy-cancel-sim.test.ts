import { afterEach, expect, it, jest } from '@jest/globals'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient
} from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { MemoryLogger, scaledClock } from '@fargate-promote/common'
import { startSim, type Sim } from '@fargate-promote/sim'
import { deploy, type DeployOptions } from '../src/index.js'
import { register, until } from './progressive-follow-fixtures.js'

/**
 * A deploy cancelled while RegisterTaskDefinition is slow (3 real seconds on the sim) abandons
 * the call and sends no UpdateService: nothing changes in ECS, and the result says so.
 */

const SCALE = 30
const credentials = { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' }
let sim: Sim | undefined

afterEach(async () => {
  await sim?.stop()
  sim = undefined
})

jest.setTimeout(30_000)

it('sends no UpdateService when cancelled during a slow RegisterTaskDefinition', async () => {
  sim = await startSim({ timeScale: SCALE, virtualTime: true })
  const config = { endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts: 1 }
  const ecs = new ECSClient(config)
  const elb = new ElasticLoadBalancingV2Client(config)
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }))
  await register(ecs, 'shop:v1')
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } }
    })
  )
  await until(async () => {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))
    return out.services?.[0]?.deployments?.[0]?.rolloutState === 'COMPLETED' ? true : undefined
  }, 'web:1 settled')
  const added = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    body: JSON.stringify({ service: 'ecs', operation: 'RegisterTaskDefinition', latencyMs: 3000 })
  })
  expect(added.status).toBe(201)
  const controller = new AbortController()
  const log = new MemoryLogger()
  const clock = scaledClock({ origin: sim.clock.origin, scale: SCALE })
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
  const calls = async () =>
    (
      (await (await fetch(`${(sim as Sim).url}/_sim/calls`)).json()) as {
        calls: { operation: string }[]
      }
    ).calls.map(call => call.operation)
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
  expect(await calls()).not.toContain('UpdateService')
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { GetQueueUrlCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs'
import { Octokit } from '@octokit/rest'
import { fileURLToPath } from 'node:url'
import { startSim, type Sim } from '../src/index.js'
import { credentials } from './server-fakes.js'

const demo = fileURLToPath(new URL('../scenarios/demo.yml', import.meta.url))

/** One smoke run of the whole composed world: the real modules behind the real SDK clients. */
describe('the sim with the real modules and the demo scenario', () => {
  let sim: Sim
  beforeAll(async () => {
    sim = await startSim({ scenario: demo, timeScale: 50 })
  })
  afterAll(async () => {
    await sim.stop()
  })
  const config = () => ({ endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 })

  it('starts from a steady world and serves every protocol', async () => {
    const ecs = new ECSClient(config())
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: 'staging', services: ['web', 'worker'] })
    )
    expect(described.services?.map(s => [s.serviceName, s.runningCount, s.desiredCount])).toEqual([
      ['web', 2, 2],
      ['worker', 1, 1]
    ])
    expect(described.services?.[0]?.createdAt).toBeInstanceOf(Date)

    const elb = new ElasticLoadBalancingV2Client(config())
    const missing = await elb
      .send(
        new DescribeTargetHealthCommand({
          TargetGroupArn:
            'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef'
        })
      )
      .catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(TargetGroupNotFoundException)

    const alarms = await new CloudWatchClient(config()).send(
      new DescribeAlarmsCommand({ AlarmNames: ['web-prod-5xx'] })
    )
    expect(alarms.MetricAlarms?.[0]?.StateValue).toBe('OK')

    const sqs = new SQSClient(config())
    expect(
      (await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders-dev' }))).QueueUrl
    ).toContain('orders-dev')
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(
      QueueDoesNotExist
    )

    const octokit = new Octokit({ baseUrl: sim.url + '/github', auth: 't' })
    const deployment = await octokit.rest.repos.createDeployment({
      owner: 'acme',
      repo: 'shop',
      ref: 'main',
      environment: 'staging',
      auto_merge: false,
      required_contexts: []
    })
    expect(deployment.status).toBe(201)
  })

  it('routes the listener to healthy web tasks and resets to the scenario', async () => {
    const { listeners } = (await (await fetch(sim.url + '/_sim/listeners')).json()) as {
      listeners: { loadBalancerName: string; url: string }[]
    }
    expect(listeners.map(l => l.loadBalancerName).sort()).toEqual([
      'web-dev',
      'web-prod',
      'web-staging'
    ])
    const staging = listeners.find(l => l.loadBalancerName === 'web-staging')
    const health = await fetch(`${staging?.url ?? ''}/health`)
    expect(health.status).toBe(200)

    expect(sim.calls().length).toBeGreaterThan(0)
    await fetch(sim.url + '/_sim/reset', { method: 'POST' })
    expect(sim.calls()).toEqual([])
    const ecs = new ECSClient(config())
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
    )
    expect(described.services?.[0]?.runningCount).toBe(3)
  })
})

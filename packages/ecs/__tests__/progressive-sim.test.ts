import { afterEach, expect, it, jest } from '@jest/globals'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  simTimeAt,
  startSim,
  startTraffic,
  type Sim,
  type TrafficGenerator
} from '@fargate-promote/sim'
import {
  analyse,
  deploymentConfigurationFor,
  loadBalancersFor,
  missingForStrategy,
  revisionTraffic,
  type StrategySettings
} from '../src/index.js'
import { SCALE, targetGroup, until } from './progressive-follow-fixtures.js'

/**
 * The analysis on real proxied traffic: a CANARY of an `-errors` release (every 5th request
 * answers 500) with steady requests through the production listener. After the first whole
 * minute of the canary step, the new target group's CloudWatch metrics show ~20 % errors and the
 * analysis fails it; the old group, over the same window, passes. Virtual time at scale 30: a
 * sim minute is 2 real seconds.
 */

const RATE = 3 // requests per sim second
const credentials = { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' }
let sim: Sim | undefined
let traffic: TrafficGenerator | undefined

afterEach(async () => {
  await traffic?.stop()
  await sim?.stop()
})

jest.setTimeout(40_000)

const task = (image: string) =>
  new RegisterTaskDefinitionCommand({
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      { name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }] }
    ]
  })

it('fails a canary of an -errors release on its first whole minute, and passes the old revision', async () => {
  const s = await startSim({ timeScale: SCALE, virtualTime: true })
  sim = s
  const config = { endpoint: s.url, region: 'eu-west-1', credentials, maxAttempts: 1 }
  const ecs = new ECSClient(config)
  const elb = new ElasticLoadBalancingV2Client(config)
  const cloudwatch = new CloudWatchClient(config)
  const lb = await elb.send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: ['subnet-1'] }))
  const loadBalancer = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? ''
  const [blue, green] = [await targetGroup(elb, 'shop-a'), await targetGroup(elb, 'shop-b')]
  const forward = [
    { TargetGroupArn: blue, Weight: 100 },
    { TargetGroupArn: green, Weight: 0 }
  ]
  const listener = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancer,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: forward } }]
    })
  )
  const listenerArn = listener.Listeners?.[0]?.ListenerArn ?? ''
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }))
  await ecs.send(task('shop:v1'))
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      loadBalancers: [{ targetGroupArn: blue, containerName: 'app', containerPort: 8080 }]
    })
  )
  const describe = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
      .services?.[0] ?? {}

  // The service as DescribeServices shows it lacks what CANARY needs until the settings say it.
  const settings: StrategySettings = {
    kind: 'canary',
    canaryPercent: 20,
    canaryBakeMinutes: 5,
    stepPercent: 10,
    stepBakeMinutes: 6,
    bakeTimeMinutes: 0
  }
  const service = await until(async () => {
    const current = await describe()
    return current.deployments?.[0]?.rolloutState === 'COMPLETED' ? current : undefined
  }, 'web:1 settled')
  expect(missingForStrategy(service, settings).map(p => p.setting)).toEqual([
    'alternate-target-group',
    'production-listener-rule',
    'infrastructure-role'
  ])
  const full: StrategySettings = {
    ...settings,
    alternateTargetGroupArn: green,
    productionListenerRuleArn: listenerArn,
    roleArn: 'arn:aws:iam::123456789012:role/ecs-infrastructure'
  }
  expect(missingForStrategy(service, full)).toEqual([])

  traffic = startTraffic({
    url: await listenerUrl(s, listenerArn),
    ratePerSecond: RATE,
    clock: s.clock
  })
  await ecs.send(task('shop:v2-errors'))
  const update = await ecs.send(
    new UpdateServiceCommand({
      cluster: 'prod',
      service: 'web',
      taskDefinition: 'web:2',
      deploymentConfiguration: deploymentConfigurationFor(full, service.deploymentConfiguration),
      loadBalancers: loadBalancersFor(full, service.loadBalancers)
    })
  )
  const deployment = update.service?.currentServiceDeployment ?? ''
  await until(async () => {
    const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))
    const groups = out.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups ?? []
    return groups.find(g => g.TargetGroupArn === green)?.Weight === 20 ? true : undefined
  }, 'the canary step')
  const stepStart = simTimeAt(s.clock)

  // Wait until the first whole minute of the step is over (ALB publishes it then).
  const firstMinuteEnd = Math.ceil(stepStart / 60_000) * 60_000 + 60_000
  await until(
    () => Promise.resolve(simTimeAt(s.clock) >= firstMinuteEnd ? true : undefined),
    'a minute'
  )
  const window = { loadBalancer, from: stepStart, to: simTimeAt(s.clock) }
  const candidate = await revisionTraffic({ ...window, targetGroup: green }, { cloudwatch })
  const baseline = await revisionTraffic({ ...window, targetGroup: blue }, { cloudwatch })

  expect(candidate.minutes).toHaveLength(1)
  expect(candidate.from).toBe(firstMinuteEnd - 60_000)
  const { requests, errors, errorRate } = candidate.total
  expect(requests).toBeGreaterThan(20) // ~36: 20 % of 180 a minute
  expect(Math.abs(errors - 0.2 * requests)).toBeLessThanOrEqual(1)
  expect(errorRate).toBeGreaterThan(0.15)
  expect(errorRate).toBeLessThan(0.25)
  expect(candidate.total.p99LatencyMs).toBe(2)
  expect(baseline.total.requests).toBeGreaterThan(3 * requests)
  expect(baseline.total.errors).toBe(0)

  const thresholds = { maxErrorRate: 0.05, maxErrorRateIncrease: 0.02, minRequests: 10 }
  const verdict = analyse({ candidate: candidate.total, baseline: baseline.total, thresholds })
  expect(verdict.verdict).toBe('fail')
  expect(verdict.reasons[0]).toMatch(
    new RegExp(
      `^new revision: \\d+\\.\\d% of ${requests} requests failed \\(old: 0\\.0%\\), above 5%$`
    )
  )
  expect(analyse({ candidate: baseline.total, thresholds }).verdict).toBe('pass')
  const sd = await ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [deployment] })
  )
  expect(sd.serviceDeployments?.[0]?.status).toBe('IN_PROGRESS')
})

async function listenerUrl(s: Sim, listenerArn: string): Promise<string> {
  const { listeners } = (await (await fetch(`${s.url}/_sim/listeners`)).json()) as {
    listeners: { listenerArn: string; url: string }[]
  }
  return listeners.find(l => l.listenerArn === listenerArn)?.url ?? ''
}

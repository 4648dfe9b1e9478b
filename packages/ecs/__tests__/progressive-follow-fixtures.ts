import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type DeploymentLifecycleHook
} from '@aws-sdk/client-ecs'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { MemoryLogger, scaledClock } from '@fargate-promote/common'
import { startSim, startTraffic, type Sim, type TrafficGenerator } from '@fargate-promote/sim'
import type { FollowProgressiveDeps, FollowProgressiveOptions } from '../src/index.js'

/**
 * A settled CANARY service web:1 behind a load balancer with two target groups, on a sim with
 * virtual time at scale 30 (a sim minute is 2 real seconds), and steady traffic on its listener.
 */

export const SCALE = 30
const RATE = 3 // requests per sim second: 180 per sim minute
const credentials = { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' }
export const realSleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await realSleep(20)
  }
}

export interface Stack {
  sim: Sim
  ecs: ECSClient
  elb: ElasticLoadBalancingV2Client
  cloudwatch: CloudWatchClient
  loadBalancer: string
  listenerArn: string
  blue: string
  green: string
  traffic: TrafficGenerator
  log: MemoryLogger
  stop(): Promise<void>
}

export async function targetGroup(
  elb: ElasticLoadBalancingV2Client,
  Name: string
): Promise<string> {
  const out = await elb.send(
    new CreateTargetGroupCommand({
      Name,
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: 'vpc-1',
      TargetType: 'ip',
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 2,
      HealthyThresholdCount: 2
    })
  )
  const arn = out.TargetGroups?.[0]?.TargetGroupArn ?? ''
  // Drained targets go in 5 sim seconds, not the default 300, so rollbacks finish quickly.
  await elb.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: arn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }]
    })
  )
  return arn
}

export async function register(ecs: ECSClient, image: string): Promise<void> {
  await ecs.send(
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
  )
}

export async function deploymentStatus(ecs: ECSClient, arn: string): Promise<string | undefined> {
  const out = await ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })
  )
  return out.serviceDeployments?.[0]?.status
}

async function createService(s: Omit<Stack, 'traffic' | 'stop' | 'log'>): Promise<void> {
  await s.ecs.send(new CreateClusterCommand({ clusterName: 'prod' }))
  await register(s.ecs, 'shop:v1')
  const created = await s.ecs.send(
    new CreateServiceCommand({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      loadBalancers: [
        {
          targetGroupArn: s.blue,
          containerName: 'app',
          containerPort: 8080,
          advancedConfiguration: {
            alternateTargetGroupArn: s.green,
            productionListenerRule: s.listenerArn,
            roleArn: 'arn:aws:iam::123456789012:role/ecs-infrastructure'
          }
        }
      ],
      // BLUE_GREEN without a bake: the first deployment settles in a few sim seconds.
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 }
    })
  )
  const arn = created.service?.currentServiceDeployment ?? ''
  await until(
    async () => ((await deploymentStatus(s.ecs, arn)) === 'SUCCESSFUL' ? true : undefined),
    'web:1 settled'
  )
}

export async function stack(): Promise<Stack> {
  const sim = await startSim({ timeScale: SCALE, virtualTime: true })
  const config = { endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts: 1 }
  const ecs = new ECSClient(config)
  const elb = new ElasticLoadBalancingV2Client(config)
  const cloudwatch = new CloudWatchClient(config)
  const lb = await elb.send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: ['subnet-1'] }))
  const loadBalancer = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? ''
  const [blue, green] = [await targetGroup(elb, 'shop-a'), await targetGroup(elb, 'shop-b')]
  const listener = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancer,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: blue, Weight: 100 },
              { TargetGroupArn: green, Weight: 0 }
            ]
          }
        }
      ]
    })
  )
  const listenerArn = listener.Listeners?.[0]?.ListenerArn ?? ''
  const base = { sim, ecs, elb, cloudwatch, loadBalancer, listenerArn, blue, green }
  await createService(base)
  const { listeners } = (await (await fetch(`${sim.url}/_sim/listeners`)).json()) as {
    listeners: { listenerArn: string; url: string }[]
  }
  const url = listeners.find(l => l.listenerArn === listenerArn)?.url ?? ''
  const traffic = startTraffic({ url, ratePerSecond: RATE, clock: sim.clock })
  const stop = async () => {
    await traffic.stop()
    await sim.stop()
  }
  return { ...base, traffic, log: new MemoryLogger(), stop }
}

export interface Deployment {
  arn: string
  /** The target group serving production before the deployment, and the other one. */
  old: string
  new: string
}

/** Deploys web:2 (`image`) as a 10 % canary baking `canaryBake` minutes. */
export async function deploy(
  s: Stack,
  image: string,
  settings: { canaryBake: number; bake: number; hooks?: DeploymentLifecycleHook[] }
): Promise<Deployment> {
  // ECS swaps the pair on every deployment: production is the group with the higher weight.
  const old = (await weightOf(s, s.blue)) === 100 ? s.blue : s.green
  await register(s.ecs, image)
  const out = await s.ecs.send(
    new UpdateServiceCommand({
      cluster: 'prod',
      service: 'web',
      taskDefinition: 'web:2',
      deploymentConfiguration: {
        strategy: 'CANARY',
        bakeTimeInMinutes: settings.bake,
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: settings.canaryBake },
        lifecycleHooks: settings.hooks
      }
    })
  )
  const arn = out.service?.currentServiceDeployment ?? ''
  return { arn, old, new: old === s.blue ? s.green : s.blue }
}

/** The percent of production traffic the listener sends to `group`. */
export async function weightOf(s: Stack, group: string): Promise<number> {
  const out = await s.elb.send(new DescribeListenersCommand({ ListenerArns: [s.listenerArn] }))
  const groups = out.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups ?? []
  return groups.find(g => g.TargetGroupArn === group)?.Weight ?? 0
}

/**
 * followProgressive's options for the stack. min-requests 5: a 10 % step receives about 18
 * requests a sim minute, and fewer when the machine is loaded (the traffic generator sends one
 * request at a time), so a verdict must not need most of them.
 */
export function followArgs(
  s: Stack,
  deployment: Deployment,
  pauses: FollowProgressiveOptions['pauses']
): [FollowProgressiveOptions, FollowProgressiveDeps] {
  const clock = scaledClock({ origin: s.sim.clock.origin, scale: SCALE })
  const options: FollowProgressiveOptions = {
    cluster: 'prod',
    service: 'web',
    serviceDeploymentArn: deployment.arn,
    loadBalancer: s.loadBalancer,
    productionListenerRule: s.listenerArn,
    productionTargetGroups: { old: deployment.old, new: deployment.new },
    thresholds: { maxErrorRate: 0.05, maxErrorRateIncrease: 0.02, minRequests: 5 },
    pauses,
    deadline: clock.now() + 20 * 60_000
  }
  return [options, { ecs: s.ecs, cloudwatch: s.cloudwatch, elb: s.elb, clock, log: s.log }]
}

/** A test listener (port 8080) forwarding to the service's target group, and its URL. */
export async function testListener(s: Stack): Promise<{ arn: string; url: string }> {
  const out = await s.elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: s.loadBalancer,
      Protocol: 'HTTP',
      Port: 8080,
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: s.blue, Weight: 100 },
              { TargetGroupArn: s.green, Weight: 0 }
            ]
          }
        }
      ]
    })
  )
  const arn = out.Listeners?.[0]?.ListenerArn ?? ''
  const { listeners } = (await (await fetch(`${s.sim.url}/_sim/listeners`)).json()) as {
    listeners: { listenerArn: string; url: string }[]
  }
  return { arn, url: listeners.find(l => l.listenerArn === arn)?.url ?? '' }
}

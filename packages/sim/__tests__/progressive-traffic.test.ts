import { afterEach, describe, expect, it, jest } from '@jest/globals'
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand
} from '@aws-sdk/client-cloudwatch'
import {
  ContinueServiceDeploymentCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type DeploymentLifecycleHook,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  countsSince,
  revisionTotal,
  startSim,
  startTraffic,
  type Sim,
  type TrafficCounts,
  type TrafficGenerator
} from '../src/index.js'
import { credentials } from './server-fakes.js'

/**
 * Progressive delivery on real proxied traffic: a CANARY deployment of an `-errors` release
 * with a traffic generator on the production listener, the new target group's CloudWatch
 * metrics, and aborts by StopServiceDeployment and by a PAUSE hook's ContinueServiceDeployment.
 * Virtual time at scale 30: a sim minute is 2 real seconds.
 */

const SCALE = 30
const RATE = 3 // requests per sim second: 180 per sim minute
let sim: Sim
let traffic: TrafficGenerator | undefined

afterEach(async () => {
  await traffic?.stop()
  traffic = undefined
  await sim.stop()
})

const config = () => ({ endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts: 1 })
const realSleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await realSleep(20)
  }
}

interface Stack {
  ecs: ECSClient
  elb: ElasticLoadBalancingV2Client
  cw: CloudWatchClient
  listenerArn: string
  lbDimension: string
  /** Target group ARN → `targetgroup/<name>/<id>`. */
  dimension: (arn: string) => string
  groups: [string, string]
  url: string
}

/** A load balancer, two target groups, a CANARY service at web:1 that has settled. */
async function stack(): Promise<Stack> {
  sim = await startSim({ timeScale: SCALE, virtualTime: true })
  const ecs = new ECSClient(config())
  const elb = new ElasticLoadBalancingV2Client(config())
  const cw = new CloudWatchClient(config())
  const lb = await elb.send(
    new CreateLoadBalancerCommand({ Name: 'shop', Subnets: ['subnet-1', 'subnet-2'] })
  )
  const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? ''
  const group = async (name: string) => {
    const out = await elb.send(
      new CreateTargetGroupCommand({
        Name: name,
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
  const groups: [string, string] = [await group('shop-a'), await group('shop-b')]
  const listener = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lbArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: groups[0], Weight: 100 },
              { TargetGroupArn: groups[1], Weight: 0 }
            ]
          }
        }
      ]
    })
  )
  const listenerArn = listener.Listeners?.[0]?.ListenerArn ?? ''
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }))
  await register(ecs, 'shop:v1')
  const created = await ecs.send(
    new CreateServiceCommand({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      loadBalancers: [
        {
          targetGroupArn: groups[0],
          containerName: 'app',
          containerPort: 8080,
          advancedConfiguration: {
            alternateTargetGroupArn: groups[1],
            productionListenerRule: listenerArn,
            roleArn: 'arn:aws:iam::123456789012:role/ecs-infrastructure'
          }
        }
      ],
      deploymentConfiguration: {
        strategy: 'CANARY',
        bakeTimeInMinutes: 0,
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 }
      }
    })
  )
  await settled(ecs, created.service?.currentServiceDeployment ?? '', 'SUCCESSFUL')
  const { listeners } = (await (await fetch(`${sim.url}/_sim/listeners`)).json()) as {
    listeners: { listenerArn: string; url: string }[]
  }
  const url = listeners.find(l => l.listenerArn === listenerArn)?.url ?? ''
  return {
    ecs,
    elb,
    cw,
    listenerArn,
    lbDimension: lbArn.slice(lbArn.indexOf(':loadbalancer/') + ':loadbalancer/'.length),
    dimension: arn => arn.slice(arn.lastIndexOf(':') + 1),
    groups,
    url
  }
}

async function register(ecs: ECSClient, image: string): Promise<void> {
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

async function describe1(ecs: ECSClient, arn: string): Promise<ServiceDeployment> {
  const out = await ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })
  )
  return out.serviceDeployments?.[0] ?? {}
}

async function settled(ecs: ECSClient, arn: string, status: string): Promise<ServiceDeployment> {
  return until(async () => {
    const sd = await describe1(ecs, arn)
    return sd.status === status ? sd : undefined
  }, `${arn} ${status}`)
}

/** Production weights by target group ARN. */
async function weights(s: Stack): Promise<Record<string, number>> {
  const out = await s.elb.send(new DescribeListenersCommand({ ListenerArns: [s.listenerArn] }))
  const groups = out.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups ?? []
  return Object.fromEntries(groups.map(g => [g.TargetGroupArn ?? '', g.Weight ?? 0]))
}

/** Deploys web:2 (`image`); returns the deployment ARN and the green target group. */
async function deploy(
  s: Stack,
  image: string,
  lifecycleHooks?: DeploymentLifecycleHook[]
): Promise<{ arn: string; green: string; blue: string }> {
  const before = await weights(s)
  const blue = before[s.groups[0]] === 100 ? s.groups[0] : s.groups[1]
  const green = blue === s.groups[0] ? s.groups[1] : s.groups[0]
  await register(s.ecs, image)
  const out = await s.ecs.send(
    new UpdateServiceCommand({
      cluster: 'prod',
      service: 'web',
      taskDefinition: 'web:2',
      deploymentConfiguration:
        lifecycleHooks === undefined
          ? {
              // The service's own, with a canary bake of ten sim minutes (20 real seconds) where
              // it has three: the test stops the deployment after about three, and a shorter bake
              // is a real-time deadline its own calls race on a loaded machine.
              strategy: 'CANARY',
              bakeTimeInMinutes: 0,
              canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 10 }
            }
          : {
              strategy: 'CANARY',
              canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 },
              lifecycleHooks
            }
    })
  )
  return { arn: out.service?.currentServiceDeployment ?? '', green, blue }
}

/** Sums per minute of one metric of one target group, oldest first. */
async function perMinute(s: Stack, metric: string, group: string, stat = 'Sum') {
  const now = (await (await fetch(`${sim.url}/_sim/clock`)).json()) as { now: number }
  const out = await s.cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(now.now - 20 * 60_000),
      EndTime: new Date(now.now),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        {
          Id: 'm',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: metric,
              Dimensions: [
                { Name: 'LoadBalancer', Value: s.lbDimension },
                { Name: 'TargetGroup', Value: s.dimension(group) }
              ]
            },
            Period: 60,
            Stat: stat
          }
        }
      ]
    })
  )
  const result = out.MetricDataResults?.[0]
  return (result?.Timestamps ?? []).map((t, i) => ({
    at: t.getTime(),
    value: result?.Values?.[i] ?? 0
  }))
}

jest.setTimeout(60_000)

const share = (window: TrafficCounts, revision: string) =>
  revisionTotal(window, revision) / Math.max(1, window.completed)

describe('a CANARY of an -errors release on real traffic', () => {
  it('sends ~10 % to the canary, shows its 5XX in CloudWatch, and rolls back to 100 % old', async () => {
    const s = await stack()
    const generator = startTraffic({ url: s.url, ratePerSecond: RATE, clock: sim.clock })
    traffic = generator
    const { arn, green, blue } = await deploy(s, 'shop:v2-errors')
    await until(async () => ((await weights(s))[green] === 10 ? true : undefined), 'canary step')
    expect(await weights(s)).toEqual({ [green]: 10, [blue]: 90 })
    expect((await describe1(s.ecs, arn)).lifecycleStage).toBe('PRODUCTION_TRAFFIC_SHIFT')
    await s.cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'canary-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [
          { Name: 'LoadBalancer', Value: s.lbDimension },
          { Name: 'TargetGroup', Value: s.dimension(green) }
        ],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching'
      })
    )

    // Two sim minutes of the canary step, and 200 requests: the generator sends 360 in two sim
    // minutes on an idle machine and fewer on a loaded one (196 seen with eight jest workers on
    // two cores), so the test waits for them. The listener's smooth weighted round-robin is
    // deterministic: the canary's share is 10 % ± 1 request.
    const start = generator.counts()
    await realSleep((2 * 60_000) / SCALE)
    const canary = await until(() => {
      const window = countsSince(generator.counts(), start)
      return Promise.resolve(window.completed >= 200 ? window : undefined)
    }, '200 requests in the canary step')
    expect(share(canary, 'web:2')).toBeGreaterThan(0.08)
    expect(share(canary, 'web:2')).toBeLessThan(0.12)
    expect(Object.keys(canary.byRevision).sort()).toEqual(['web:1', 'web:2'])
    expect(canary.byRevision['web:1']?.['500']).toBeUndefined()

    // CloudWatch: a whole minute of the canary in the green group, 20 % of it 5XX.
    const requests = await perMinute(s, 'RequestCount', green)
    const errors = await perMinute(s, 'HTTPCode_Target_5XX_Count', green)
    // One green task, whose container fails every fifth request it serves: any minute's 5XX
    // count is a fifth of its requests, rounded down or up.
    expect(requests.filter(r => r.value >= 5).length).toBeGreaterThan(0)
    for (const minute of requests) {
      const fiveXX = errors.find(e => e.at === minute.at)?.value ?? 0
      expect([Math.floor(minute.value / 5), Math.ceil(minute.value / 5)]).toContain(fiveXX)
      expect(minute.at % 60_000).toBe(0)
    }
    expect(await perMinute(s, 'HTTPCode_Target_5XX_Count', blue)).toEqual([])
    expect((await perMinute(s, 'RequestCount', blue)).length).toBeGreaterThan(0)
    const latency = await perMinute(s, 'TargetResponseTime', green, 'Average')
    expect(latency.every(l => l.value === 0.002)).toBe(true)
    const alarm = await s.cw.send(new DescribeAlarmsCommand({ AlarmNames: ['canary-5xx'] }))
    expect(alarm.MetricAlarms?.[0]?.StateValue).toBe('ALARM')

    await s.ecs.send(
      new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })
    )
    expect(await weights(s)).toEqual({ [green]: 0, [blue]: 100 })
    await realSleep(100) // requests routed before the call finish
    const afterStop = generator.counts()
    await realSleep(60_000 / SCALE)
    // 180 on an idle machine; 20 requests without one to web:2 (at 10 % it would have had 2)
    // show its weight is 0.
    const after = await until(() => {
      const window = countsSince(generator.counts(), afterStop)
      return Promise.resolve(window.completed >= 20 ? window : undefined)
    }, '20 requests after the stop')
    expect(revisionTotal(after, 'web:2')).toBe(0)
    await settled(s.ecs, arn, 'ROLLBACK_SUCCESSFUL')
  })
})

describe('a PAUSE hook on real traffic', () => {
  const pause = [
    {
      targetType: 'PAUSE' as const,
      lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT' as const]
    }
  ]

  async function awaiting(s: Stack, arn: string, n: number): Promise<string> {
    return until(async () => {
      const hooks = (await describe1(s.ecs, arn)).lifecycleHookDetails ?? []
      const hook = hooks[n - 1]
      return hooks.length === n && hook?.status === 'AWAITING_ACTION' ? hook.hookId : undefined
    }, `hook ${n}`)
  }

  it('is continued into the canary, then rolled back with no traffic to the new revision after', async () => {
    const s = await stack()
    traffic = startTraffic({ url: s.url, ratePerSecond: RATE, clock: sim.clock })
    const { arn, green, blue } = await deploy(s, 'shop:v2-errors', pause)
    const first = await awaiting(s, arn, 1)
    expect(await weights(s)).toEqual({ [green]: 0, [blue]: 100 })
    expect(revisionTotal(traffic.counts(), 'web:2')).toBe(0)
    await s.ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: first })
    )
    const second = await awaiting(s, arn, 2)
    expect(await weights(s)).toEqual({ [green]: 10, [blue]: 90 })
    expect(revisionTotal(traffic.counts(), 'web:2')).toBeGreaterThan(0)
    const out = await s.ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: second,
        action: 'ROLLBACK'
      })
    )
    expect(out.serviceDeploymentArn).toBe(arn)
    expect(await weights(s)).toEqual({ [green]: 0, [blue]: 100 })
    await realSleep(100)
    const afterRollback = traffic.counts()
    await realSleep(30_000 / SCALE)
    expect(revisionTotal(countsSince(traffic.counts(), afterRollback), 'web:2')).toBe(0)
    const sd = await settled(s.ecs, arn, 'ROLLBACK_SUCCESSFUL')
    expect(sd.lifecycleHookDetails?.map(h => h.status)).toEqual(['SUCCEEDED', 'FAILED'])
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
  TargetGroupNotFoundException,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { Agent, request } from 'node:http'
import { startSim, type Sim } from '../src/index.js'

/**
 * ELBv2 over the wire (awsQuery + XML) with the unmodified client, and the listeners as real
 * HTTP proxies: rules, weights and target registration change where real requests land.
 */

const credentials = { accessKeyId: 'AKIDPARITY', secretAccessKey: 'parity-secret' }

const healthSettings = {
  healthCheckPath: '/health',
  healthCheckIntervalSeconds: 5,
  healthCheckTimeoutSeconds: 2,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
  deregistrationDelaySeconds: 5
}

function service(name: string, desiredCount: number) {
  return {
    cluster: 'edge',
    name,
    taskDefinition: name,
    desiredCount,
    targetGroup: `tg-${name}`,
    healthCheckGracePeriodSeconds: 10,
    waitForSteady: true
  }
}

const scenario = {
  clusters: ['edge'],
  loadBalancers: [
    {
      name: 'split',
      listeners: [
        {
          port: 80,
          targetGroups: [
            { name: 'tg-blue', weight: 100 },
            { name: 'tg-green', weight: 0 }
          ]
        }
      ]
    }
  ],
  targetGroups: [
    { name: 'tg-blue', port: 8080, ...healthSettings },
    { name: 'tg-green', port: 8080, ...healthSettings }
  ],
  taskDefinitions: ['blue', 'green'].map(colour => ({
    family: colour,
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    containerDefinitions: [
      {
        name: 'app',
        image: `registry.example.com/shop/web:${colour}`,
        portMappings: [{ containerPort: 8080 }]
      }
    ]
  })),
  services: [service('blue', 2), service('green', 2)]
}

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value)}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 })

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, res => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** GETs `url` `count` times with `parallel` concurrent callers; tallies the `version` served. */
async function tally(url: string, count: number, parallel = 16): Promise<Map<string, number>> {
  const seen = new Map<string, number>()
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      const res = await get(url)
      const version = (JSON.parse(res.body) as { version?: string }).version
      const key = res.status === 200 ? (version ?? '?') : `status ${res.status}`
      seen.set(key, (seen.get(key) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  return seen
}

describe('ELBv2 over the wire and through the listener proxies', () => {
  let sim: Sim
  let elb: ElasticLoadBalancingV2Client
  let ecs: ECSClient
  const arnOf = async (name: string) =>
    (await elb.send(new DescribeTargetGroupsCommand({ Names: [name] }))).TargetGroups![0]!
      .TargetGroupArn!
  const listenerUrl = async (loadBalancerArn: string, port: number) => {
    const body = (await (await fetch(`${sim.url}/_sim/listeners`)).json()) as {
      listeners: { loadBalancerArn: string; port: number; url: string }[]
    }
    return body.listeners.find(l => l.loadBalancerArn === loadBalancerArn && l.port === port)!.url
  }

  beforeAll(async () => {
    sim = await startSim({ scenario, timeScale: 50 })
    const config = { endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 }
    elb = new ElasticLoadBalancingV2Client(config)
    ecs = new ECSClient(config)
  }, 30_000)
  afterAll(async () => {
    elb.destroy()
    ecs.destroy()
    agent.destroy()
    await sim.stop()
  })

  it('splits 2,000 real requests 70/30 after ModifyListener sets ForwardConfig weights', async () => {
    const { LoadBalancers } = await elb.send(new DescribeLoadBalancersCommand({ Names: ['split'] }))
    const lbArn = LoadBalancers![0]!.LoadBalancerArn!
    const { Listeners } = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))
    const listener = Listeners![0]!
    const [blue, green] = [await arnOf('tg-blue'), await arnOf('tg-green')]
    for (const tg of [blue, green]) {
      const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))
      expect(health.TargetHealthDescriptions?.map(d => d.TargetHealth?.State)).toEqual([
        'healthy',
        'healthy'
      ])
    }

    const modified = await elb.send(
      new ModifyListenerCommand({
        ListenerArn: listener.ListenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blue, Weight: 70 },
                { TargetGroupArn: green, Weight: 30 }
              ]
            }
          }
        ]
      })
    )
    const weights = modified.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups
    expect(weights?.map(w => [w.TargetGroupArn, w.Weight])).toEqual([
      [blue, 70],
      [green, 30]
    ])

    const url = await listenerUrl(lbArn, 80)
    const seen = await tally(`${url}/`, 2_000)
    expect([...seen.keys()].sort()).toEqual(['blue', 'green'])
    const greenShare = (seen.get('green') ?? 0) / 2_000
    expect(greenShare).toBeGreaterThanOrEqual(0.25)
    expect(greenShare).toBeLessThanOrEqual(0.35)
  }, 30_000)

  it('creates a load balancer, target group, listener and rules, and routes by path', async () => {
    const created = await elb.send(
      new CreateLoadBalancerCommand({
        Name: 'parity-alb',
        Subnets: ['subnet-0a', 'subnet-0b'],
        SecurityGroups: ['sg-0a'],
        Scheme: 'internal'
      })
    )
    const lb = created.LoadBalancers![0]!
    expect(lb.LoadBalancerArn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/parity-alb\/[0-9a-f]{16}$/
    )
    expect(lb.Scheme).toBe('internal')
    expect(lb.CreatedTime).toBeInstanceOf(Date)
    expect(lb.DNSName).toMatch(/^internal-parity-alb-\d+\.us-east-1\.elb\.amazonaws\.com$/)
    const byArn = await elb.send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn!] })
    )
    expect(byArn.LoadBalancers?.[0]?.LoadBalancerName).toBe('parity-alb')

    const tg = await elb.send(
      new CreateTargetGroupCommand({
        Name: 'parity-tg',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: 'vpc-0parity',
        TargetType: 'ip',
        HealthCheckPath: '/health',
        HealthCheckIntervalSeconds: 5,
        HealthCheckTimeoutSeconds: 2,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2
      })
    )
    const tgArn = tg.TargetGroups![0]!.TargetGroupArn!
    await elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tgArn,
        // 150 s is 3 real seconds at 50x: the DescribeTargetHealth right after DeregisterTargets
        // sees the target draining however loaded the machine (5 s, 100 ms, was not always seen).
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '150' }]
      })
    )
    expect(tg.TargetGroups?.[0]?.HealthCheckPath).toBe('/health')
    expect(tg.TargetGroups?.[0]?.TargetType).toBe('ip')
    const blue = await arnOf('tg-blue')
    const green = await arnOf('tg-green')

    const created2 = await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: 8081,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }]
      })
    )
    const listenerArn = created2.Listeners![0]!.ListenerArn!
    const listed = await elb.send(
      new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn })
    )
    expect(listed.Listeners?.map(l => [l.Port, l.Protocol])).toEqual([[8081, 'HTTP']])

    const rule = await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/green/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: green }]
      })
    )
    const ruleArn = rule.Rules![0]!.RuleArn!
    const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))
    expect(rules.Rules?.map(r => [r.Priority, r.IsDefault])).toEqual([
      ['10', false],
      ['default', true]
    ])

    const url = await listenerUrl(lb.LoadBalancerArn!, 8081)
    expect([...(await tally(`${url}/green/x`, 20, 4)).keys()]).toEqual(['green'])
    expect([...(await tally(`${url}/other`, 20, 4)).keys()]).toEqual(['blue'])

    // ModifyRule: the same path now goes to blue.
    const changed = await elb.send(
      new ModifyRuleCommand({
        RuleArn: ruleArn,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/blue/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: green }]
      })
    )
    expect(changed.Rules?.[0]?.Conditions?.[0]?.PathPatternConfig?.Values).toEqual(['/blue/*'])
    expect([...(await tally(`${url}/green/x`, 20, 4)).keys()]).toEqual(['blue'])
    expect([...(await tally(`${url}/blue/x`, 20, 4)).keys()]).toEqual(['green'])

    // RegisterTargets a real task container into the new group: health checks make it healthy.
    const { taskArns } = await ecs.send(
      new ListTasksCommand({ cluster: 'edge', serviceName: 'green' })
    )
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: 'edge', tasks: taskArns }))
    const port = tasks![0]!.containers![0]!.networkBindings![0]!.hostPort!
    const target = { Id: '127.0.0.1', Port: port }
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [target] }))
    const states: string[] = []
    const healthOf = async (): Promise<TargetHealthDescription[]> =>
      (
        await elb.send(
          new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: [target] })
        )
      ).TargetHealthDescriptions ?? []
    const healthy = await waitFor(healthOf, d => {
      const state = d[0]?.TargetHealth?.State
      if (state !== undefined && states[states.length - 1] !== state) states.push(state)
      return state === 'healthy'
    })
    expect(states[0]).toBe('initial')
    expect(healthy[0]?.HealthCheckPort).toBe(String(port))
    expect(healthy[0]?.TargetHealth?.Reason).toBeUndefined()

    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [target] }))
    const draining = await healthOf()
    expect(draining[0]?.TargetHealth).toEqual({
      State: 'draining',
      Reason: 'Target.DeregistrationInProgress',
      Description: 'Target deregistration is in progress'
    })
    const unused = await waitFor(healthOf, d => d[0]?.TargetHealth?.State === 'unused')
    expect(unused[0]?.TargetHealth?.Reason).toBe('Target.NotRegistered')
  }, 30_000)

  it('raises TargetGroupNotFoundException for an unknown target group', async () => {
    const arn =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef'
    const error = await elb
      .send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TargetGroupNotFoundException)
    expect((error as TargetGroupNotFoundException).$metadata.httpStatusCode).toBe(400)
    const register = await elb
      .send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1' }] }))
      .catch((e: unknown) => e)
    expect(register).toBeInstanceOf(TargetGroupNotFoundException)
    const byName = await elb
      .send(new DescribeTargetGroupsCommand({ Names: ['nope'] }))
      .catch((e: unknown) => e)
    expect(byName).toBeInstanceOf(TargetGroupNotFoundException)
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { AwsError } from '../src/contract.js'
import { createWorld } from './elb-helpers.js'

const world = createWorld()
const { call, createGroup, createLoadBalancer, elb } = world

let lb: string
let tg: string
let other: string
let listener: string
let rule: string
let defaultRule: string
let fixedRule: string

beforeAll(async () => {
  lb = await createLoadBalancer('api-lb')
  tg = await createGroup('api-tg')
  other = await createGroup('api-other')
  const out = await call('CreateListener', {
    LoadBalancerArn: lb,
    Port: '80',
    DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }]
  })
  listener = out.Listeners[0].ListenerArn
  const created = await call('CreateRule', {
    ListenerArn: listener,
    Priority: '5',
    Conditions: [{ Field: 'path-pattern', Values: ['/a/*'] }],
    Actions: [{ Type: 'forward', TargetGroupArn: other }]
  })
  rule = created.Rules[0].RuleArn
  const fixed = await call('CreateRule', {
    ListenerArn: listener,
    Priority: '6',
    Conditions: [{ Field: 'host-header', Values: ['x.com'] }],
    Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '204' } }]
  })
  fixedRule = fixed.Rules[0].RuleArn
  defaultRule = (await call('DescribeRules', { ListenerArn: listener })).Rules[2].RuleArn
})

afterAll(async () => {
  await world.close()
})

const group = (extra: Record<string, unknown>) => ({
  Name: 'fresh-tg',
  Protocol: 'HTTP',
  Port: '80',
  VpcId: 'vpc-1',
  ...extra
})
const forward = (arn: string) => [{ Type: 'forward', TargetGroupArn: arn }]

/** [what, () => [operation, input], expected wire code]. ARNs exist only after beforeAll. */
const invalid: [string, () => [string, Record<string, unknown>], string][] = [
  ['unknown operation', () => ['DescribeAccountLimits', {}], 'InvalidAction'],
  ['load balancer without a name', () => ['CreateLoadBalancer', {}], 'ValidationError'],
  [
    'load balancer name too long',
    () => ['CreateLoadBalancer', { Name: 'x'.repeat(33) }],
    'ValidationError'
  ],
  [
    'load balancer name with a hyphen at the end',
    () => ['CreateLoadBalancer', { Name: 'web-' }],
    'ValidationError'
  ],
  [
    'load balancer named internal-',
    () => ['CreateLoadBalancer', { Name: 'internal-web' }],
    'ValidationError'
  ],
  [
    'network load balancer',
    () => ['CreateLoadBalancer', { Name: 'nlb', Type: 'network' }],
    'ValidationError'
  ],
  [
    'unknown scheme',
    () => ['CreateLoadBalancer', { Name: 'lb2', Scheme: 'public' }],
    'ValidationError'
  ],
  [
    'names and ARNs together',
    () => ['DescribeLoadBalancers', { Names: ['a'], LoadBalancerArns: [lb] }],
    'ValidationError'
  ],
  [
    'unknown load balancer ARN',
    () => ['DescribeLoadBalancers', { LoadBalancerArns: [`${lb}0`] }],
    'LoadBalancerNotFound'
  ],
  [
    'unknown load balancer name',
    () => ['DescribeLoadBalancers', { Names: ['nope'] }],
    'LoadBalancerNotFound'
  ],
  ['names not a list', () => ['DescribeLoadBalancers', { Names: 'a' }], 'ValidationError'],
  ['name not a string', () => ['CreateLoadBalancer', { Name: 5 }], 'ValidationError'],
  [
    'target group without a name',
    () => ['CreateTargetGroup', group({ Name: '' })],
    'ValidationError'
  ],
  [
    'target group name of 33 characters',
    () => ['CreateTargetGroup', group({ Name: 'a'.repeat(33) })],
    'ValidationError'
  ],
  [
    'target group name with an underscore',
    () => ['CreateTargetGroup', group({ Name: 'a_b' })],
    'ValidationError'
  ],
  [
    'instance target type',
    () => ['CreateTargetGroup', group({ TargetType: 'instance' })],
    'ValidationError'
  ],
  [
    'missing protocol',
    () => ['CreateTargetGroup', group({ Protocol: undefined })],
    'ValidationError'
  ],
  ['TCP protocol', () => ['CreateTargetGroup', group({ Protocol: 'TCP' })], 'ValidationError'],
  ['missing VPC', () => ['CreateTargetGroup', group({ VpcId: undefined })], 'ValidationError'],
  ['port 0', () => ['CreateTargetGroup', group({ Port: '0' })], 'ValidationError'],
  ['port not a number', () => ['CreateTargetGroup', group({ Port: 'eighty' })], 'ValidationError'],
  ['port empty', () => ['CreateTargetGroup', group({ Port: ' ' })], 'ValidationError'],
  [
    'interval 4',
    () => ['CreateTargetGroup', group({ HealthCheckIntervalSeconds: '4' })],
    'ValidationError'
  ],
  [
    'interval 301',
    () => ['CreateTargetGroup', group({ HealthCheckIntervalSeconds: '301' })],
    'ValidationError'
  ],
  [
    'timeout 1',
    () => ['CreateTargetGroup', group({ HealthCheckTimeoutSeconds: '1' })],
    'ValidationError'
  ],
  [
    'timeout 121',
    () => ['CreateTargetGroup', group({ HealthCheckTimeoutSeconds: '121' })],
    'ValidationError'
  ],
  [
    'timeout not below interval',
    () => [
      'CreateTargetGroup',
      group({ HealthCheckIntervalSeconds: '10', HealthCheckTimeoutSeconds: '10' })
    ],
    'ValidationError'
  ],
  [
    'healthy threshold 11',
    () => ['CreateTargetGroup', group({ HealthyThresholdCount: '11' })],
    'ValidationError'
  ],
  [
    'unhealthy threshold 1',
    () => ['CreateTargetGroup', group({ UnhealthyThresholdCount: '1' })],
    'ValidationError'
  ],
  [
    'matcher 600',
    () => ['CreateTargetGroup', group({ Matcher: { HttpCode: '600' } })],
    'ValidationError'
  ],
  [
    'matcher text',
    () => ['CreateTargetGroup', group({ Matcher: { HttpCode: 'ok' } })],
    'ValidationError'
  ],
  [
    'matcher not a structure',
    () => ['CreateTargetGroup', group({ Matcher: 'x' })],
    'ValidationError'
  ],
  [
    'relative health path',
    () => ['CreateTargetGroup', group({ HealthCheckPath: 'health' })],
    'ValidationError'
  ],
  [
    'health-check port 70000',
    () => ['CreateTargetGroup', group({ HealthCheckPort: '70000' })],
    'ValidationError'
  ],
  [
    'TCP health checks',
    () => ['CreateTargetGroup', group({ HealthCheckProtocol: 'TCP' })],
    'ValidationError'
  ],
  [
    'health checks maybe',
    () => ['CreateTargetGroup', group({ HealthCheckEnabled: 'maybe' })],
    'ValidationError'
  ],
  [
    'existing name, other settings',
    () => ['CreateTargetGroup', group({ Name: 'api-tg' })],
    'DuplicateTargetGroupName'
  ],
  [
    'unknown target group ARN',
    () => ['DescribeTargetGroups', { TargetGroupArns: [`${tg}0`] }],
    'TargetGroupNotFound'
  ],
  [
    'unknown target group name',
    () => ['DescribeTargetGroups', { Names: ['nope'] }],
    'TargetGroupNotFound'
  ],
  [
    'ARNs and names together',
    () => ['DescribeTargetGroups', { Names: ['a'], TargetGroupArns: [tg] }],
    'ValidationError'
  ],
  [
    'groups of an unknown load balancer',
    () => ['DescribeTargetGroups', { LoadBalancerArn: `${lb}0` }],
    'LoadBalancerNotFound'
  ],
  [
    'modify an unknown group',
    () => ['ModifyTargetGroup', { TargetGroupArn: 'arn:x' }],
    'TargetGroupNotFound'
  ],
  ['delete a group in use', () => ['DeleteTargetGroup', { TargetGroupArn: tg }], 'ResourceInUse'],
  [
    'delete an unknown group',
    () => ['DeleteTargetGroup', { TargetGroupArn: 'arn:x' }],
    'TargetGroupNotFound'
  ],
  [
    'attributes of an unknown group',
    () => ['DescribeTargetGroupAttributes', { TargetGroupArn: 'arn:x' }],
    'TargetGroupNotFound'
  ],
  [
    'no attributes',
    () => ['ModifyTargetGroupAttributes', { TargetGroupArn: tg, Attributes: '' }],
    'ValidationError'
  ],
  [
    'unknown attribute',
    () => [
      'ModifyTargetGroupAttributes',
      { TargetGroupArn: tg, Attributes: [{ Key: 'x.y', Value: '1' }] }
    ],
    'ValidationError'
  ],
  [
    'deregistration delay 3601',
    () => [
      'ModifyTargetGroupAttributes',
      {
        TargetGroupArn: tg,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3601' }]
      }
    ],
    'ValidationError'
  ],
  [
    'attribute not a structure',
    () => ['ModifyTargetGroupAttributes', { TargetGroupArn: tg, Attributes: ['x'] }],
    'ValidationError'
  ],
  [
    'register no targets',
    () => ['RegisterTargets', { TargetGroupArn: tg, Targets: '' }],
    'ValidationError'
  ],
  [
    'register an instance id',
    () => ['RegisterTargets', { TargetGroupArn: tg, Targets: [{ Id: 'i-0123' }] }],
    'InvalidTarget'
  ],
  [
    'register port 70000',
    () => ['RegisterTargets', { TargetGroupArn: tg, Targets: [{ Id: '10.0.0.1', Port: '70000' }] }],
    'ValidationError'
  ],
  [
    'register into an unknown group',
    () => ['RegisterTargets', { TargetGroupArn: 'arn:x', Targets: [{ Id: '10.0.0.1' }] }],
    'TargetGroupNotFound'
  ],
  [
    'health of an unknown group',
    () => ['DescribeTargetHealth', { TargetGroupArn: 'arn:x' }],
    'TargetGroupNotFound'
  ],
  [
    'listener on an unknown load balancer',
    () => ['CreateListener', { LoadBalancerArn: 'arn:x', Port: '80', DefaultActions: forward(tg) }],
    'LoadBalancerNotFound'
  ],
  [
    'listener without a port',
    () => ['CreateListener', { LoadBalancerArn: lb, DefaultActions: forward(tg) }],
    'ValidationError'
  ],
  [
    'HTTPS listener',
    () => [
      'CreateListener',
      { LoadBalancerArn: lb, Port: '443', Protocol: 'HTTPS', DefaultActions: forward(tg) }
    ],
    'UnsupportedProtocol'
  ],
  [
    'listener without actions',
    () => ['CreateListener', { LoadBalancerArn: lb, Port: '81' }],
    'ValidationError'
  ],
  [
    'forward to an unknown group',
    () => ['CreateListener', { LoadBalancerArn: lb, Port: '81', DefaultActions: forward('arn:x') }],
    'TargetGroupNotFound'
  ],
  [
    'forward to nothing',
    () => [
      'CreateListener',
      { LoadBalancerArn: lb, Port: '81', DefaultActions: [{ Type: 'forward' }] }
    ],
    'ValidationError'
  ],
  [
    'forward with conflicting groups',
    () => [
      'CreateListener',
      {
        LoadBalancerArn: lb,
        Port: '81',
        DefaultActions: [
          {
            Type: 'forward',
            TargetGroupArn: tg,
            ForwardConfig: { TargetGroups: [{ TargetGroupArn: other }] }
          }
        ]
      }
    ],
    'ValidationError'
  ],
  [
    'forward to six groups',
    () => [
      'CreateListener',
      {
        LoadBalancerArn: lb,
        Port: '81',
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: Array.from({ length: 6 }, () => ({ TargetGroupArn: tg }))
            }
          }
        ]
      }
    ],
    'ValidationError'
  ],
  [
    'forward to one group twice',
    () => [
      'CreateListener',
      {
        LoadBalancerArn: lb,
        Port: '81',
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg }, { TargetGroupArn: tg }] }
          }
        ]
      }
    ],
    'ValidationError'
  ],
  [
    'weight 1000',
    () => [
      'CreateListener',
      {
        LoadBalancerArn: lb,
        Port: '81',
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: '1000' }] }
          }
        ]
      }
    ],
    'ValidationError'
  ],
  [
    'redirect action',
    () => [
      'CreateListener',
      { LoadBalancerArn: lb, Port: '81', DefaultActions: [{ Type: 'redirect' }] }
    ],
    'ValidationError'
  ],
  [
    'two terminal actions',
    () => [
      'CreateListener',
      { LoadBalancerArn: lb, Port: '81', DefaultActions: [...forward(tg), ...forward(other)] }
    ],
    'TooManyActions'
  ],
  [
    'fixed response without config',
    () => [
      'CreateListener',
      { LoadBalancerArn: lb, Port: '81', DefaultActions: [{ Type: 'fixed-response' }] }
    ],
    'ValidationError'
  ],
  [
    'fixed response 100',
    () => [
      'CreateListener',
      {
        LoadBalancerArn: lb,
        Port: '81',
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '100' } }]
      }
    ],
    'ValidationError'
  ],
  [
    'second listener on a port',
    () => ['CreateListener', { LoadBalancerArn: lb, Port: '80', DefaultActions: forward(other) }],
    'DuplicateListener'
  ],
  ['listeners of nothing', () => ['DescribeListeners', {}], 'ValidationError'],
  [
    'listeners by ARN and load balancer',
    () => ['DescribeListeners', { ListenerArns: [listener], LoadBalancerArn: lb }],
    'ValidationError'
  ],
  [
    'unknown listener',
    () => ['DescribeListeners', { ListenerArns: [`${listener}0`] }],
    'ListenerNotFound'
  ],
  [
    'listeners of an unknown load balancer',
    () => ['DescribeListeners', { LoadBalancerArn: 'arn:x' }],
    'LoadBalancerNotFound'
  ],
  [
    'modify an unknown listener',
    () => ['ModifyListener', { ListenerArn: 'arn:x' }],
    'ListenerNotFound'
  ],
  [
    'modify to HTTPS',
    () => ['ModifyListener', { ListenerArn: listener, Protocol: 'HTTPS' }],
    'UnsupportedProtocol'
  ],
  [
    'delete an unknown listener',
    () => ['DeleteListener', { ListenerArn: 'arn:x' }],
    'ListenerNotFound'
  ],
  [
    'rule on an unknown listener',
    () => ['CreateRule', { ListenerArn: 'arn:x' }],
    'ListenerNotFound'
  ],
  ['rule without a priority', () => ['CreateRule', { ListenerArn: listener }], 'ValidationError'],
  [
    'rule priority 50001',
    () => ['CreateRule', { ListenerArn: listener, Priority: '50001' }],
    'ValidationError'
  ],
  [
    'rule without conditions',
    () => ['CreateRule', { ListenerArn: listener, Priority: '7', Actions: forward(tg) }],
    'ValidationError'
  ],
  [
    'query-string condition',
    () => [
      'CreateRule',
      {
        ListenerArn: listener,
        Priority: '7',
        Conditions: [{ Field: 'query-string' }],
        Actions: forward(tg)
      }
    ],
    'ValidationError'
  ],
  [
    'condition without values',
    () => [
      'CreateRule',
      {
        ListenerArn: listener,
        Priority: '7',
        Conditions: [{ Field: 'host-header' }],
        Actions: forward(tg)
      }
    ],
    'ValidationError'
  ],
  [
    'condition values not strings',
    () => [
      'CreateRule',
      {
        ListenerArn: listener,
        Priority: '7',
        Conditions: [{ Field: 'host-header', Values: [{}] }],
        Actions: forward(tg)
      }
    ],
    'ValidationError'
  ],
  [
    'priority in use',
    () => [
      'CreateRule',
      {
        ListenerArn: listener,
        Priority: '5',
        Conditions: [{ Field: 'path-pattern', Values: ['/b'] }],
        Actions: forward(tg)
      }
    ],
    'PriorityInUse'
  ],
  ['rules of nothing', () => ['DescribeRules', {}], 'ValidationError'],
  ['unknown rule', () => ['DescribeRules', { RuleArns: ['arn:x'] }], 'RuleNotFound'],
  ['modify an unknown rule', () => ['ModifyRule', { RuleArn: 'arn:x' }], 'RuleNotFound'],
  [
    'conditions on the default rule',
    () => [
      'ModifyRule',
      { RuleArn: defaultRule, Conditions: [{ Field: 'path-pattern', Values: ['/'] }] }
    ],
    'OperationNotPermitted'
  ],
  [
    'delete the default rule',
    () => ['DeleteRule', { RuleArn: defaultRule }],
    'OperationNotPermitted'
  ],
  ['delete an unknown rule', () => ['DeleteRule', { RuleArn: 'arn:x' }], 'RuleNotFound']
]

describe('ELBv2 validation', () => {
  it.each(invalid)('refuses %s', async (_what, request, code) => {
    const [operation, input] = request()
    const error = await call(operation, input).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AwsError)
    expect(error).toMatchObject({ code, status: 400, fault: 'Sender' })
  })

  it('refuses bad weights on the port ECS uses', () => {
    const expectCode = (fn: () => void, code: string) => {
      try {
        fn()
        throw new Error('no error')
      } catch (e) {
        expect(e).toMatchObject({ code })
      }
    }
    expectCode(
      () => elb.setForwardWeights(listener, [{ targetGroupArn: 'arn:x', weight: 1 }]),
      'TargetGroupNotFound'
    )
    expectCode(() => elb.setForwardWeights(listener, []), 'ValidationError')
    expectCode(
      () => elb.setForwardWeights(listener, [{ targetGroupArn: tg, weight: -1 }]),
      'ValidationError'
    )
    expectCode(
      () => elb.setForwardWeights('arn:x', [{ targetGroupArn: tg, weight: 1 }]),
      'ListenerNotFound'
    )
    expectCode(() => elb.forwardWeights(fixedRule), 'InvalidLoadBalancerAction')
    expectCode(() => elb.registerTargets('arn:x', []), 'TargetGroupNotFound')
    // Targets of a deleted group have nothing left to drain: no error for ECS.
    expect(elb.targetHealth('arn:x', { id: '10.0.0.1', port: 80 })).toMatchObject({
      state: 'unused'
    })
    expect(() => elb.deregisterTargets('arn:x', [{ id: '10.0.0.1', port: 80 }])).not.toThrow()
    expect(elb.targetGroupInfo('arn:x')).toBeUndefined()
    expect(elb.targetGroupExists(tg)).toBe(true)
  })
})

describe('ELBv2 resources', () => {
  it('creates target groups with the ALB health-check defaults and is idempotent by name', async () => {
    const out = await call('CreateTargetGroup', group({ Name: 'defaults-tg' }))
    expect(out.TargetGroups[0]).toMatchObject({
      TargetGroupName: 'defaults-tg',
      TargetGroupArn: expect.stringMatching(
        /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/defaults-tg\/[0-9a-f]{16}$/
      ),
      Protocol: 'HTTP',
      Port: 80,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [],
      TargetType: 'ip'
    })
    const again = await call('CreateTargetGroup', group({ Name: 'defaults-tg' }))
    expect(again.TargetGroups[0].TargetGroupArn).toBe(out.TargetGroups[0].TargetGroupArn)
    const named = await call('DescribeTargetGroups', { Names: ['defaults-tg'] })
    expect(named.TargetGroups).toHaveLength(1)
    const all = await call('DescribeTargetGroups', {})
    expect(all.TargetGroups.length).toBeGreaterThanOrEqual(3)
    const byArn = await call('DescribeTargetGroups', { TargetGroupArns: [tg] })
    expect(byArn.TargetGroups[0].LoadBalancerArns).toEqual([lb])
    const attached = await call('CreateTargetGroup', {
      ...group({ Name: 'api-tg', Port: '8080' }),
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: '5',
      HealthCheckTimeoutSeconds: '2',
      HealthyThresholdCount: '2',
      UnhealthyThresholdCount: '2'
    })
    expect(attached.TargetGroups[0]).toMatchObject({ TargetGroupArn: tg, LoadBalancerArns: [lb] })
    await call('DeleteTargetGroup', { TargetGroupArn: out.TargetGroups[0].TargetGroupArn })
    expect(elb.targetGroupExists(out.TargetGroups[0].TargetGroupArn)).toBe(false)
  })

  it('keeps target group attributes, deregistration delay 300 by default', async () => {
    const before = await call('DescribeTargetGroupAttributes', { TargetGroupArn: tg })
    expect(before.Attributes).toContainEqual({
      Key: 'deregistration_delay.timeout_seconds',
      Value: '300'
    })
    const after = await call('ModifyTargetGroupAttributes', {
      TargetGroupArn: tg,
      Attributes: [
        { Key: 'deregistration_delay.timeout_seconds', Value: '0' },
        { Key: 'slow_start.duration_seconds', Value: '30' },
        { Key: 'stickiness.enabled', Value: 'false' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
        { Key: 'stickiness.lb_cookie.duration_seconds', Value: '60' },
        { Key: 'load_balancing.algorithm.type', Value: 'round_robin' }
      ]
    })
    expect(after.Attributes).toContainEqual({
      Key: 'deregistration_delay.timeout_seconds',
      Value: '0'
    })
    expect(after.Attributes).toContainEqual({ Key: 'slow_start.duration_seconds', Value: '30' })
  })

  it('creates and finds load balancers, and is idempotent by name', async () => {
    const out = await call('CreateLoadBalancer', {
      Name: 'inside',
      Scheme: 'internal',
      SubnetMappings: [{ SubnetId: 'subnet-1' }],
      SecurityGroups: ['sg-1']
    })
    const created = out.LoadBalancers[0]
    expect(created).toMatchObject({
      LoadBalancerName: 'inside',
      LoadBalancerArn: expect.stringMatching(
        /^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/inside\/[0-9a-f]{16}$/
      ),
      DNSName: expect.stringMatching(/^internal-inside-\d+\.us-east-1\.elb\.amazonaws\.com$/),
      State: { Code: 'active' },
      Type: 'application',
      Scheme: 'internal',
      AvailabilityZones: [{ ZoneName: 'us-east-1a', SubnetId: 'subnet-1' }],
      SecurityGroups: ['sg-1']
    })
    expect(created.CreatedTime).toBeInstanceOf(Date)
    const again = await call('CreateLoadBalancer', { Name: 'inside' })
    expect(again.LoadBalancers[0].LoadBalancerArn).toBe(created.LoadBalancerArn)
    expect((await call('DescribeLoadBalancers', { Names: ['inside'] })).LoadBalancers).toHaveLength(
      1
    )
    expect(
      (await call('DescribeLoadBalancers', { LoadBalancerArns: [lb] })).LoadBalancers[0]
        .LoadBalancerName
    ).toBe('api-lb')
    expect((await call('DescribeLoadBalancers', {})).LoadBalancers).toHaveLength(2)
    await call('DeleteLoadBalancer', { LoadBalancerArn: created.LoadBalancerArn })
    await call('DeleteLoadBalancer', { LoadBalancerArn: created.LoadBalancerArn })
    expect((await call('DescribeLoadBalancers', {})).LoadBalancers).toHaveLength(1)
  })

  it('registers with the group port by default and answers unused for unknown targets', async () => {
    await call('RegisterTargets', {
      TargetGroupArn: other,
      Targets: [{ Id: '10.9.9.9', AvailabilityZone: 'us-east-1b' }]
    })
    const health = await call('DescribeTargetHealth', { TargetGroupArn: other })
    expect(health.TargetHealthDescriptions[0].Target).toEqual({
      Id: '10.9.9.9',
      Port: 8080,
      AvailabilityZone: 'us-east-1b'
    })
    const unknown = await call('DescribeTargetHealth', {
      TargetGroupArn: other,
      Targets: [{ Id: '10.1.1.1', Port: '81' }]
    })
    expect(unknown.TargetHealthDescriptions[0].TargetHealth).toEqual({
      State: 'unused',
      Reason: 'Target.NotRegistered',
      Description: 'Target is not registered to the target group'
    })
    await expect(
      call('DeregisterTargets', { TargetGroupArn: other, Targets: [{ Id: '10.1.1.1' }] })
    ).resolves.toEqual({})
  })

  it('treats an identical CreateListener as idempotent and lists listeners', async () => {
    const again = await call('CreateListener', {
      LoadBalancerArn: lb,
      Port: '80',
      Protocol: 'HTTP',
      DefaultActions: [
        {
          Type: 'forward',
          TargetGroupArn: tg,
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg }] }
        }
      ]
    })
    expect(again.Listeners[0].ListenerArn).toBe(listener)
    expect(again.Listeners[0].DefaultActions).toEqual([
      {
        Type: 'forward',
        TargetGroupArn: tg,
        Order: undefined,
        ForwardConfig: {
          TargetGroups: [{ TargetGroupArn: tg, Weight: 1 }],
          TargetGroupStickinessConfig: { Enabled: false }
        }
      }
    ])
    const byLb = await call('DescribeListeners', { LoadBalancerArn: lb })
    expect((byLb.Listeners as { ListenerArn: string }[]).map(l => l.ListenerArn)).toEqual([
      listener
    ])
    const byArn = await call('DescribeListeners', { ListenerArns: [listener] })
    expect(byArn.Listeners[0].Port).toBe(80)
    expect(elb.forwardWeights(listener)).toEqual([{ targetGroupArn: tg, weight: 1 }])
    const own = await call('DescribeRules', { RuleArns: [rule] })
    expect(own.Rules[0]).toMatchObject({ Priority: '5', IsDefault: false })
    const rules = await call('DescribeRules', { RuleArns: [fixedRule] })
    expect(rules.Rules[0].Actions[0]).toEqual({
      Type: 'fixed-response',
      Order: undefined,
      FixedResponseConfig: { StatusCode: '204', ContentType: undefined, MessageBody: undefined }
    })
  })

  it('marks mutating operations and dumps its state', () => {
    for (const op of [
      'CreateListener',
      'ModifyRule',
      'RegisterTargets',
      'DeregisterTargets',
      'DeleteRule'
    ]) {
      expect(elb.isMutating(op)).toBe(true)
    }
    for (const op of ['DescribeTargetHealth', 'DescribeRules'])
      expect(elb.isMutating(op)).toBe(false)
    const dump = elb.dump() as {
      listeners: { url: string; Rules: unknown[] }[]
      targetGroups: {
        TargetGroupName: string
        Attributes: Record<string, string>
        Targets: unknown[]
      }[]
    }
    expect(dump.listeners[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:/)
    expect(dump.listeners[0]?.Rules).toHaveLength(2)
    const apiOther = dump.targetGroups.find(g => g.TargetGroupName === 'api-other')
    expect(apiOther?.Targets).toEqual([
      { id: '10.9.9.9', port: 8080, health: expect.objectContaining({ state: expect.any(String) }) }
    ])
    expect(JSON.parse(JSON.stringify(dump))).toBeTruthy()
  })
})

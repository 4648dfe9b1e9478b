import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  CreateListenerCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { AwsError } from '../src/contract.js'
import {
  decodeQueryRequest,
  encodeQueryError,
  encodeQueryResponse,
  ELBV2_XMLNS
} from '../src/protocols/query.js'

/**
 * The codec is checked against the real SDK: a loopback server captures what the unmodified
 * ElasticLoadBalancingV2Client sends and answers with what the encoder writes.
 */

let server: Server
let client: ElasticLoadBalancingV2Client
let reply: { status: number; body: string } = { status: 200, body: '' }
let lastBody = ''
let lastContentType = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      lastBody = body
      lastContentType = req.headers['content-type'] ?? ''
      res.writeHead(reply.status, { 'content-type': 'text/xml' })
      res.end(reply.body)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  client = new ElasticLoadBalancingV2Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1
  })
})

afterAll(async () => {
  client.destroy()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

/** What the decoder should give back for an SDK input: every scalar as the string sent. */
function asWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asWire)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asWire(v)]))
  }
  return String(value)
}

function answer(action: string, result: unknown): void {
  reply = { status: 200, body: encodeQueryResponse(action, result, 'req-1') }
}

const TG_A = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/0123456789abcdef'
const TG_B =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/fedcba9876543210'
const LB =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188'

describe('decodeQueryRequest on the SDK request bodies', () => {
  it('decodes DescribeTargetHealth targets as a list of structures', async () => {
    answer('DescribeTargetHealth', { TargetHealthDescriptions: [] })
    const input = {
      TargetGroupArn: TG_A,
      Targets: [
        { Id: '10.0.0.1', Port: 80 },
        { Id: '10.0.0.2', Port: 8080 }
      ]
    }
    await client.send(new DescribeTargetHealthCommand(input))
    expect(lastContentType).toContain('application/x-www-form-urlencoded')
    expect(decodeQueryRequest(lastBody)).toEqual({
      action: 'DescribeTargetHealth',
      version: '2015-12-01',
      params: asWire(input)
    })
  })

  it('decodes nested ForwardConfig weights and scalars of CreateListener', async () => {
    answer('CreateListener', { Listeners: [] })
    const input = {
      LoadBalancerArn: LB,
      Port: 80,
      Protocol: 'HTTP' as const,
      DefaultActions: [
        {
          Type: 'forward' as const,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: TG_A, Weight: 80 },
              { TargetGroupArn: TG_B, Weight: 20 }
            ],
            TargetGroupStickinessConfig: { Enabled: false }
          }
        }
      ]
    }
    await client.send(new CreateListenerCommand(input))
    expect(decodeQueryRequest(lastBody).params).toEqual(asWire(input))
  })

  it('decodes attribute key/value lists and string lists', async () => {
    answer('ModifyTargetGroupAttributes', { Attributes: [] })
    const input = {
      TargetGroupArn: TG_A,
      Attributes: [
        { Key: 'deregistration_delay.timeout_seconds', Value: '5' },
        { Key: 'stickiness.enabled', Value: 'false' }
      ]
    }
    await client.send(new ModifyTargetGroupAttributesCommand(input))
    expect(decodeQueryRequest(lastBody).params).toEqual(input)

    answer('DescribeTargetGroups', { TargetGroups: [] })
    await client.send(new DescribeTargetGroupsCommand({ Names: ['blue', 'green & co'] }))
    expect(decodeQueryRequest(lastBody).params).toEqual({ Names: ['blue', 'green & co'] })
  })

  it('orders members by index, not by position in the body', () => {
    const decoded = decodeQueryRequest(
      'Action=RegisterTargets&Version=2015-12-01&Targets.member.2.Id=b&Targets.member.10.Id=c' +
        '&Targets.member.1.Id=a&Targets.member.1.Port=81'
    )
    expect(decoded.params).toEqual({
      Targets: [{ Id: 'a', Port: '81' }, { Id: 'b' }, { Id: 'c' }]
    })
  })

  it('keeps an empty list marker as an empty string and rejects a body without Action', () => {
    expect(decodeQueryRequest('Action=DescribeLoadBalancers&Names=').params).toEqual({ Names: '' })
    expect(decodeQueryRequest('Action=DescribeLoadBalancers').version).toBe('')
    expect(() => decodeQueryRequest('Version=2015-12-01')).toThrow(AwsError)
    expect(() => decodeQueryRequest('Action=')).toThrow('must contain the parameter Action')
  })

  it('registers targets as the SDK sends them', async () => {
    answer('RegisterTargets', {})
    const out = await client.send(
      new RegisterTargetsCommand({
        TargetGroupArn: TG_A,
        Targets: [{ Id: '127.0.0.1', Port: 4000 }]
      })
    )
    expect(out.$metadata.httpStatusCode).toBe(200)
    expect(decodeQueryRequest(lastBody)).toMatchObject({
      action: 'RegisterTargets',
      params: { Targets: [{ Id: '127.0.0.1', Port: '4000' }] }
    })
  })
})

describe('encodeQueryResponse read by the SDK', () => {
  it('gives DescribeTargetHealth states, reasons and missing optional members', async () => {
    answer('DescribeTargetHealth', {
      TargetHealthDescriptions: [
        {
          Target: { Id: '127.0.0.1', Port: 4001 },
          HealthCheckPort: '4001',
          TargetHealth: {
            State: 'unhealthy',
            Reason: 'Target.ResponseCodeMismatch',
            Description: 'Health checks failed with these codes: [503]'
          }
        },
        {
          Target: { Id: '127.0.0.1', Port: 4002, AvailabilityZone: undefined },
          HealthCheckPort: '4002',
          TargetHealth: { State: 'healthy', Reason: undefined, Description: null }
        }
      ]
    })
    const out = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: TG_A }))
    expect(out.TargetHealthDescriptions).toEqual([
      {
        Target: { Id: '127.0.0.1', Port: 4001 },
        HealthCheckPort: '4001',
        TargetHealth: {
          State: 'unhealthy',
          Reason: 'Target.ResponseCodeMismatch',
          Description: 'Health checks failed with these codes: [503]'
        }
      },
      {
        Target: { Id: '127.0.0.1', Port: 4002 },
        HealthCheckPort: '4002',
        TargetHealth: { State: 'healthy' }
      }
    ])
  })

  it('gives DescribeTargetGroups numbers, booleans, nested structures and lists', async () => {
    const group = {
      TargetGroupArn: TG_A,
      TargetGroupName: 'blue',
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: 'vpc-1',
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: 30,
      HealthCheckPath: '/health?x=1&y=<2>',
      Matcher: { HttpCode: '200-299' },
      LoadBalancerArns: [LB],
      TargetType: 'ip'
    }
    answer('DescribeTargetGroups', { TargetGroups: [group, { ...group, LoadBalancerArns: [] }] })
    const out = await client.send(new DescribeTargetGroupsCommand({}))
    expect(out.TargetGroups?.[0]).toEqual(group)
    expect(out.TargetGroups?.[1]?.LoadBalancerArns).toEqual([])
    expect(out.TargetGroups?.[1]?.HealthCheckEnabled).toBe(true)
  })

  it('gives DescribeListeners nested ForwardConfig weights', async () => {
    const listener = {
      ListenerArn: `${LB}/listener`,
      LoadBalancerArn: LB,
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: TG_A, Weight: 80 },
              { TargetGroupArn: TG_B, Weight: 20 }
            ],
            TargetGroupStickinessConfig: { Enabled: false }
          }
        }
      ]
    }
    answer('DescribeListeners', { Listeners: [listener] })
    const out = await client.send(new DescribeListenersCommand({ LoadBalancerArn: LB }))
    expect(out.Listeners).toEqual([listener])
  })

  it('gives DescribeRules priorities, conditions and the default rule', async () => {
    const rules = [
      {
        RuleArn: 'arn:rule/1',
        Priority: '10',
        Conditions: [
          { Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } }
        ],
        Actions: [{ Type: 'forward', TargetGroupArn: TG_B }],
        IsDefault: false
      },
      {
        RuleArn: 'arn:rule/default',
        Priority: 'default',
        Conditions: [],
        Actions: [{ Type: 'forward', TargetGroupArn: TG_A }],
        IsDefault: true
      }
    ]
    answer('DescribeRules', { Rules: rules })
    const out = await client.send(new DescribeRulesCommand({ ListenerArn: `${LB}/listener` }))
    expect(out.Rules).toEqual(rules)
  })

  it('gives dates as Date objects', async () => {
    const created = new Date('2024-05-06T07:08:09.123Z')
    answer('DescribeLoadBalancers', {
      LoadBalancers: [{ LoadBalancerArn: LB, CreatedTime: created, State: { Code: 'active' } }]
    })
    const out = await client.send(new DescribeLoadBalancersCommand({}))
    expect(out.LoadBalancers?.[0]?.CreatedTime).toEqual(created)
    expect(out.LoadBalancers?.[0]?.State?.Code).toBe('active')
  })

  it('writes the Result element even for an empty result, and escapes text', () => {
    expect(encodeQueryResponse('DeleteRule', undefined, 'r<1>')).toBe(
      `<DeleteRuleResponse xmlns="${ELBV2_XMLNS}"><DeleteRuleResult></DeleteRuleResult>` +
        '<ResponseMetadata><RequestId>r&lt;1&gt;</RequestId></ResponseMetadata></DeleteRuleResponse>'
    )
    expect(encodeQueryResponse('X', { A: [null, 'a&"\''], B: false }, 'r')).toContain(
      '<XResult><A><member>a&amp;&quot;&apos;</member></A><B>false</B></XResult>'
    )
  })
})

describe('encodeQueryError read by the SDK', () => {
  const cases: [string, string][] = [
    ['TargetGroupNotFound', 'TargetGroupNotFoundException'],
    ['LoadBalancerNotFound', 'LoadBalancerNotFoundException'],
    ['ListenerNotFound', 'ListenerNotFoundException'],
    ['DuplicateTargetGroupName', 'DuplicateTargetGroupNameException'],
    ['InvalidTarget', 'InvalidTargetException']
  ]

  it.each(cases)('code %s raises %s', async (code, name) => {
    reply = {
      status: 400,
      body: encodeQueryError(new AwsError(code, `It failed: <${code}> & more`), 'req-err')
    }
    const error = await client
      .send(new DescribeTargetGroupsCommand({ Names: ['x'] }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ElasticLoadBalancingV2ServiceException)
    expect(error).toMatchObject({
      name,
      message: `It failed: <${code}> & more`,
      $fault: 'client',
      $metadata: { httpStatusCode: 400 }
    })
  })

  it('gives an unmodelled Throttling code as a service exception named Throttling', async () => {
    reply = {
      status: 400,
      body: encodeQueryError(new AwsError('Throttling', 'Rate exceeded'), 'r')
    }
    const error = await client.send(new DescribeLoadBalancersCommand({})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ElasticLoadBalancingV2ServiceException)
    expect(error).toMatchObject({ name: 'Throttling', message: 'Rate exceeded' })
  })

  it('writes the fault type of server errors', () => {
    const xml = encodeQueryError(new AwsError('HealthUnavailable', 'down', 500), 'r-9')
    expect(xml).toBe(
      `<ErrorResponse xmlns="${ELBV2_XMLNS}"><Error><Type>Receiver</Type>` +
        '<Code>HealthUnavailable</Code><Message>down</Message></Error>' +
        '<RequestId>r-9</RequestId></ErrorResponse>'
    )
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  CreateListenerCommand,
  CreateTargetGroupCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  TargetGroupNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { AwsError, SIM_ACCOUNT_ID } from '../src/contract.js'
import {
  decodeQueryRequest,
  encodeQueryError,
  encodeQueryResponse
} from '../src/protocols/query.js'
import { createWorld, httpGet, waitFor } from './elb-helpers.js'

/** The unmodified SDK, through the query codec, into the ELB module and its real listeners. */

const world = createWorld()
let server: Server
let client: ElasticLoadBalancingV2Client

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      const { action, params } = decodeQueryRequest(body)
      const ctx = {
        service: 'elbv2' as const,
        operation: action,
        region: 'eu-west-1',
        accountId: SIM_ACCOUNT_ID,
        requestId: 'sdk-req'
      }
      world.elb.handle(ctx, params).then(
        result => {
          res.writeHead(200, { 'content-type': 'text/xml' })
          res.end(encodeQueryResponse(action, result, ctx.requestId))
        },
        (error: AwsError) => {
          res.writeHead(error.status, { 'content-type': 'text/xml' })
          res.end(encodeQueryError(error, ctx.requestId))
        }
      )
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  client = new ElasticLoadBalancingV2Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1
  })
})

afterAll(async () => {
  client.destroy()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
  await world.close()
})

describe('ELBv2 through the real SDK', () => {
  it('creates, registers, reports health and serves traffic', async () => {
    const created = await client.send(
      new CreateTargetGroupCommand({
        Name: 'sdk-tg',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: 'vpc-1',
        TargetType: 'ip',
        HealthCheckPath: '/health',
        HealthCheckIntervalSeconds: 5,
        HealthCheckTimeoutSeconds: 2,
        Matcher: { HttpCode: '200' }
      })
    )
    const group = created.TargetGroups?.[0]
    expect(group).toMatchObject({ TargetGroupName: 'sdk-tg', Port: 8080, HealthCheckEnabled: true })
    expect(group?.TargetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:eu-west-1:123456789012:/)
    const arn = group!.TargetGroupArn!

    const lb = await world.createLoadBalancer('sdk-lb')
    const listener = await client.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb,
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: { TargetGroups: [{ TargetGroupArn: arn, Weight: 100 }] }
          }
        ]
      })
    )
    expect(listener.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: arn, Weight: 100 }
    ])

    const c = await world.start('app:sdk')
    await client.send(
      new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: c.host, Port: c.port }] })
    )
    const healthy = await waitFor(async () => {
      const out = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))
      const d = out.TargetHealthDescriptions?.[0]
      return d?.TargetHealth?.State === 'healthy' ? d : undefined
    }, 'the SDK to see a healthy target')
    expect(healthy).toEqual({
      Target: { Id: '127.0.0.1', Port: c.port },
      HealthCheckPort: String(c.port),
      TargetHealth: { State: 'healthy' }
    })

    const url = world.elb.listeners().find(l => l.loadBalancerName === 'sdk-lb')!.url
    const reply = await httpGet(url, { path: '/health' })
    expect(JSON.parse(reply.body)).toMatchObject({ status: 'ok', version: 'sdk' })
  })

  it('raises the modelled exception for an unknown target group', async () => {
    const error = await client
      .send(new DescribeTargetGroupsCommand({ Names: ['missing'] }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TargetGroupNotFoundException)
  })
})

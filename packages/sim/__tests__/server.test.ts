import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  CloudWatchClient,
  ResourceNotFound,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch'
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  ServiceNotFoundException,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import {
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SendMessageCommand,
  SQSClient
} from '@aws-sdk/client-sqs'
import { Octokit } from '@octokit/rest'
import { startSim, type Sim } from '../src/server.js'
import { credentials, fakeFactories, type FakeWorldState } from './server-fakes.js'

const noop = (): void => undefined
const quiet = { debug: noop, info: noop, warn: noop, error: noop }

let sim: Sim
let state: FakeWorldState
let logged: string[]

beforeEach(async () => {
  const fakes = fakeFactories()
  state = fakes.state
  logged = []
  sim = await startSim({ factories: fakes.factories, log: m => logged.push(m) })
})

afterEach(async () => {
  await sim.stop()
})

const ecs = (region = 'us-east-1') =>
  new ECSClient({ endpoint: sim.url, region, credentials, maxAttempts: 1 })

const post = (headers: Record<string, string>, body: string) =>
  fetch(sim.url + '/', { method: 'POST', headers, body })

const ecsTarget = (op: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `AmazonEC2ContainerServiceV20141113.${op}`
})

describe('ECS over awsJson1_1', () => {
  it('serves the real SDK, takes the region from the SigV4 scope and returns a request id', async () => {
    const client = ecs('eu-west-1')
    const created = await client.send(new CreateClusterCommand({ clusterName: 'staging' }))
    expect(created.cluster?.clusterArn).toBe('arn:aws:ecs:eu-west-1:123456789012:cluster/staging')
    expect(created.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(state.contexts[0]).toMatchObject({
      service: 'ecs',
      operation: 'CreateCluster',
      region: 'eu-west-1'
    })
    const listed = await client.send(new ListClustersCommand({}))
    expect(listed.clusterArns).toEqual(['arn:aws:ecs:eu-west-1:123456789012:cluster/staging'])
  })

  it('defaults the region to us-east-1 when the request is unsigned', async () => {
    const res = await post(ecsTarget('ListClusters'), '{}')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    expect(state.contexts[0]?.region).toBe('us-east-1')
  })

  it('raises the modelled exception class for an AwsError', async () => {
    const error = await ecs()
      .send(new UpdateServiceCommand({ cluster: 'c', service: 'missing' }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServiceNotFoundException)
    expect((error as Error).message).toBe('Service not found: missing')
    expect((error as ServiceNotFoundException).$metadata.httpStatusCode).toBe(400)
  })

  it('encodes Dates as epoch seconds and drops undefined members', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'c' }))
    await post(
      ecsTarget('CreateService'),
      JSON.stringify({ cluster: 'c', serviceName: 'web', desiredCount: 1 })
    )
    const raw = await post(
      ecsTarget('DescribeServices'),
      JSON.stringify({ cluster: 'c', services: ['web'] })
    )
    const text = await raw.text()
    expect(text).toContain('"createdAt":1764158400.123')
    expect(text).not.toContain('ignored')
    const described = await ecs().send(
      new DescribeServicesCommand({ cluster: 'c', services: ['web'] })
    )
    expect(described.services?.[0]?.createdAt).toEqual(new Date(1764158400123))
  })

  it('answers UnknownOperationException for an unknown operation or target', async () => {
    const unknownOp = await post(ecsTarget('NoSuchThing'), '{}')
    expect(unknownOp.status).toBe(400)
    expect(await unknownOp.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Unknown operation NoSuchThing'
    })
    const unknownTarget = await post({ 'x-amz-target': 'DynamoDB_20120810.ListTables' }, '{}')
    expect(unknownTarget.status).toBe(400)
    expect(((await unknownTarget.json()) as { __type: string }).__type).toBe(
      'UnknownOperationException'
    )
  })

  it('answers SerializationException for a malformed body and keeps serving', async () => {
    for (const body of ['{"cluster":', '[1,2]']) {
      const res = await post(ecsTarget('ListClusters'), body)
      expect(res.status).toBe(400)
      expect(((await res.json()) as { __type: string }).__type).toBe('SerializationException')
    }
    const ok = await ecs().send(new ListClustersCommand({}))
    expect(ok.clusterArns).toEqual([])
  })

  it('turns a module crash into a logged 500 ServerException and keeps serving', async () => {
    const res = await post(ecsTarget('Explode'), '{}')
    expect(res.status).toBe(500)
    expect(((await res.json()) as { __type: string }).__type).toBe('ServerException')
    expect(logged.join('\n')).toContain('fake module bug')
    expect((await ecs().send(new ListClustersCommand({}))).clusterArns).toEqual([])
  })

  it('refuses a body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })
    const res = await post(ecsTarget('ListClusters'), big)
    expect(res.status).toBe(413)
    expect(((await res.json()) as { __type: string }).__type).toBe('RequestEntityTooLargeException')
  })
})

describe('CloudWatch and SQS over query-compatible awsJson1_0', () => {
  const cw = () =>
    new CloudWatchClient({ endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 })
  const sqs = () =>
    new SQSClient({ endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 })

  it('raises CloudWatch ResourceNotFound through x-amzn-query-error', async () => {
    const error = await cw()
      .send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'ALARM', StateReason: 'r' }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResourceNotFound)
    const raw = await post(
      {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'GraniteServiceVersion20100801.SetAlarmState'
      },
      JSON.stringify({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'r' })
    )
    expect(raw.status).toBe(404)
    expect(raw.headers.get('x-amzn-query-error')).toBe('ResourceNotFound;Sender')
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.0')
  })

  it('raises SQS QueueDoesNotExist whether the module uses the shape name or the query code', async () => {
    const client = sqs()
    const bySend = await client
      .send(
        new SendMessageCommand({ QueueUrl: 'http://127.0.0.1/123456789012/gone', MessageBody: 'x' })
      )
      .catch((e: unknown) => e)
    expect(bySend).toBeInstanceOf(QueueDoesNotExist)
    const byUrl = await client
      .send(new GetQueueUrlCommand({ QueueName: 'gone' }))
      .catch((e: unknown) => e)
    expect(byUrl).toBeInstanceOf(QueueDoesNotExist)
    const raw = await post(
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
      JSON.stringify({ QueueName: 'gone' })
    )
    expect(raw.headers.get('x-amzn-query-error')).toBe(
      'AWS.SimpleQueueService.NonExistentQueue;Sender'
    )
    expect(((await raw.json()) as { __type: string }).__type).toBe('QueueDoesNotExist')
  })
})

describe('ELBv2 over awsQuery', () => {
  const elb = () =>
    new ElasticLoadBalancingV2Client({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1
    })
  const form = (body: string) =>
    post({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body)

  it('round-trips a request and raises TargetGroupNotFoundException', async () => {
    const created = await elb().send(
      new CreateTargetGroupCommand({
        Name: 'web-blue',
        Port: 8080,
        Protocol: 'HTTP',
        VpcId: 'vpc-1'
      })
    )
    expect(created.TargetGroups?.[0]?.TargetGroupName).toBe('web-blue')
    expect(state.targetGroups.size).toBe(1)
    const error = await elb()
      .send(new DescribeTargetHealthCommand({ TargetGroupArn: 'arn:missing' }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TargetGroupNotFoundException)
  })

  it('answers InvalidAction, MalformedQueryString, InternalFailure and 413 in XML', async () => {
    const unknown = await form('Action=NoSuchAction&Version=2015-12-01')
    expect(unknown.status).toBe(400)
    expect(unknown.headers.get('content-type')).toBe('text/xml')
    expect(await unknown.text()).toContain('<Code>InvalidAction</Code>')
    for (const body of ['Action=%zz&Version=2015-12-01', 'Version=2015-12-01']) {
      const malformed = await form(body)
      expect(malformed.status).toBe(400)
      expect(await malformed.text()).toContain('<Code>MalformedQueryString</Code>')
    }
    const crash = await form('Action=Explode&Version=2015-12-01')
    expect(crash.status).toBe(500)
    expect(await crash.text()).toContain('<Code>InternalFailure</Code>')
    const big = await form('Action=DescribeTargetGroups&Pad=' + 'x'.repeat(1024 * 1024 + 1))
    expect(big.status).toBe(413)
    const after = await elb()
      .send(new DescribeTargetHealthCommand({ TargetGroupArn: 'x' }))
      .catch((e: unknown) => e)
    expect(after).toBeInstanceOf(TargetGroupNotFoundException)
  })
})

describe('GitHub REST', () => {
  const octokit = () => new Octokit({ baseUrl: sim.url + '/github', auth: 't', log: quiet })

  it('serves Octokit with JSON bodies, headers and the absolute base URL', async () => {
    const created = await octokit().rest.repos.createDeployment({
      owner: 'o',
      repo: 'r',
      ref: 'main'
    })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({ id: 1, ref: 'main' })
    const listed = await octokit().rest.repos.listDeployments({ owner: 'o', repo: 'r' })
    expect(listed.headers.link).toBe(`<${sim.url}/github/repos/o/r/deployments?page=2>; rel="next"`)
    expect(listed.headers['content-type']).toBe('application/json; charset=utf-8')
    const deleted = await octokit().rest.repos.deleteDeployment({
      owner: 'o',
      repo: 'r',
      deployment_id: 1
    })
    expect(deleted.status).toBe(204)
  })

  it('lets Octokit raise RequestError for a 404 and a crash', async () => {
    const missing = await octokit()
      .request('GET /nothing')
      .catch((e: unknown) => e)
    expect(missing).toMatchObject({ name: 'HttpError', status: 404 })
    const crash = await octokit()
      .request('GET /explode')
      .catch((e: unknown) => e)
    expect(crash).toMatchObject({ status: 500 })
    expect(logged.join('\n')).toContain('github bug')
  })

  it('answers 400 Problems parsing JSON and 413 for oversize bodies', async () => {
    const bad = await fetch(sim.url + '/github/repos/o/r/deployments', {
      method: 'POST',
      body: '{"ref":'
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toBe('Problems parsing JSON')
    const big = await fetch(sim.url + '/github/repos/o/r/deployments', {
      method: 'POST',
      body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })
    })
    expect(big.status).toBe(413)
  })
})

describe('routing and the call log', () => {
  it('answers unrouted requests with a JSON 404, never HTML', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/favicon.ico'],
      ['POST', '/']
    ] as const) {
      const res = await fetch(sim.url + path, { method, body: method === 'POST' ? 'x' : undefined })
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(((await res.json()) as { message: string }).message).toContain(path)
    }
  })

  it('logs every AWS and GitHub call with mutating flags, statuses and error codes', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'c' }))
    await ecs()
      .send(new UpdateServiceCommand({ cluster: 'c', service: 'x' }))
      .catch(() => undefined)
    await post(ecsTarget('ListClusters'), '{bad')
    await new Octokit({
      baseUrl: sim.url + '/github',
      auth: 't',
      log: quiet
    }).rest.repos.listDeployments({
      owner: 'o',
      repo: 'r',
      per_page: 5
    })
    await fetch(sim.url + '/_sim/state')
    const calls = sim.calls()
    expect(calls.map(c => [c.seq, c.service, c.operation, c.mutating, c.status, c.error])).toEqual([
      [1, 'ecs', 'CreateCluster', true, 200, undefined],
      [2, 'ecs', 'UpdateService', true, 400, 'ServiceNotFoundException'],
      [3, 'ecs', 'ListClusters', false, 400, 'SerializationException'],
      [4, 'github', 'GET /repos/o/r/deployments', false, 200, undefined]
    ])
    expect(calls[0]?.params).toEqual({ clusterName: 'c' })
    expect(calls[3]?.params).toEqual({ per_page: '5' })
    expect(calls[0]?.time).toBeGreaterThan(Date.now() - 60_000)
    for (const call of calls) {
      expect(call.receivedAt).toBeGreaterThan(Date.now() - 60_000)
      expect(call.receivedAt).toBeLessThanOrEqual(call.time)
    }
  })

  it('restart drops the endpoint, then answers on the same port with the state kept', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'c' }))
    let refused: unknown
    await sim.restart(async () => {
      refused = await fetch(sim.url + '/_sim/state').then(
        () => 'answered',
        (error: { cause?: { code?: string } }) => error.cause?.code
      )
    })
    expect(refused).toBe('ECONNREFUSED')
    expect(state.clusters.has('c')).toBe(true)
    const { clusterArns } = await ecs().send(new ListClustersCommand({}))
    expect(clusterArns).toHaveLength(1)
    expect(sim.calls().map(call => call.operation)).toEqual(['CreateCluster', 'ListClusters'])
  })

  it('reset clears the log and resets every module; stop is idempotent', async () => {
    await ecs().send(new CreateClusterCommand({ clusterName: 'c' }))
    await sim.reset()
    expect(sim.calls()).toEqual([])
    expect(state.clusters.size).toBe(0)
    expect(state.resets).toEqual(
      expect.arrayContaining(['ecs', 'runtime', 'elbv2', 'cloudwatch', 'sqs', 'github'])
    )
    expect(state.resets.indexOf('ecs')).toBeLessThan(state.resets.indexOf('runtime'))
    await sim.stop()
    await sim.stop()
    await expect(fetch(sim.url + '/_sim/state')).rejects.toThrow()
  })
})

describe('startSim', () => {
  it('fails when the port is taken', async () => {
    await expect(
      startSim({ port: sim.port, factories: fakeFactories().factories })
    ).rejects.toThrow(/EADDRINUSE/)
  })
})

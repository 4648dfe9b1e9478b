import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient,
  ECSServiceException,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { Octokit } from '@octokit/rest'
import { fileURLToPath } from 'node:url'
import { startSim, type Sim } from '../src/index.js'

/**
 * The control API as a test harness uses it, with the real clients on the other side: fault
 * injection the SDK retries through, the call log, reset to the scenario, and robustness
 * against malformed requests.
 */

const credentials = { accessKeyId: 'AKIDPARITY', secretAccessKey: 'parity-secret' }
const demo = fileURLToPath(new URL('../scenarios/demo.yml', import.meta.url))

interface Call {
  seq: number
  service: string
  operation: string
  mutating: boolean
  status: number
  error?: string
}

describe('the control API with the real clients', () => {
  let sim: Sim
  const ecs = (maxAttempts: number) =>
    new ECSClient({ endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts })
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const calls = async (query = '') => (await control('GET', `/calls${query}`)).body.calls as Call[]

  beforeAll(async () => {
    sim = await startSim({ scenario: demo, timeScale: 100 })
  }, 30_000)
  afterAll(async () => {
    await sim.stop()
  })

  it('an injected ThrottlingException is retried by the SDK: 3 attempts, then success', async () => {
    const added = await control('POST', '/faults', {
      service: 'ecs',
      operation: 'DescribeServices',
      error: 'ThrottlingException',
      count: 2
    })
    expect(added.status).toBe(201)
    const client = ecs(3)
    try {
      const result = await client.send(
        new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
      )
      expect(result.$metadata.attempts).toBe(3)
      expect(result.services?.[0]?.runningCount).toBe(3)
    } finally {
      client.destroy()
    }
    // The rule fired twice and, its count used up, is gone.
    expect((await control('GET', '/faults')).body.faults).toEqual([])
    const logged = (await calls('?service=ecs&operation=DescribeServices')).slice(-3)
    expect(logged.map(c => [c.status, c.error])).toEqual([
      [400, 'ThrottlingException'],
      [400, 'ThrottlingException'],
      [200, undefined]
    ])
  }, 20_000)

  it('without retries the throttle surfaces as ThrottlingException; ELBv2 gets Throttling', async () => {
    await control('POST', '/faults', { service: 'ecs', error: 'ThrottlingException', count: 1 })
    const client = ecs(1)
    try {
      const error = await client
        .send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ECSServiceException)
      expect((error as Error).name).toBe('ThrottlingException')
      expect((error as Error).message).toBe('Rate exceeded')
    } finally {
      client.destroy()
    }
    await control('POST', '/faults', { service: 'elbv2', error: 'Throttling', count: 1 })
    const elb = new ElasticLoadBalancingV2Client({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 2
    })
    try {
      const described = await elb.send(new DescribeLoadBalancersCommand({ Names: ['web-prod'] }))
      expect(described.$metadata.attempts).toBe(2)
      expect(described.LoadBalancers?.[0]?.LoadBalancerName).toBe('web-prod')
    } finally {
      elb.destroy()
    }
  }, 20_000)

  it('GitHub faults answer 403 rate-limit responses that Octokit raises', async () => {
    await control('POST', '/faults', {
      service: 'github',
      operation: 'POST /repos/acme/shop/deployments',
      count: 1
    })
    const quiet = () => undefined
    const octokit = new Octokit({
      baseUrl: `${sim.url}/github`,
      auth: 't',
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet }
    })
    const create = () =>
      octokit.rest.repos.createDeployment({
        owner: 'acme',
        repo: 'shop',
        ref: 'main',
        auto_merge: false,
        required_contexts: []
      })
    const error = (await create().catch((e: unknown) => e)) as {
      status: number
      response: { headers: Record<string, string> }
    }
    expect(error.status).toBe(403)
    expect(error.response.headers['x-ratelimit-remaining']).toBe('0')
    expect((await create()).status).toBe(201)
  })

  it('the call log records every API call and marks the mutating ones', async () => {
    const before = await calls()
    const since = before.length === 0 ? 0 : before[before.length - 1]!.seq
    const client = ecs(1)
    try {
      await client.send(new CreateClusterCommand({ clusterName: 'scratch' }))
      await client.send(new DescribeClustersCommand({ clusters: ['scratch'] }))
      await client.send(
        new UpdateServiceCommand({ cluster: 'dev', service: 'worker', desiredCount: 1 })
      )
    } finally {
      client.destroy()
    }
    const logged = await calls(`?since=${since}&service=ecs`)
    expect(logged.map(c => [c.operation, c.mutating, c.status])).toEqual([
      ['CreateCluster', true, 200],
      ['DescribeClusters', false, 200],
      ['UpdateService', true, 200]
    ])
    const mutating = await calls(`?since=${since}&mutating=true`)
    expect(mutating.map(c => c.operation)).toEqual(['CreateCluster', 'UpdateService'])
    // Control requests are never logged.
    expect((await calls()).some(c => c.operation.includes('_sim'))).toBe(false)
  })

  it('reset forgets API changes, the call log and the faults, and re-applies the scenario', async () => {
    await control('POST', '/faults', { service: 'sqs', error: 'ThrottlingException' })
    expect(((await control('GET', '/faults')).body.faults as unknown[]).length).toBe(1)
    const reset = await control('POST', '/reset')
    expect(reset.status).toBeLessThan(300)
    expect(await calls()).toEqual([])
    expect((await control('GET', '/faults')).body.faults).toEqual([])
    const client = ecs(1)
    try {
      const clusters = await client.send(
        new DescribeClustersCommand({ clusters: ['scratch', 'prod'] })
      )
      expect(clusters.clusters?.map(c => c.clusterName)).toEqual(['prod'])
      expect(clusters.failures?.[0]?.reason).toBe('MISSING')
      const prod = await client.send(
        new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
      )
      expect(prod.services?.[0]?.runningCount).toBe(3)
      expect(prod.services?.[0]?.deployments?.[0]?.rolloutState).toBe('COMPLETED')
    } finally {
      client.destroy()
    }
  }, 30_000)

  it('answers malformed and unknown requests in AWS shape and keeps serving', async () => {
    const post = async (headers: Record<string, string>, body: string, path = '/') => {
      const res = await fetch(`${sim.url}${path}`, { method: 'POST', headers, body })
      return { status: res.status, headers: res.headers, text: await res.text() }
    }
    const json11 = (op: string) => ({
      'x-amz-target': `AmazonEC2ContainerServiceV20141113.${op}`,
      'content-type': 'application/x-amz-json-1.1'
    })
    const badJson = await post(json11('DescribeServices'), '{"cluster":')
    expect(badJson.status).toBe(400)
    expect(JSON.parse(badJson.text)).toEqual({
      __type: 'SerializationException',
      message: expect.any(String)
    })
    expect(badJson.headers.get('x-amzn-requestid')).toEqual(expect.any(String))
    const xmlToJson = await post(json11('DescribeServices'), '<DescribeServices/>')
    expect(JSON.parse(xmlToJson.text).__type).toBe('SerializationException')
    const notObject = await post(json11('DescribeServices'), '[1,2]')
    expect(JSON.parse(notObject.text).__type).toBe('SerializationException')
    const unknown = await post(json11('LaunchRockets'), '{}')
    expect(unknown.status).toBe(400)
    expect(JSON.parse(unknown.text).__type).toBe('UnknownOperationException')

    const cloudwatch = await post(
      {
        'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms',
        'content-type': 'application/x-amz-json-1.0'
      },
      '{{'
    )
    expect(cloudwatch.status).toBe(400)
    expect(cloudwatch.headers.get('x-amzn-query-error')).toBe('SerializationException;Sender')

    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const xmlBody = await post(form, '<?xml version="1.0"?><DescribeLoadBalancers/>')
    expect(xmlBody.status).toBe(400)
    expect(xmlBody.text).toMatch(
      /^<ErrorResponse xmlns="http:\/\/elasticloadbalancing\.amazonaws\.com\/doc\/2015-12-01\/"><Error><Type>Sender<\/Type><Code>MalformedQueryString<\/Code>/
    )
    const badEscape = await post(
      form,
      'Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=%E0%A4%A'
    )
    expect(badEscape.text).toContain('<Code>MalformedQueryString</Code>')
    const unknownAction = await post(form, 'Action=LaunchRockets&Version=2015-12-01')
    expect(unknownAction.status).toBe(400)
    expect(unknownAction.text).toContain('<Code>InvalidAction</Code>')

    const github = await post(
      { 'content-type': 'application/json' },
      '{"ref":',
      '/github/repos/acme/shop/deployments'
    )
    expect(github.status).toBe(400)
    expect(JSON.parse(github.text).message).toBe('Problems parsing JSON')
    const nowhere = await fetch(`${sim.url}/nowhere`)
    expect(nowhere.status).toBe(404)
    await nowhere.arrayBuffer()

    // None of this disturbed the sim: the real client still gets answers.
    const client = ecs(1)
    try {
      const ok = await client.send(
        new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })
      )
      expect(ok.services?.[0]?.status).toBe('ACTIVE')
    } finally {
      client.destroy()
    }
    const logged = await calls('?service=ecs&operation=LaunchRockets')
    expect(logged.map(c => [c.status, c.error])).toEqual([[400, 'UnknownOperationException']])
  })
})

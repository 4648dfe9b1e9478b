import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { ECSClient, ECSServiceException, ListClustersCommand } from '@aws-sdk/client-ecs'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { SQSClient, CreateQueueCommand } from '@aws-sdk/client-sqs'
import { Octokit } from '@octokit/rest'
import { createFaultInjector, parseFaultRule, seededRandom } from '../src/faults.js'
import { injectedAwsError, injectedGitHubError } from '../src/fault-responses.js'
import { startSim, type Sim } from '../src/server.js'
import { credentials, fakeFactories } from './server-fakes.js'

describe('parseFaultRule', () => {
  it.each([
    [null, 'fault must be a JSON object'],
    [[], 'fault must be a JSON object'],
    [{ colour: 'red' }, 'fault.colour is not a known field'],
    [
      { service: 'dynamodb' },
      'fault.service must be one of ecs, elbv2, cloudwatch, sqs, ecr, github, got "dynamodb"'
    ],
    [{ operation: '' }, 'fault.operation must be a non-empty string, got ""'],
    [{ status: 200 }, 'fault.status must be an HTTP error status (400-599), got 200'],
    [{ count: 0 }, 'fault.count must be a positive integer, got 0'],
    [{ count: '2' }, 'fault.count must be a positive integer, got "2"'],
    [{ fraction: 1.5 }, 'fault.fraction must be a number between 0 and 1, got 1.5'],
    [{ seed: 1.5 }, 'fault.seed must be an integer, got 1.5'],
    [{ latencyMs: -1 }, 'fault.latencyMs must be a non-negative number, got -1'],
    [{ reset: 'socket' }, 'fault.reset must be "connection", got "socket"'],
    [
      { service: 'github', status: 502, after: 'yes' },
      'fault.after must be true or false, got "yes"'
    ],
    [{ service: 'ecs', status: 500, after: true }, 'fault.after needs service "github"'],
    [{ service: 'github', after: true }, 'fault.after needs a 5xx status or reset'],
    [{ service: 'github', status: 403, after: true }, 'fault.after needs a 5xx status or reset']
  ])('rejects %j', (input, message) => {
    expect(() => parseFaultRule(input)).toThrow(message)
  })
})

describe('createFaultInjector', () => {
  it('matches by service and operation and expires count rules', () => {
    const faults = createFaultInjector()
    faults.add({ service: 'ecs', operation: 'UpdateService', count: 2 })
    expect(faults.decide('elbv2', 'UpdateService')).toBeUndefined()
    expect(faults.decide('ecs', 'DescribeServices')).toBeUndefined()
    expect(faults.decide('ecs', 'UpdateService')?.fail).toBe(true)
    expect(faults.list()[0]?.fired).toBe(1)
    expect(faults.decide('ecs', 'UpdateService')?.fail).toBe(true)
    expect(faults.decide('ecs', 'UpdateService')).toBeUndefined()
    expect(faults.list()).toEqual([])
  })

  it('fails a seeded fraction deterministically', () => {
    const run = (seed: number) => {
      const faults = createFaultInjector()
      faults.add({ fraction: 0.3, seed })
      return Array.from({ length: 200 }, () => faults.decide('sqs', 'ReceiveMessage') !== undefined)
    }
    const a = run(42)
    expect(run(42)).toEqual(a)
    expect(run(7)).not.toEqual(a)
    const share = a.filter(Boolean).length / a.length
    expect(share).toBeGreaterThan(0.2)
    expect(share).toBeLessThan(0.4)
  })

  it('treats a latency-only rule as a slow success and clears everything', () => {
    const faults = createFaultInjector()
    faults.add({ latencyMs: 5 })
    expect(faults.decide('github', 'GET /x')).toMatchObject({ fail: false, latencyMs: 5 })
    faults.clear()
    expect(faults.decide('github', 'GET /x')).toBeUndefined()
  })

  it('seededRandom is uniform enough and repeatable', () => {
    const a = seededRandom(1)
    const b = seededRandom(1)
    const values = Array.from({ length: 1000 }, () => a())
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()))
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(1)
  })
})

describe('fault responses', () => {
  const decision = (extra: object) => ({
    rule: { id: 1, fired: 1 },
    latencyMs: 0,
    fail: true,
    resetConnection: false,
    ...extra
  })
  it.each([
    ['ecs', {}, 'ThrottlingException', 400, 'Rate exceeded'],
    ['elbv2', { error: 'ThrottlingException' }, 'Throttling', 400, 'Rate exceeded'],
    ['cloudwatch', { status: 500 }, 'InternalServiceError', 500, 'Service unavailable'],
    ['sqs', { status: 503 }, 'ServiceUnavailable', 503, 'Service unavailable'],
    ['ecs', { error: 'ServiceUnavailable' }, 'ServiceUnavailable', 503, 'Service unavailable'],
    ['ecs', { error: 'AccessDeniedException', message: 'no' }, 'AccessDeniedException', 400, 'no'],
    [
      'ecs',
      { error: 'ClientException' },
      'ClientException',
      400,
      'Injected fault: ClientException'
    ],
    ['ecs', { error: 'ServerException' }, 'ServerException', 500, 'Service unavailable'],
    ['ecr', {}, 'ThrottlingException', 400, 'Rate exceeded'],
    ['ecr', { status: 500 }, 'ServerException', 500, 'Service unavailable']
  ] as const)('%s %j -> %s %d', (service, extra, code, status, message) => {
    const error = injectedAwsError(service, decision(extra))
    expect([error.code, error.status, error.message]).toEqual([code, status, message])
  })

  it('shapes GitHub faults with rate-limit headers', () => {
    const now = 1764158400000
    const limited = injectedGitHubError(decision({ status: 429 }), now)
    expect(limited.headers).toMatchObject({
      'retry-after': '60',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '1764158460'
    })
    expect(injectedGitHubError(decision({}), now)).toMatchObject({
      status: 403,
      code: 'RateLimited'
    })
    expect(injectedGitHubError(decision({ status: 502 }), now)).toMatchObject({
      code: 'ServerError',
      body: { message: 'Server Error' },
      headers: {}
    })
    expect(injectedGitHubError(decision({ status: 422, error: 'Invalid' }), now)).toMatchObject({
      code: 'Invalid',
      body: { message: 'Injected fault' }
    })
  })
})

describe('fault injection through the server', () => {
  let sim: Sim
  beforeEach(async () => {
    sim = await startSim({ factories: fakeFactories().factories, log: () => undefined })
  })
  afterEach(async () => {
    await sim.stop()
  })

  const addFault = async (rule: object) => {
    const res = await fetch(sim.url + '/_sim/faults', {
      method: 'POST',
      body: JSON.stringify(rule)
    })
    expect(res.status).toBe(201)
  }
  const ecs = (maxAttempts = 1) =>
    new ECSClient({ endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts })

  it('fails the next N matching calls with ThrottlingException and logs them', async () => {
    await addFault({ service: 'ecs', operation: 'ListClusters', count: 1 })
    const error = await ecs()
      .send(new ListClustersCommand({}))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ECSServiceException)
    expect((error as Error).name).toBe('ThrottlingException')
    expect((error as Error).message).toBe('Rate exceeded')
    await expect(ecs().send(new ListClustersCommand({}))).resolves.toMatchObject({
      clusterArns: []
    })
    expect(sim.calls().map(c => [c.status, c.error])).toEqual([
      [400, 'ThrottlingException'],
      [200, undefined]
    ])
  })

  it('lets the SDK retry a throttled call', async () => {
    await addFault({ service: 'ecs', count: 1 })
    const result = await ecs(2).send(new ListClustersCommand({}))
    expect(result.$metadata.attempts).toBe(2)
  })

  it('throttles ELBv2 with the query code Throttling', async () => {
    await addFault({ service: 'elbv2', error: 'ThrottlingException' })
    const elb = new ElasticLoadBalancingV2Client({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1
    })
    const error = await elb
      .send(new CreateTargetGroupCommand({ Name: 'x', Port: 80, Protocol: 'HTTP', VpcId: 'v' }))
      .catch((e: unknown) => e)
    expect((error as Error).name).toBe('Throttling')
  })

  it('applies a seeded fraction deterministically across runs', async () => {
    const pattern = async () => {
      await fetch(sim.url + '/_sim/faults', { method: 'DELETE' })
      await addFault({ service: 'cloudwatch', fraction: 0.5, seed: 99, status: 500 })
      const outcomes: number[] = []
      const cw = new CloudWatchClient({
        endpoint: sim.url,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1
      })
      for (let i = 0; i < 12; i++) {
        outcomes.push(
          await cw.send(new DescribeAlarmsCommand({})).then(
            r => r.$metadata.httpStatusCode ?? 0,
            (e: { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode
          )
        )
      }
      return outcomes
    }
    const first = await pattern()
    expect(first).toContain(500)
    expect(first).toContain(200)
    expect(await pattern()).toEqual(first)
  })

  it('adds latency without failing', async () => {
    await addFault({ service: 'sqs', latencyMs: 150 })
    const sqs = new SQSClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1
    })
    const started = Date.now()
    await sqs.send(new CreateQueueCommand({ QueueName: 'q' }))
    const finished = Date.now()
    expect(finished - started).toBeGreaterThanOrEqual(140)
    // The call log spans the wait: received before the latency, answered after it.
    const [logged] = sim.calls()
    expect(logged?.receivedAt).toBeGreaterThanOrEqual(started)
    expect((logged?.time ?? 0) - (logged?.receivedAt ?? 0)).toBeGreaterThanOrEqual(140)
    expect(logged?.time).toBeLessThanOrEqual(finished)
  })

  it('resets the connection, logs it, and keeps serving', async () => {
    await addFault({ operation: 'ListClusters', reset: 'connection', count: 1 })
    await expect(ecs().send(new ListClustersCommand({}))).rejects.toThrow()
    await expect(ecs().send(new ListClustersCommand({}))).resolves.toBeDefined()
    expect(sim.calls()[0]).toMatchObject({ status: 0, error: 'ConnectionReset' })
  })

  it('resets GitHub and ELBv2 connections too', async () => {
    await addFault({ reset: 'connection' })
    await expect(fetch(sim.url + '/github/repos/o/r/deployments')).rejects.toThrow()
    await expect(
      fetch(sim.url + '/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeTargetGroups&Version=2015-12-01'
      })
    ).rejects.toThrow()
    expect(sim.calls().map(c => [c.service, c.status])).toEqual([
      ['github', 0],
      ['elbv2', 0]
    ])
    for (const call of sim.calls()) expect(call.receivedAt).toBeLessThanOrEqual(call.time)
  })

  it('rate-limits GitHub with a 403 Octokit understands, and never faults /_sim', async () => {
    await addFault({ service: 'github' })
    const octokit = new Octokit({
      baseUrl: sim.url + '/github',
      auth: 't',
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined
      }
    })
    const error = await octokit.rest.repos
      .listDeployments({ owner: 'o', repo: 'r' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 403 })
    expect((error as Error).message).toContain('API rate limit exceeded')
    const state = await fetch(sim.url + '/_sim/state')
    expect(state.status).toBe(200)
    expect(sim.calls()[0]).toMatchObject({ service: 'github', status: 403, error: 'RateLimited' })
  })

  it('with after, carries a GitHub call out and then loses its answer', async () => {
    await addFault({
      service: 'github',
      operation: 'POST /repos/o/r/deployments',
      status: 502,
      count: 1,
      after: true
    })
    const create = () =>
      fetch(sim.url + '/github/repos/o/r/deployments', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ref: 'main', environment: 'staging', required_contexts: [] })
      })
    expect((await create()).status).toBe(502)
    const listed = await fetch(sim.url + '/github/repos/o/r/deployments?environment=staging')
    expect(((await listed.json()) as unknown[]).length).toBe(1)
    expect((await create()).status).toBe(201)
    expect(sim.calls().map(c => [c.operation, c.status, c.mutating, c.error])).toEqual([
      ['POST /repos/o/r/deployments', 502, true, 'AnswerLost'],
      ['GET /repos/o/r/deployments', 200, false, undefined],
      ['POST /repos/o/r/deployments', 201, true, undefined]
    ])
  })

  it('clears faults on DELETE and on reset, and refuses bad rules', async () => {
    await addFault({ service: 'ecs' })
    const listed = (await (await fetch(sim.url + '/_sim/faults')).json()) as { faults: unknown[] }
    expect(listed.faults).toHaveLength(1)
    await fetch(sim.url + '/_sim/faults', { method: 'DELETE' })
    await expect(ecs().send(new ListClustersCommand({}))).resolves.toBeDefined()
    await addFault({ service: 'ecs' })
    await sim.reset()
    await expect(ecs().send(new ListClustersCommand({}))).resolves.toBeDefined()
    const bad = await fetch(sim.url + '/_sim/faults', { method: 'POST', body: '{"count":-1}' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ message: 'fault.count must be a positive integer, got -1' })
  })
})

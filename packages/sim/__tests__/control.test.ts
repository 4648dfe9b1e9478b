import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs'
import { githubControl } from '../src/control-github.js'
import { startSim, type Sim } from '../src/server.js'
import type { World } from '../src/world.js'
import { credentials, fakeFactories, type FakeWorldState } from './server-fakes.js'

let sim: Sim
let state: FakeWorldState

beforeEach(async () => {
  const fakes = fakeFactories()
  state = fakes.state
  sim = await startSim({ factories: fakes.factories })
})
afterEach(async () => {
  await sim.stop()
})

const control = async (method: string, path: string, body?: string) => {
  const res = await fetch(`${sim.url}/_sim${path}`, { method, body })
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('control API', () => {
  it('dumps every module under GET /state', async () => {
    const ecs = new ECSClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1
    })
    await ecs.send(new CreateClusterCommand({ clusterName: 'dev' }))
    const { status, body } = await control('GET', '/state')
    expect(status).toBe(200)
    expect(Object.keys(body).sort()).toEqual(['cloudwatch', 'ecr', 'ecs', 'elbv2', 'github', 'sqs'])
    expect(body.ecs).toEqual({ clusters: ['dev'] })
  })

  it('lists listeners', async () => {
    state.listeners.push({
      listenerArn: 'arn:l',
      loadBalancerArn: 'arn:lb',
      loadBalancerName: 'web',
      port: 80,
      url: 'http://127.0.0.1:1234'
    })
    expect(await control('GET', '/listeners')).toEqual({
      status: 200,
      body: { listeners: [expect.objectContaining({ port: 80, url: 'http://127.0.0.1:1234' })] }
    })
  })

  it('filters, and clears, the call log without logging itself', async () => {
    const ecs = new ECSClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1
    })
    await ecs.send(new CreateClusterCommand({ clusterName: 'dev' }))
    await ecs.send(new ListClustersCommand({}))
    await ecs.send(new ListClustersCommand({}))
    const ops = async (query: string) =>
      ((await control('GET', `/calls${query}`)).body.calls as { operation: string }[]).map(
        c => c.operation
      )
    expect(await ops('')).toEqual(['CreateCluster', 'ListClusters', 'ListClusters'])
    expect(await ops('?mutating=true')).toEqual(['CreateCluster'])
    expect(await ops('?mutating=false&since=2')).toEqual(['ListClusters'])
    expect(await ops('?service=sqs')).toEqual([])
    expect(await ops('?operation=CreateCluster')).toEqual(['CreateCluster'])
    expect(await control('GET', '/calls?since=abc')).toEqual({
      status: 400,
      body: { message: "since must be a sequence number, got 'abc'" }
    })
    expect((await control('GET', '/calls?mutating=yes')).status).toBe(400)
    expect(await control('DELETE', '/calls')).toEqual({ status: 200, body: { cleared: true } })
    expect(await ops('')).toEqual([])
  })

  it('sets an alarm state', async () => {
    state.alarms.set('web-staging-5xx', 'OK')
    expect(
      await control(
        'POST',
        '/alarms/web-staging-5xx',
        JSON.stringify({ state: 'ALARM', reason: 'drill' })
      )
    ).toEqual({ status: 200, body: { name: 'web-staging-5xx', state: 'ALARM' } })
    expect(state.alarms.get('web-staging-5xx')).toBe('ALARM')
    expect((await control('POST', '/alarms/web-staging-5xx', '{"state":"OK"}')).status).toBe(200)
    expect(state.alarms.get('web-staging-5xx')).toBe('OK')
  })

  it.each([
    ['POST', '/alarms/missing', '{"state":"ALARM"}', 404, "alarm 'missing' does not exist"],
    [
      'POST',
      '/alarms/x',
      '{"state":"RED"}',
      400,
      'state must be one of OK, ALARM, INSUFFICIENT_DATA, got "RED"'
    ],
    ['POST', '/alarms/x', '{"state":"OK","reason":5}', 400, 'reason must be a string, got 5'],
    ['GET', '/alarms/x', undefined, 405, 'GET is not allowed on /_sim/alarms/x'],
    ['POST', '/faults', '{"service":', 400, 'Problems parsing JSON'],
    ['GET', '/nowhere', undefined, 404, 'No control route GET /_sim/nowhere'],
    ['GET', '', undefined, 404, 'No control route GET /_sim/']
  ])('%s %s -> %d', async (method, path, body, status, message) => {
    state.alarms.set('x', 'OK')
    expect(await control(method, path, body)).toEqual({ status, body: { message } })
  })

  it('hands parsed GitHub declarations and pushes to the module', async () => {
    const sha = 'a'.repeat(40)
    expect(await control('POST', '/github', JSON.stringify({ users: ['alice'] }))).toEqual({
      status: 200,
      body: { seeded: true }
    })
    const push = { repository: 'acme/shop', branch: 'main', commits: [sha] }
    expect(await control('POST', '/github/push', JSON.stringify(push))).toEqual({
      status: 200,
      body: { head: sha }
    })
    expect(state.githubSeeds).toEqual([{ users: [{ login: 'alice' }] }, push])
    expect(await control('POST', '/github', '{"users":[5]}')).toEqual({
      status: 400,
      body: { message: 'users[0]: must be a GitHub login, got 5' }
    })
    expect((await control('GET', '/github')).status).toBe(404)
  })

  it('lets a failure that is not a bad declaration through', () => {
    const world = {
      github: {
        seed: () => {
          throw new TypeError('github bug')
        }
      }
    } as unknown as World
    expect(() => githubControl('seed', {}, world)).toThrow('github bug')
  })

  it('resets through POST /reset', async () => {
    state.clusters.add('dev')
    expect(await control('POST', '/reset')).toEqual({ status: 200, body: { reset: true } })
    expect(state.clusters.size).toBe(0)
  })

  it('refuses an oversize control body', async () => {
    const res = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: 'x'.repeat(1024 * 1024 + 1)
    })
    expect(res.status).toBe(413)
  })
})

describe('GET /_sim/clock', () => {
  it('reports wall-clock time by default', async () => {
    const { status, body } = await control('GET', '/clock')
    expect(status).toBe(200)
    expect(body).toMatchObject({ scale: 1, virtual: false, origin: sim.clock.origin })
    expect(Math.abs((body.now as number) - Date.now())).toBeLessThan(1000)
    expect(sim.clock).toEqual({ origin: body.origin, scale: 1, virtual: false })
  })

  it('reports virtual time advancing at the time scale from the origin', async () => {
    let real = Date.UTC(2026, 10, 26, 12)
    const virtual = await startSim({
      factories: fakeFactories().factories,
      timeScale: 20,
      virtualTime: true,
      realNow: () => real
    })
    try {
      real += 3000
      const body = await (await fetch(`${virtual.url}/_sim/clock`)).json()
      const origin = Date.UTC(2026, 10, 26, 12)
      expect(body).toEqual({ now: origin + 60_000, origin, scale: 20, virtual: true })
      expect(virtual.clock).toEqual({ origin, scale: 20, virtual: true })
    } finally {
      await virtual.stop()
    }
  })
})

describe('POST /_sim/images with a broken registry', () => {
  it('lets a failure that is not a refused push through as a 500', async () => {
    const fakes = fakeFactories()
    const logged: string[] = []
    const broken = await startSim({
      log: message => logged.push(message),
      factories: {
        ...fakes.factories,
        createEcrModule: deps => ({
          ...fakes.factories.createEcrModule(deps),
          pushImage: () => {
            throw new TypeError('registry bug')
          }
        })
      }
    })
    try {
      const res = await fetch(`${broken.url}/_sim/images`, { method: 'POST', body: '{}' })
      expect(res.status).toBe(500)
      expect(logged.join('\n')).toContain('registry bug')
    } finally {
      await broken.stop()
    }
  })
})

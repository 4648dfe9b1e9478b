import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Agent } from 'node:http'
import { createWorld, httpGet, waitFor } from './elb-helpers.js'

const world = createWorld()
const { call, createGroup, createLoadBalancer, start, elb } = world
const agent = new Agent({ keepAlive: true, maxSockets: 16 })

let lbArn: string
let blue: string
let green: string
let empty: string

beforeAll(async () => {
  lbArn = await createLoadBalancer('web')
  blue = await createGroup('blue')
  green = await createGroup('green')
  empty = await createGroup('empty')
  const b1 = await start('app:blue')
  const b2 = await start('app:blue')
  const g1 = await start('app:green')
  elb.registerTargets(blue, [
    { id: b1.host, port: b1.port },
    { id: b2.host, port: b2.port }
  ])
  elb.registerTargets(green, [{ id: g1.host, port: g1.port }])
  await waitFor(
    () =>
      [blue, green].every(tg =>
        [b1, b2, g1].some(
          c => elb.targetHealth(tg, { id: c.host, port: c.port }).state === 'healthy'
        )
      )
        ? true
        : undefined,
    'blue and green to be healthy'
  )
})

afterAll(async () => {
  agent.destroy()
  await world.close()
})

async function createListener(
  port: number,
  defaultActions: unknown[]
): Promise<{ arn: string; url: string }> {
  const out = await call('CreateListener', {
    LoadBalancerArn: lbArn,
    Port: String(port),
    Protocol: 'HTTP',
    DefaultActions: defaultActions
  })
  const arn = out.Listeners[0].ListenerArn as string
  const info = elb.listeners().find(l => l.listenerArn === arn)
  return { arn, url: info!.url }
}

const weighted = (weights: [string, number][]) => [
  {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: weights.map(([arn, w]) => ({ TargetGroupArn: arn, Weight: String(w) }))
    }
  }
]

/** Send `n` requests, 16 at a time over keep-alive, and count answers by image version. */
async function spread(url: string, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  let sent = 0
  const worker = async (): Promise<void> => {
    while (sent < n) {
      sent++
      const reply = await httpGet(url, { agent, path: '/work' })
      const key =
        reply.status === 200
          ? (JSON.parse(reply.body) as { version: string }).version
          : String(reply.status)
      counts[key] = (counts[key] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  return counts
}

describe('listeners as real proxies', () => {
  it('splits 2,000 real requests 80/20 and follows weight changes live', async () => {
    const { arn, url } = await createListener(
      80,
      weighted([
        [blue, 80],
        [green, 20]
      ])
    )
    const counts = await spread(url, 2_000)
    expect(counts.blue! + counts.green!).toBe(2_000)
    expect(Math.abs(counts.blue! - 1_600)).toBeLessThanOrEqual(100)
    expect(Math.abs(counts.green! - 400)).toBeLessThanOrEqual(100)

    elb.setForwardWeights(arn, [
      { targetGroupArn: blue, weight: 0 },
      { targetGroupArn: green, weight: 100 }
    ])
    expect(elb.forwardWeights(arn)).toEqual([
      { targetGroupArn: blue, weight: 0 },
      { targetGroupArn: green, weight: 100 }
    ])
    expect(await spread(url, 50)).toEqual({ green: 50 })

    const modified = await call('ModifyListener', {
      ListenerArn: arn,
      DefaultActions: weighted([
        [blue, 50],
        [green, 50]
      ])
    })
    expect(modified.Listeners[0].DefaultActions[0].ForwardConfig.TargetGroups).toEqual([
      { TargetGroupArn: blue, Weight: 50 },
      { TargetGroupArn: green, Weight: 50 }
    ])
    const even = await spread(url, 200)
    expect(even).toEqual({ blue: 100, green: 100 })
    // 2,000 real round trips through two servers on a shared two-core machine take a while.
  }, 90_000)

  it('round-robins over the healthy targets of a group and forwards headers and status', async () => {
    const { url } = await createListener(81, [{ Type: 'forward', TargetGroupArn: blue }])
    const tasks = new Set<string>()
    for (let i = 0; i < 6; i++) {
      const reply = await httpGet(url, { path: '/health?x=1' })
      expect(reply.status).toBe(200)
      expect(reply.headers['content-type']).toBe('application/json')
      tasks.add((JSON.parse(reply.body) as { task: string }).task)
    }
    expect(tasks.size).toBe(2)
  })

  it('answers 503 as an ALB does when the group has no registered target', async () => {
    const { url } = await createListener(82, [{ Type: 'forward', TargetGroupArn: empty }])
    const reply = await httpGet(url)
    expect(reply.status).toBe(503)
    expect(reply.headers.server).toBe('awselb/2.0')
    expect(reply.body).toContain('503 Service Temporarily Unavailable')
  })

  it('fails open to unhealthy targets, and answers 502 when the target is gone', async () => {
    const sick = await createGroup('sick')
    const c = await start('app:v1-unhealthy')
    elb.registerTargets(sick, [{ id: c.host, port: c.port }])
    await waitFor(
      () =>
        elb.targetHealth(sick, { id: c.host, port: c.port }).state === 'unhealthy'
          ? true
          : undefined,
      'the sick target to be unhealthy'
    )
    const { url } = await createListener(83, [{ Type: 'forward', TargetGroupArn: sick }])
    const reply = await httpGet(url, { path: '/health' })
    // The container's own 503 (a JSON health document), not the load balancer's page.
    expect(reply.status).toBe(503)
    expect(JSON.parse(reply.body)).toMatchObject({ status: 'unhealthy' })

    await c.stop()
    const gone = await httpGet(url)
    expect(gone.status).toBe(502)
    expect(gone.body).toContain('502 Bad Gateway')
  })

  it('routes by rules in priority order before the default action', async () => {
    const { arn, url } = await createListener(84, [{ Type: 'forward', TargetGroupArn: blue }])
    const api = await call('CreateRule', {
      ListenerArn: arn,
      Priority: '20',
      Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
      Actions: [{ Type: 'forward', TargetGroupArn: green }]
    })
    await call('CreateRule', {
      ListenerArn: arn,
      Priority: '10',
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['admin.*.com'] } }],
      Actions: [
        {
          Type: 'fixed-response',
          FixedResponseConfig: {
            StatusCode: '403',
            ContentType: 'text/plain',
            MessageBody: 'no admin'
          }
        }
      ]
    })
    const version = async (path: string, host?: string) => {
      const reply = await httpGet(url, { path, host })
      return reply.status === 200 ? (JSON.parse(reply.body) as { version: string }).version : reply
    }
    expect(await version('/api/orders')).toBe('green')
    expect(await version('/API/orders')).toBe('blue')
    expect(await version('/web')).toBe('blue')
    expect(await version('/api/x', 'ADMIN.example.com:8080')).toMatchObject({
      status: 403,
      body: 'no admin'
    })

    const rules = await call('DescribeRules', { ListenerArn: arn })
    expect((rules.Rules as { Priority: string }[]).map(r => r.Priority)).toEqual([
      '10',
      '20',
      'default'
    ])
    expect(rules.Rules[1].Conditions).toEqual([
      { Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } }
    ])
    expect(rules.Rules[2]).toMatchObject({ IsDefault: true, Conditions: [] })

    const ruleArn = api.Rules[0].RuleArn as string
    elb.setForwardWeights(ruleArn, [{ targetGroupArn: blue, weight: 1 }])
    expect(await version('/api/orders')).toBe('blue')
    await call('ModifyRule', {
      RuleArn: ruleArn,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/v2/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: green }]
    })
    expect(await version('/v2/x')).toBe('green')
    expect(await version('/api/orders')).toBe('blue')

    const defaultRule = rules.Rules[2].RuleArn as string
    await call('ModifyRule', {
      RuleArn: defaultRule,
      Actions: [{ Type: 'forward', TargetGroupArn: green }]
    })
    expect(await version('/web')).toBe('green')
    expect(elb.forwardWeights(defaultRule)).toEqual([{ targetGroupArn: green, weight: 1 }])
    const both = await call('DescribeRules', { RuleArns: [ruleArn, defaultRule] })
    expect((both.Rules as { IsDefault: boolean }[]).map(r => r.IsDefault)).toEqual([false, true])

    await call('DeleteRule', { RuleArn: ruleArn })
    expect(await version('/v2/x')).toBe('green')
    expect((await call('DescribeRules', { ListenerArn: arn })).Rules).toHaveLength(2)
  })

  it('lists listeners, attaches groups to the load balancer and closes on delete', async () => {
    const { arn, url } = await createListener(85, [{ Type: 'forward', TargetGroupArn: blue }])
    expect(elb.listeners().find(l => l.listenerArn === arn)).toEqual({
      listenerArn: arn,
      loadBalancerArn: lbArn,
      loadBalancerName: 'web',
      port: 85,
      url
    })
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const groups = await call('DescribeTargetGroups', { LoadBalancerArn: lbArn })
    expect(
      (groups.TargetGroups as { TargetGroupName: string }[]).map(g => g.TargetGroupName).sort()
    ).toEqual(['blue', 'empty', 'green', 'sick'])
    expect(elb.targetGroupInfo(blue)).toEqual({
      arn: blue,
      name: 'blue',
      port: 8080,
      healthCheckPath: '/health',
      loadBalancerArns: [lbArn]
    })
    const moved = await call('ModifyListener', { ListenerArn: arn, Port: '8085' })
    expect(moved.Listeners[0].Port).toBe(8085)
    expect(elb.listeners().find(l => l.listenerArn === arn)?.port).toBe(8085)
    await call('DeleteListener', { ListenerArn: arn })
    await expect(httpGet(url)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('reset closes every listener and forgets all state', async () => {
    const fresh = createWorld()
    const lb = await fresh.createLoadBalancer('gone')
    const tg = await fresh.createGroup('gone-tg')
    const out = await fresh.call('CreateListener', {
      LoadBalancerArn: lb,
      Port: '80',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }]
    })
    const url = fresh.elb.listeners()[0]!.url
    expect(out.Listeners[0].Protocol).toBe('HTTP')
    expect((await httpGet(url)).status).toBe(503)
    await fresh.close()
    await expect(httpGet(url)).rejects.toThrow(/ECONNREFUSED/)
    expect(fresh.elb.listeners()).toEqual([])
    expect(fresh.elb.targetGroupExists(tg)).toBe(false)
  })
})

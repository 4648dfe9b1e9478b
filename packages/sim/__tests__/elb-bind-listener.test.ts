import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { AddressInfo } from 'node:net'
import { createWorld, httpGet } from './elb-helpers.js'
import { freePort, occupy, release } from './ports.js'

const world = createWorld()
const { call, createLoadBalancer, elb } = world

let lbArn: string

beforeAll(async () => {
  lbArn = await createLoadBalancer('bound')
})

afterAll(async () => {
  await world.close()
})

const fixed = (body: string) => [
  {
    Type: 'fixed-response',
    FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: body }
  }
]

async function listenerOn(port: number, body: string): Promise<string> {
  const out = await call('CreateListener', {
    LoadBalancerArn: lbArn,
    Port: String(port),
    Protocol: 'HTTP',
    DefaultActions: fixed(body)
  })
  return out.Listeners[0].ListenerArn as string
}

const urlOf = (arn: string) => elb.listeners().find(l => l.listenerArn === arn)?.url ?? ''

describe('bindListener', () => {
  it('moves the proxy to the chosen loopback port and closes the ephemeral one', async () => {
    const arn = await listenerOn(80, 'hello')
    const before = urlOf(arn)
    const port = await freePort()
    const info = await elb.bindListener(arn, port)
    expect(info).toMatchObject({ listenerArn: arn, port: 80, url: `http://127.0.0.1:${port}` })
    expect(urlOf(arn)).toBe(`http://127.0.0.1:${port}`)
    expect((await httpGet(info.url)).body).toBe('hello')
    await expect(httpGet(before)).rejects.toThrow()
    // Binding again to the same port changes nothing.
    expect(await elb.bindListener(arn, port)).toEqual(info)
    expect((await httpGet(info.url)).body).toBe('hello')
  })

  it('forwards through the new port to the targets, with the listener port as before', async () => {
    const group = await world.createGroup('bound-web')
    const container = await world.start('app:v7')
    elb.registerTargets(group, [{ id: container.host, port: container.port }])
    const out = await call('CreateListener', {
      LoadBalancerArn: lbArn,
      Port: '81',
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: group }]
    })
    const info = await elb.bindListener(out.Listeners[0].ListenerArn as string, await freePort())
    const reply = await httpGet(info.url, { path: '/work' })
    expect([reply.status, (JSON.parse(reply.body) as { version: string }).version]).toEqual([
      200,
      'v7'
    ])
  })

  it('keeps the listener where it was when the port is in use', async () => {
    const arn = await listenerOn(8080, 'still here')
    const before = urlOf(arn)
    const other = await occupy(0)
    try {
      const { port } = other.address() as AddressInfo
      await expect(elb.bindListener(arn, port)).rejects.toMatchObject({ code: 'EADDRINUSE' })
      expect(urlOf(arn)).toBe(before)
      expect((await httpGet(before)).body).toBe('still here')
    } finally {
      await release(other)
    }
  })

  it('refuses an unknown listener, and one deleted while its new port opens', async () => {
    await expect(elb.bindListener('arn:nope', await freePort())).rejects.toMatchObject({
      code: 'ListenerNotFound'
    })
    const arn = await listenerOn(9090, 'gone')
    const port = await freePort()
    const binding = elb.bindListener(arn, port)
    await call('DeleteListener', { ListenerArn: arn })
    await expect(binding).rejects.toMatchObject({ code: 'ListenerNotFound' })
    // The port the deleted listener was moving to is free again.
    await release(await occupy(port))
  })
})

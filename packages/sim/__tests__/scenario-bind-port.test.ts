import { describe, expect, it } from '@jest/globals'
import { validateScenario } from '../src/scenario.js'
import { startSim } from '../src/server.js'
import { freePort, occupy, release } from './ports.js'
import { fakeFactories } from './server-fakes.js'

const world = (bindPorts: (number | undefined)[]) => ({
  targetGroups: [{ name: 'web-blue', port: 8080 }],
  loadBalancers: bindPorts.map((bindPort, i) => ({
    name: `web-${i}`,
    listeners: [
      {
        port: 80,
        ...(bindPort === undefined ? {} : { bindPort }),
        targetGroups: [{ name: 'web-blue' }]
      }
    ]
  }))
})

describe('scenario listeners with bindPort', () => {
  it('validates the port and refuses one port for two listeners', () => {
    expect(validateScenario(world([27101])).loadBalancers[0]?.listeners[0]).toEqual({
      port: 80,
      bindPort: 27101,
      targetGroups: [{ name: 'web-blue', weight: 1 }]
    })
    expect(validateScenario(world([undefined])).loadBalancers[0]?.listeners[0]).not.toHaveProperty(
      'bindPort'
    )
    expect(() => validateScenario(world([0]))).toThrow(
      'loadBalancers[0].listeners[0].bindPort: must be an integer from 1 to 65535, got 0'
    )
    expect(() => validateScenario(world([27101, undefined, 27101]))).toThrow(
      'loadBalancers[2].listeners[0].bindPort: port 27101 is already bound by loadBalancers[0].listeners[0]'
    )
  })

  it('serves the listener on the chosen port, again after a reset', async () => {
    const port = await freePort()
    const sim = await startSim({ scenario: world([port, undefined]) })
    try {
      const url = `http://127.0.0.1:${port}`
      const listeners = (await (await fetch(`${sim.url}/_sim/listeners`)).json()) as {
        listeners: { loadBalancerName: string; port: number; url: string }[]
      }
      expect(listeners.listeners.find(l => l.loadBalancerName === 'web-0')).toMatchObject({
        port: 80,
        url
      })
      expect(listeners.listeners.find(l => l.loadBalancerName === 'web-1')?.url).not.toBe(url)
      // No registered target: the ALB's own 503 page, from the fixed URL.
      const before = await fetch(url)
      expect([before.status, before.headers.get('server')]).toEqual([503, 'awselb/2.0'])
      await sim.reset()
      expect((await fetch(url)).status).toBe(503)
    } finally {
      await sim.stop()
    }
    await expect(fetch(`http://127.0.0.1:${port}`)).rejects.toThrow()
  })

  it('fails to apply, naming the load balancer, listener and port, when the port is in use', async () => {
    const other = await occupy(0)
    const { port } = other.address() as { port: number }
    try {
      await expect(startSim({ scenario: world([undefined, port]) })).rejects.toThrow(
        `scenario: load balancer 'web-1' listener 80 cannot listen on 127.0.0.1:${port} (bindPort): the port is in use`
      )
    } finally {
      await release(other)
    }
  })

  it('reports any other refusal with its message', async () => {
    const fakes = fakeFactories()
    const elb = fakes.factories.createElbModule({} as never)
    const factories = {
      ...fakes.factories,
      createElbModule: () => ({
        ...elb,
        bindListener: () => Promise.reject(new Error('no such listener'))
      })
    }
    await expect(startSim({ factories, scenario: world([27101]) })).rejects.toThrow(
      "scenario: load balancer 'web-0' listener 80 cannot listen on 127.0.0.1:27101 (bindPort): no such listener"
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import { handleControl, type ControlDeps } from '../src/control.js'
import { startSim } from '../src/server.js'
import { fakeFactories } from './server-fakes.js'

/** `POST /_sim/scenario`: a scenario applied on top of the running world. */

const post = async (url: string, path: string, body: unknown) => {
  const res = await fetch(`${url}/_sim${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web'
const idle = {
  clusters: ['qa'],
  taskDefinitions: [
    {
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'registry.example.com/web:1' }]
    }
  ],
  services: [{ cluster: 'qa', name: 'web', taskDefinition: 'web', desiredCount: 0 }]
}

describe('POST /_sim/scenario', () => {
  it('adds to the world, and a reset returns to the start scenario', async () => {
    const fakes = fakeFactories()
    const sim = await startSim({ factories: fakes.factories, scenario: { clusters: ['dev'] } })
    try {
      expect(await post(sim.url, '/scenario', { clusters: ['staging'] })).toEqual({
        status: 200,
        body: { applied: true }
      })
      expect([...fakes.state.clusters]).toEqual(['dev', 'staging'])
      await sim.reset()
      expect([...fakes.state.clusters]).toEqual(['dev'])
    } finally {
      await sim.stop()
    }
  })

  it('answers 400 with the path of a bad value, and for a body that is not JSON', async () => {
    const sim = await startSim({ factories: fakeFactories().factories })
    try {
      expect(await post(sim.url, '/scenario', { clusters: ['dev'], servers: [] })).toEqual({
        status: 400,
        body: { message: expect.stringMatching(/^servers: unknown field/) }
      })
      expect(await post(sim.url, '/scenario', '{')).toEqual({
        status: 400,
        body: { message: 'Problems parsing JSON' }
      })
    } finally {
      await sim.stop()
    }
  })

  it('answers 409 when the world refuses it, keeping what was created before', async () => {
    const sim = await startSim({})
    try {
      expect((await post(sim.url, '/scenario', idle)).status).toBe(200)
      expect(await post(sim.url, '/scenario', { ...idle, clusters: ['qa', 'uat'] })).toEqual({
        status: 409,
        body: {
          message: 'scenario: ecs CreateService failed: Creation of service was not idempotent.'
        }
      })
      const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as {
        ecs: { clusters: { clusterName: string }[] }
      }
      expect(JSON.stringify(state.ecs)).toContain('uat')
    } finally {
      await sim.stop()
    }
  })

  it("adds the scenario's behaviours until a reset; startSim's still win", async () => {
    const sim = await startSim({ behaviours: { '-fixed': { errorRate: 0.1 } } })
    try {
      const push = { repository: REPO, tag: 'v1', behaviour: '-flaky' }
      expect((await post(sim.url, '/images', push)).status).toBe(400)
      const scenario = {
        behaviours: { '-flaky': { errorRate: 0.5 }, '-fixed': { errorRate: 0.9 } },
        images: [push]
      }
      expect((await post(sim.url, '/scenario', scenario)).status).toBe(200)
      const runtime = sim.world.runtime
      expect(runtime.behaviourOf('registry.example.com/web:2-flaky')).toEqual({ errorRate: 0.5 })
      expect(runtime.behaviourOf('registry.example.com/web:2-fixed')).toEqual({ errorRate: 0.1 })
      expect(runtime.behaviourOf(`${REPO}:v1`)).toEqual({ errorRate: 0.5 })
      await sim.reset()
      expect(runtime.behaviourOf('registry.example.com/web:2-flaky')).toEqual({})
      expect(runtime.behaviourOf('registry.example.com/web:2-fixed')).toEqual({ errorRate: 0.1 })
      expect((await post(sim.url, '/images', push)).status).toBe(400)
    } finally {
      await sim.stop()
    }
  })

  it('lets a failure that is neither a bad scenario nor a refusal through', async () => {
    const deps = {
      applyScenario: () => Promise.reject(new TypeError('sim bug'))
    } as unknown as ControlDeps
    await expect(
      handleControl(
        { method: 'POST', path: '/scenario', query: new URLSearchParams(), body: '{}' },
        deps
      )
    ).rejects.toThrow('sim bug')
  })
})

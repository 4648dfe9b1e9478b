import { describe, expect, it } from '@jest/globals'
import { startSim } from '../src/index.js'

const worker = {
  clusters: ['dev'],
  taskDefinitions: [
    {
      family: 'worker',
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [{ name: 'worker', image: 'registry.example.com/shop/worker:1.0.0' }]
    }
  ],
  services: [
    {
      cluster: 'dev',
      name: 'worker',
      taskDefinition: 'worker',
      desiredCount: 1,
      waitForSteady: true
    }
  ]
}

const ecsCall = async (url: string, operation: string, body: unknown) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`,
      'content-type': 'application/x-amz-json-1.1'
    },
    body: JSON.stringify(body)
  })
  return (await res.json()) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('virtual time with the real modules', () => {
  it('stamps GitHub records with the virtual time', async () => {
    let real = Date.UTC(2026, 10, 26, 12)
    const origin = real
    const sim = await startSim({ timeScale: 20, virtualTime: true, realNow: () => real })
    try {
      real += 1500
      const res = await fetch(`${sim.url}/github/repos/acme/shop/deployments`, {
        method: 'POST',
        headers: { authorization: 'token t', 'content-type': 'application/json' },
        body: JSON.stringify({ ref: 'main', environment: 'staging', required_contexts: [] })
      })
      const deployment = (await res.json()) as { created_at: string }
      expect(deployment.created_at).toBe(new Date(origin + 30_000).toISOString().slice(0, 19) + 'Z')
      const calls = sim.calls()
      expect(calls[0]?.receivedAt).toBe(origin + 30_000)
    } finally {
      await sim.stop()
    }
  })

  it('gives an injected GitHub rate limit a reset time in real time, like its retry-after', async () => {
    let real = Date.UTC(2026, 10, 26, 12)
    const sim = await startSim({ timeScale: 20, virtualTime: true, realNow: () => real })
    try {
      real += 60_000
      await fetch(`${sim.url}/_sim/faults`, {
        method: 'POST',
        body: JSON.stringify({ service: 'github', status: 429, count: 1 })
      })
      const res = await fetch(`${sim.url}/github/repos/acme/shop/deployments`)
      expect(res.status).toBe(429)
      expect(res.headers.get('retry-after')).toBe('60')
      expect(res.headers.get('x-ratelimit-reset')).toBe(String(real / 1000 + 60))
      expect(sim.calls()[0]?.time).toBe(Date.UTC(2026, 10, 26, 12) + 20 * 60_000)
    } finally {
      await sim.stop()
    }
  })

  it('applies a waitForSteady scenario and stamps ECS events ahead of the wall clock', async () => {
    const sim = await startSim({ scenario: worker, timeScale: 50, virtualTime: true })
    try {
      const described = await ecsCall(sim.url, 'DescribeServices', {
        cluster: 'dev',
        services: ['worker']
      })
      const service = described.services[0]
      expect(service.runningCount).toBe(1)
      const newest = service.events[0].createdAt * 1000
      const realNow = Date.now()
      // The events are sim time: (real elapsed since the start) × 50 after the origin.
      expect(newest).toBeGreaterThan(sim.clock.origin)
      expect(newest).toBeLessThanOrEqual(sim.clock.origin + (realNow - sim.clock.origin) * 50 + 1)
      expect(newest - sim.clock.origin).toBeGreaterThan(realNow - sim.clock.origin)
    } finally {
      await sim.stop()
    }
  })
})

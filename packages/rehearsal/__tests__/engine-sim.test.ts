import { afterEach, describe, expect, it } from '@jest/globals'
import { parseConfigText, type PromotionConfig } from '@fargate-promote/promotion'
import { startSim as startInProcess } from '@fargate-promote/sim'
import { openSim, pushCommits } from '../src/sim/open.js'
import { connectSim, seedSim, startSim } from '../src/sim/start.js'
import { PRODUCT_ROOT, cleanUp, tempDir } from './fixtures/engine/repo.js'

afterEach(cleanUp)

const hostEnv = { PATH: process.env.PATH, HOME: process.env.HOME }

async function config(): Promise<PromotionConfig> {
  const loaded = await parseConfigText(
    `version: 1
application: shop
environments:
  dev:
    region: eu-west-1
    cluster: shop-dev
    services:
      - name: web
        containers: [web]
    protection:
      reviewers:
        users: [alice]
`,
    '.github/fargate-promote.yml'
  )
  return loaded.config
}

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url)
  expect(response.status).toBe(200)
  return (await response.json()) as T
}

describe('openSim: the simulator of a rehearsal, seeded from the config file', () => {
  it('started as a child process on a free port with virtual time, then stopped', async () => {
    const sim = await openSim({
      config: await config(),
      productRoot: PRODUCT_ROOT,
      workDir: tempDir(),
      timeScale: 240,
      repository: 'shop/web',
      actor: 'octocat',
      initial: '1.0.0',
      history: { main: ['a'.repeat(40)] },
      hostEnv
    })
    try {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(sim.time.scale).toBe(240)
      expect(await get(`${sim.url}/_sim/clock`)).toMatchObject({ scale: 240, virtual: true })
      // The world of the config: the service runs the initial release.
      const response = await fetch(sim.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeServices',
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIA/20260101/eu-west-1/ecs/aws4_request, SignedHeaders=host, Signature=x'
        },
        body: JSON.stringify({ cluster: 'shop-dev', services: ['web'] })
      })
      const body = (await response.json()) as { services: { serviceName: string }[] }
      expect(body.services.map(s => s.serviceName)).toEqual(['web'])
      await pushCommits(sim.url, 'shop/web', 'main', ['b'.repeat(40)])
      await expect(pushCommits(sim.url, 'shop/web', 'main', ['nope'])).rejects.toThrow(
        /^The simulator refused the push to main: .*40-character sha/
      )
    } finally {
      await sim.stop()
    }
    // Stopping twice is harmless.
    await sim.stop()
  })

  it('a simulator given by URL: its clock is read, it is seeded, it is left running', async () => {
    const running = await startInProcess({ virtualTime: true, timeScale: 120 })
    try {
      const sim = await openSim({
        config: await config(),
        productRoot: PRODUCT_ROOT,
        workDir: tempDir(),
        url: `${running.url}/`,
        timeScale: 1,
        repository: 'shop/web',
        actor: 'octocat'
      })
      expect(sim.url).toBe(running.url)
      expect(sim.time).toEqual({ origin: running.clock.origin, scale: 120 })
      await sim.stop()
      // Still running, and seeded: the reviewer is a user of its GitHub.
      const user = await get<{ login: string }>(`${running.url}/github/users/alice`)
      expect(user.login).toBe('alice')
    } finally {
      await running.stop()
    }
  })

  it('a simulator that scales durations without virtual time is refused', async () => {
    const running = await startInProcess({ timeScale: 10 })
    try {
      await expect(connectSim(running.url)).rejects.toThrow(
        `The simulator at ${running.url} scales durations without virtual time: start it with --virtual-time.`
      )
    } finally {
      await running.stop()
    }
  })

  it('a scenario the simulator refuses, and a simulator that does not start', async () => {
    const running = await startInProcess({ virtualTime: true })
    try {
      await expect(seedSim(running.url, { clusters: 'not a list' })).rejects.toThrow(
        new RegExp(`^POST ${running.url}/_sim/scenario: 400 `)
      )
    } finally {
      await running.stop()
    }
    await expect(
      startSim({ productRoot: tempDir(), workDir: tempDir(), timeScale: 1, scenario: {} })
    ).rejects.toThrow(/^The simulator exited \(1\) before it listened:\n.*Cannot find module/s)
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as YAML from 'yaml'
import { FakeClock } from '@fargate-promote/common'
import {
  createHttpAgents,
  destroyHttpAgents,
  ChecksSchema,
  sampleLoad,
  summarizeLatency,
  type HttpCheckSpec
} from '../src/index.js'
import { startServer, type TestServer } from './helpers/server.js'

describe('sampleLoad', () => {
  let server: TestServer
  let inFlight = 0
  let maxInFlight = 0
  let served = 0

  beforeAll(async () => {
    // Answers in batches of 8: a batch is held until 8 requests are in flight (or 300 ms
    // passed), so the test sees exactly how many the client keeps open at once.
    let held: (() => void)[] = []
    server = await startServer((_req, res) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      served++
      const status = served % 10 === 0 ? 500 : 200
      const timer = setTimeout(() => release(), 300)
      const answer = () => {
        clearTimeout(timer)
        inFlight--
        res.writeHead(status)
        res.end('ok')
      }
      held.push(answer)
      const release = () => {
        const batch = held
        held = []
        batch.forEach(respond => respond())
      }
      if (held.length >= 8) release()
    })
  })

  afterAll(async () => {
    await server.close()
  })

  const spec = () =>
    ChecksSchema.parse(
      YAML.parse(`- name: api\n  http: { url: '${server.url}/' }`)
    )[0] as HttpCheckSpec

  it('keeps at most `concurrency` requests in flight over keep-alive connections', async () => {
    const check = spec()
    const agents = createHttpAgents(check, 8)
    const before = server.connections()
    try {
      const samples = await sampleLoad(
        check,
        { requests: 40, concurrency: 8 },
        { clock: new FakeClock(), agents }
      )
      expect(samples).toHaveLength(40)
      expect(maxInFlight).toBe(8)
      expect(server.connections() - before).toBeLessThanOrEqual(8)
      const summary = summarizeLatency(samples)
      expect(summary.count).toBe(40)
      expect(summary.errorRate).toBe(4 / 40)
      expect(samples.filter(s => !s.ok).every(s => s.status === 500)).toBe(true)
      expect(samples.every(s => s.latencyMs !== undefined)).toBe(true)
    } finally {
      destroyHttpAgents(agents)
    }
  })

  it('makes and closes its own agents when none are given', async () => {
    maxInFlight = 0
    const samples = await sampleLoad(
      spec(),
      { requests: 3, concurrency: 5 },
      { clock: new FakeClock() }
    )
    expect(samples).toHaveLength(3)
    expect(maxInFlight).toBeLessThanOrEqual(3)
  })
})

/**
 * The AWS client configuration every action uses: a call that hangs fails (and is retried by
 * the SDK) instead of waiting forever. Exercised against the sim with a latency fault, with the
 * request timeout shortened so the test takes a second, not thirty.
 */
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import { AWS_CLIENT_CONFIG } from '@fargate-promote/common'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot } from './run-action.js'

let sim: Sim

beforeAll(async () => {
  // Faults' latencies are real milliseconds whatever the scale; the scale only makes the
  // scenario's services steady in a second rather than fifteen.
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
}, 60_000)

afterAll(async () => {
  await sim.stop()
})

function client(requestTimeout: number, maxAttempts: number): ECSClient {
  return new ECSClient({
    ...AWS_CLIENT_CONFIG,
    requestHandler: { ...AWS_CLIENT_CONFIG.requestHandler, requestTimeout },
    maxAttempts,
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
}

async function addFault(rule: Record<string, unknown>): Promise<void> {
  const answer = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    body: JSON.stringify(rule)
  })
  expect(answer.status).toBe(201)
}

const describeWeb = new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })

describe('AWS_CLIENT_CONFIG', () => {
  afterEach(async () => {
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' })
  })

  it('turns an answer that does not come in time into an error, not a warning', async () => {
    await addFault({ service: 'ecs', operation: 'DescribeServices', latencyMs: 2_000 })
    const ecs = client(300, 1)
    const startedAt = Date.now()
    try {
      const error = await ecs.send(describeWeb).catch((e: unknown) => e)
      expect((error as Error).name).toBe('TimeoutError')
      expect(Date.now() - startedAt).toBeLessThan(1_500)
    } finally {
      ecs.destroy()
    }
  }, 30_000)

  it('retries a timed-out call: one slow answer costs one attempt, not the step', async () => {
    await addFault({ service: 'ecs', operation: 'DescribeServices', latencyMs: 5_000, count: 1 })
    // A second's timeout: the second attempt must be answered within it, which the sim (in
    // this process) does on the most loaded machine; 300 ms it did not always.
    const ecs = client(1_000, 3)
    try {
      const answer = await ecs.send(describeWeb)
      expect(answer.services?.[0]?.serviceName).toBe('web')
      expect(answer.$metadata.attempts).toBe(2)
    } finally {
      ecs.destroy()
    }
  }, 30_000)
})

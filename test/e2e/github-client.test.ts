/**
 * The GitHub client every action uses: each request has its own timeout, so a GitHub API that
 * stops answering fails the request (a warning in the actions) instead of holding the step.
 * Exercised against the sim's GitHub with a latency fault and a shortened timeout.
 */
import { MemoryLogger } from '@fargate-promote/common'
import { githubClient } from '@fargate-promote/runner'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot } from './run-action.js'

let sim: Sim
const apiUrl = process.env.GITHUB_API_URL

beforeAll(async () => {
  // Faults' latencies are real milliseconds whatever the scale; the scale only makes the
  // scenario's services steady in a second rather than fifteen.
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
  // @actions/github reads it when first loaded, which githubClient does on first use.
  process.env.GITHUB_API_URL = `${sim.url}/github`
}, 60_000)

afterAll(async () => {
  if (apiUrl === undefined) delete process.env.GITHUB_API_URL
  else process.env.GITHUB_API_URL = apiUrl
  await sim.stop()
})

const route = 'GET /repos/{owner}/{repo}/deployments'
const parameters = { owner: 'acme', repo: 'shop' }

describe('githubClient', () => {
  afterEach(async () => {
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' })
  })

  it('answers as Octokit does when GitHub answers in time', async () => {
    const github = await githubClient('ghs_test', { timeoutMs: 5_000 })
    const answer = await github.request(route, parameters)
    expect(answer.status).toBe(200)
    expect(Array.isArray(answer.data)).toBe(true)
  }, 30_000)

  it('fails a request GitHub does not answer in time, each request on its own clock', async () => {
    const added = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ service: 'github', latencyMs: 6_000, count: 1 })
    })
    expect(added.status).toBe(201)
    // 2 s: the second request must be answered inside it on a loaded machine (500 ms was not).
    const github = await githubClient('ghs_test', { timeoutMs: 2_000 })
    const startedAt = Date.now()
    await expect(github.request(route, parameters)).rejects.toThrow(
      `GitHub did not answer ${route} within 2s`
    )
    expect(Date.now() - startedAt).toBeLessThan(5_000)
    // The next request gets a fresh timeout, not the spent one.
    expect((await github.request(route, parameters)).status).toBe(200)
  }, 30_000)

  it('retries a server error (the retry plugin) and answers when GitHub recovers', async () => {
    await addFault({ service: 'github', status: 502, count: 1 })
    const github = await githubClient('ghs_test', { timeoutMs: 10_000 })
    const before = sim.calls().length
    expect((await github.request(route, parameters)).status).toBe(200)
    const tries = sim
      .calls()
      .slice(before)
      .filter(call => call.service === 'github')
    expect(tries.map(call => call.status)).toEqual([502, 200])
  }, 30_000)

  it('once a request found GitHub down, the step tries its other requests once, and says so', async () => {
    await addFault({ service: 'github', latencyMs: 6_000, count: 1 })
    const log = new MemoryLogger()
    const github = await githubClient('ghs_test', { timeoutMs: 2_000, log })
    await expect(github.request(route, parameters)).rejects.toThrow('did not answer')
    await addFault({ service: 'github', status: 502, count: 1 })
    const before = sim.calls().length
    await expect(github.request(route, parameters)).rejects.toMatchObject({ status: 502 })
    const tries = sim
      .calls()
      .slice(before)
      .filter(call => call.service === 'github')
    expect(tries.map(call => call.status)).toEqual([502])
    expect(log.lines).toEqual([
      {
        level: 'warning',
        message:
          'GitHub failed GET /repos/{owner}/{repo}/deployments after retries; its other requests in this step are tried once'
      }
    ])
    // A refusal (4xx) is an answer: GitHub is up, and a fresh client retries server errors.
    await addFault({ service: 'github', status: 502, count: 1 })
    const fresh = await githubClient('ghs_test', { timeoutMs: 10_000 })
    expect((await fresh.request(route, parameters)).status).toBe(200)
  }, 30_000)

  it("keeps a caller's request options: a request sent without retries is tried once, and its 5xx does not mark GitHub down", async () => {
    const log = new MemoryLogger()
    const github = await githubClient('ghs_test', { timeoutMs: 10_000, log })
    await addFault({ service: 'github', status: 502, count: 1 })
    const before = sim.calls().length
    await expect(
      github.request(route, { ...parameters, request: { retries: 0 } })
    ).rejects.toMatchObject({ status: 502 })
    const githubCalls = () =>
      sim
        .calls()
        .slice(before)
        .filter(call => call.service === 'github')
        .map(call => call.status)
    expect(githubCalls()).toEqual([502])
    expect(log.lines).toEqual([])
    // GitHub is not taken for down: the next request is retried as usual.
    await addFault({ service: 'github', status: 502, count: 1 })
    expect((await github.request(route, parameters)).status).toBe(200)
    expect(githubCalls()).toEqual([502, 502, 200])
  }, 30_000)

  it("does not wait out a rate limit longer than its timeout: GitHub's own error, at once, and a warning", async () => {
    await addFault({ service: 'github', status: 429, count: 1 })
    const log = new MemoryLogger()
    const github = await githubClient('ghs_test', { timeoutMs: 5_000, log })
    const startedAt = Date.now()
    await expect(github.request(route, parameters)).rejects.toThrow('API rate limit exceeded')
    // GitHub asked for 60 s or more: an answer well before that means it was not waited out.
    expect(Date.now() - startedAt).toBeLessThan(20_000)
    expect(log.lines).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(
          /^GitHub primary rate limit on GET \/repos\/\{owner\}\/\{repo\}\/deployments: not retrying \(GitHub asks to wait 6\ds\)$/
        ) as string
      }
    ])
  }, 30_000)

  it("does not space mutating requests while a run is far under GitHub's limit of 80 a minute", async () => {
    const github = await githubClient('ghs_test', { timeoutMs: 10_000 })
    const before = sim.calls().length
    const create = {
      owner: 'acme',
      repo: 'shop',
      ref: 'main',
      environment: 'staging',
      required_contexts: []
    }
    const startedAt = Date.now()
    for (let i = 0; i < 6; i += 1) {
      await github.request('POST /repos/{owner}/{repo}/deployments', create)
    }
    const posts = sim
      .calls()
      .slice(before)
      .filter(call => call.service === 'github' && call.mutating)
    expect(posts.map(call => call.status)).toEqual([201, 201, 201, 201, 201, 201])
    // The throttling plugin's default, a second between the starts of two writes, would take at
    // least 5 s for these six; unspaced, they take milliseconds each.
    expect(Date.now() - startedAt).toBeLessThan(4_000)
  }, 30_000)
})

async function addFault(rule: Record<string, unknown>): Promise<void> {
  const added = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    body: JSON.stringify(rule)
  })
  expect(added.status).toBe(201)
}

import { describe, expect, it } from '@jest/globals'
import Bottleneck from 'bottleneck/light.js'
import {
  GITHUB_WRITE_BURST,
  GITHUB_WRITE_REFILL_MS,
  githubPluginOptions,
  resilientGitHub
} from '../src/github-requests.js'

describe('githubPluginOptions', () => {
  it("keeps a client's writes under GitHub's 80 a minute, without spacing a step's few", () => {
    // The most a bucket lets through in any minute.
    expect(GITHUB_WRITE_BURST + 60_000 / GITHUB_WRITE_REFILL_MS).toBeLessThanOrEqual(80)
    // A deploy's five or six records, and an `environments apply`, go out at once.
    expect(GITHUB_WRITE_BURST).toBeGreaterThanOrEqual(30)
  })

  it('is one bucket per client, and each write takes one from it', async () => {
    const first = githubPluginOptions({ limiter: Bottleneck })
    const second = githubPluginOptions({ limiter: Bottleneck })
    expect(second.throttle.write).not.toBe(first.throttle.write)
    // As the throttling plugin does for a write: schedule a no-op on the group's limiter.
    const limiter = first.throttle.write.key('no-id')
    const createdAt = Date.now()
    expect(await limiter.currentReservoir()).toBe(GITHUB_WRITE_BURST)
    for (let i = 0; i < 3; i += 1) await limiter.schedule(() => Promise.resolve())
    const left = (await limiter.currentReservoir()) ?? 0
    // One more every GITHUB_WRITE_REFILL_MS since the bucket was made (a slow machine's share).
    const refilled = Math.floor((Date.now() - createdAt) / GITHUB_WRITE_REFILL_MS) + 1
    expect(left).toBeGreaterThanOrEqual(GITHUB_WRITE_BURST - 3)
    expect(left).toBeLessThanOrEqual(GITHUB_WRITE_BURST - 3 + refilled)
    expect(left).toBeLessThan(GITHUB_WRITE_BURST)
    expect(await second.throttle.write.key('no-id').currentReservoir()).toBe(GITHUB_WRITE_BURST)
    await limiter.disconnect()
    await second.throttle.write.key('no-id').disconnect()
  })
})

/** An Octokit stand-in that sends every request through the fetch it is given, as Octokit does. */
function fetchingClient(defaults?: { fetch: unknown }) {
  const request = async (_route: string, parameters: Record<string, unknown> = {}) => {
    const options = parameters.request as { fetch: typeof fetch; signal: AbortSignal }
    const answer = await options.fetch('data:,from-the-fetch-used', { signal: options.signal })
    return { status: answer.status, data: await answer.text() }
  }
  if (defaults !== undefined)
    Object.assign(request, { endpoint: { DEFAULTS: { request: defaults } } })
  return { request }
}

describe('resilientGitHub', () => {
  it("sends through the fetch the client was built with (@actions/github's goes through the runner's proxy)", async () => {
    const urls: string[] = []
    const proxyFetch = (url: string | URL, init?: RequestInit) => {
      urls.push(String(url))
      return fetch(url, init)
    }
    const github = resilientGitHub(fetchingClient({ fetch: proxyFetch }))
    expect(await github.request('GET /x')).toEqual({ status: 200, data: 'from-the-fetch-used' })
    expect(urls).toEqual(['data:,from-the-fetch-used'])
  })

  it('uses the global fetch when the client has none of its own', async () => {
    const github = resilientGitHub(fetchingClient())
    expect(await github.request('GET /x')).toEqual({ status: 200, data: 'from-the-fetch-used' })
  })
})

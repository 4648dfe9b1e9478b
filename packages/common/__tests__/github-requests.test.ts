import { describe, expect, it } from '@jest/globals'
import Bottleneck from 'bottleneck/light.js'
import {
  GITHUB_WRITE_BURST,
  GITHUB_WRITE_REFILL_MS,
  githubPluginOptions
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

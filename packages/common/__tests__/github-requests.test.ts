import { describe, expect, it } from '@jest/globals'
import { GITHUB_WRITES_PER_MINUTE, githubPluginOptions } from '../src/github-requests.js'

class RecordingGroup {
  constructor(readonly options: Record<string, unknown>) {}
}

describe('githubPluginOptions', () => {
  it("counts writes against GitHub's 80 content-creating requests a minute, and spaces none below it", () => {
    const options = githubPluginOptions({ limiter: { Group: RecordingGroup } })
    expect(GITHUB_WRITES_PER_MINUTE).toBe(80)
    expect(options.throttle.write).toBeInstanceOf(RecordingGroup)
    expect(options.throttle.write.options).toEqual({
      reservoir: 80,
      reservoirRefreshAmount: 80,
      reservoirRefreshInterval: 60_000
    })
    // No minTime: the plugin's own write group spaces writes a second apart.
    expect(options.throttle.write.options).not.toHaveProperty('minTime')
  })
})

import { describe, expect, it } from '@jest/globals'
import { stageSeconds } from './test-time.js'

describe('stageSeconds', () => {
  it("reads each stage's wall time from the table concurrently --timings prints", () => {
    const output = [
      '[unit] Tests:       3670 passed, 3670 total',
      '--> ┌────────────┬──────────┬───────────┬────────┬────────────────────────┐',
      '--> │ name       │ duration │ exit code │ killed │ command                │',
      '--> ├────────────┼──────────┼───────────┼────────┼────────────────────────┤',
      '--> │ unit       │ 356,100  │ 0         │ false  │ npm run test:unit      │',
      '--> │ check-dist │ 162,719  │ 0         │ false  │ npm run check-dist     │',
      '--> │ schema     │ 852      │ 1         │ false  │ npm run schema:check   │',
      '--> └────────────┴──────────┴───────────┴────────┴────────────────────────┘'
    ].join('\n')
    expect(stageSeconds(output)).toEqual({ unit: 356.1, 'check-dist': 162.719, schema: 0.852 })
  })

  it('is empty for output without the table (a run that stopped early)', () => {
    expect(stageSeconds('npm ERR! missing script: test')).toEqual({})
  })
})

/**
 * deploy-fargate with `strategy: canary`, in-process against the sim's ECS-native canary with
 * real proxied traffic: the outputs and the summary of a canary rolled back by the analysis and
 * of one promoted.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { actionEnv, pointAtSim, removeActionEnvFiles } from '../../../test/support/action-env.js'
import {
  SCALE,
  stack,
  type Stack
} from '../../../packages/ecs/__tests__/progressive-follow-fixtures.js'

let s: Stack
let run: () => Promise<void>

beforeAll(async () => {
  s = await stack()
  pointAtSim(s.sim.url)
  process.env.FARGATE_PROMOTE_SIM_CLOCK = `${s.sim.clock.origin},${SCALE}`
  ;({ run } = await import('../src/main.js'))
}, 60_000)

afterAll(async () => {
  delete process.env.FARGATE_PROMOTE_SIM_CLOCK
  await s.stop()
  removeActionEnvFiles()
})

const canary = {
  cluster: 'prod',
  service: 'web',
  strategy: 'canary',
  'canary-percent': '10%',
  'canary-bake': '2m',
  'bake-time': '2m',
  // A 10 % step gets ~18 requests a sim minute, fewer on a loaded machine (see followArgs):
  // with 10 needed, a loaded run can leave the canary's windows unjudged, and it completes.
  'min-requests': '5',
  'circuit-breaker': 'false',
  timeout: '20m',
  // The sim publishes a metrics minute as it ends.
  'metrics-delay': '0s'
}

test('an -errors canary is rolled back by the analysis: status, reason and step table', async () => {
  const env = actionEnv({ ...canary, images: 'app=shop:v2-errors' })
  try {
    await run()
    const outputs = env.outputs()
    expect(outputs.status).toBe('rolled-back')
    expect(outputs['failure-reason']).toMatch(
      /^The analysis failed: new revision: (\d+\.\d% of \d+ requests failed|\d+ of its first \d+ requests failed)/
    )
    expect(Number(outputs['blast-radius'])).toBeGreaterThan(0)
    expect(Number(outputs['blast-radius'])).toBeLessThan(0.2)
    expect(env.exitCode()).toBe(1)
    const summary = env.summary()
    expect(summary).toContain('Traffic steps of web: rolled-back')
    expect(summary).toMatch(/PRODUCTION_TRAFFIC_SHIFT<\/td><td>10%<\/td>/)
    expect(summary).toContain('❌ fail')
    expect(summary).toMatch(/Blast radius: [\d.]+% of production requests \(\d+ of \d+\)/)
  } finally {
    env.restore()
  }
}, 30_000)

test('a good canary is promoted: succeeded, both steps passed', async () => {
  // Three minutes at 100 %: at least one whole metrics minute, whenever in a minute it starts.
  const env = actionEnv({ ...canary, images: 'app=shop:v3', 'bake-time': '3m' })
  try {
    await run()
    const outputs = env.outputs()
    expect(outputs.status).toBe('succeeded')
    expect(outputs['failure-reason']).toBe('')
    expect(outputs['paused-hook-id']).toBeUndefined()
    expect(env.exitCode()).toBeUndefined()
    const summary = env.summary()
    expect(summary).toContain('Traffic steps of web: succeeded')
    expect(summary.match(/✅ pass/g)).toHaveLength(2)
  } finally {
    env.restore()
  }
}, 30_000)

/**
 * The real deploy-fargate bundle with `strategy: canary` against the sim's ECS-native canary
 * and real proxied traffic: a canary of an `-errors` release is rolled back by the analysis,
 * with the reason in the outputs.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import {
  SCALE,
  stack,
  type Stack
} from '../../packages/ecs/__tests__/progressive-follow-fixtures.js'
import { runAction } from './run-action.js'

let s: Stack

beforeAll(async () => {
  s = await stack()
}, 60_000)

afterAll(async () => {
  await s.stop()
})

test('an -errors canary is rolled back by the analysis, the reason in the outputs', async () => {
  const run = await runAction({
    action: 'deploy-fargate',
    simUrl: s.sim.url,
    inputs: {
      cluster: 'prod',
      service: 'web',
      images: 'app=shop:v2-errors',
      strategy: 'canary',
      'canary-bake': '2m',
      'bake-time': '2m',
      'min-requests': '10',
      'circuit-breaker': 'false',
      timeout: '20m'
    },
    env: { FARGATE_PROMOTE_SIM_CLOCK: `${s.sim.clock.origin},${SCALE}` },
    timeoutMs: 60_000
  })

  expect(run.exitCode).toBe(1)
  expect(run.outputs.status).toBe('rolled-back')
  expect(run.outputs['failure-reason']).toMatch(
    /^The analysis failed: new revision: \d+\.\d% of \d+ requests failed/
  )
  expect(Number(run.outputs['blast-radius'])).toBeGreaterThan(0)
  expect(run.summary).toContain('Traffic steps of web: rolled-back')
  expect(run.summary).toContain('Blast radius:')
}, 90_000)

import { afterEach, expect, it, jest } from '@jest/globals'
import { revisionTotal, simTimeAt } from '@fargate-promote/sim'
import { followProgressive } from '../src/index.js'
import {
  deploy,
  followArgs,
  realSleep,
  stack,
  weightOf,
  type Stack
} from './progressive-follow-fixtures.js'

/**
 * followProgressive on the sim's real proxied traffic: a good canary goes 10 % → 100 % on
 * passing analyses; a canary of an `-errors` release (every 5th request answers 500) is rolled
 * back at its first whole minute, after which no request reaches it.
 */

let s: Stack | undefined

afterEach(async () => {
  await s?.stop()
  s = undefined
})

jest.setTimeout(30_000)

it('follows a good canary through 10 % and 100 % with passing analyses', async () => {
  s = await stack()
  const deployment = await deploy(s, 'shop:v2', { canaryBake: 2, bake: 2 })
  const result = await followProgressive(...followArgs(s, deployment, 'continue-on-pass'))

  expect(result.outcome).toBe('succeeded')
  expect(result.steps.map(step => step.weightNew)).toEqual([10, 100])
  for (const step of result.steps) {
    expect(step.analysis?.verdict).toBe('pass')
    expect(step.endedAt).toBeGreaterThan(step.startedAt)
  }
  // Judged on real requests: at least min-requests (5, followArgs) of them.
  expect(result.steps[0]?.analysis?.candidate.requests).toBeGreaterThanOrEqual(5)
  expect(result.blastRadius.requestsToNew).toBeGreaterThan(0)
  expect(result.blastRadius.requestsTotal).toBeGreaterThan(result.blastRadius.requestsToNew)
  const log = s.log.text()
  expect(log).toMatch(/web: production traffic 10% new, 90% old/)
  expect(log).toMatch(/web: 10% step, .*: pass — new revision: 0\.0% of \d+ requests failed/)
  expect(log).toMatch(/web: succeeded — /)
})

it('rolls a canary of an -errors release back at its first whole minute', async () => {
  const stackNow = await stack()
  s = stackNow
  const deployment = await deploy(stackNow, 'shop:v2-errors', { canaryBake: 5, bake: 0 })
  // Sim times the new group's weight was first seen above 0 and back at 0, read every 20 ms.
  const seen: { up?: number; down?: number } = {}
  let watching = true
  const watcher = (async () => {
    while (watching) {
      const weight = await weightOf(stackNow, deployment.new)
      const now = simTimeAt(stackNow.sim.clock)
      if (weight > 0) seen.up ??= now
      else if (seen.up !== undefined) seen.down ??= now
      await realSleep(20)
    }
  })()
  const result = await followProgressive(
    ...followArgs(stackNow, deployment, 'continue-on-pass')
  ).finally(() => {
    watching = false
  })
  await watcher
  const atEnd = stackNow.traffic.counts()
  await realSleep(500) // 15 sim seconds more traffic
  const later = stackNow.traffic.counts()

  expect(result.outcome).toBe('rolled-back')
  expect(result.reason).toMatch(
    /^The analysis failed: new revision: (\d+\.\d% of \d+ requests failed|\d+ of its first \d+ requests failed)/
  )
  expect(result.steps).toHaveLength(1)
  expect(result.steps[0]?.weightNew).toBe(10)
  expect(result.steps[0]?.analysis?.verdict).toBe('fail')
  expect(revisionTotal(later, 'web:2')).toBe(revisionTotal(atEnd, 'web:2'))
  expect(revisionTotal(later, 'web:1')).toBeGreaterThan(revisionTotal(atEnd, 'web:1'))
  expect(result.blastRadius.share).toBeGreaterThan(0)
  expect(result.blastRadius.share).toBeLessThanOrEqual(0.12)
  // From the end of the step's first whole minute to the weights back at 100 % old.
  const firstMinuteEnd = Math.ceil((seen.up ?? 0) / 60_000) * 60_000 + 60_000
  const delay = (seen.down ?? Infinity) - firstMinuteEnd
  process.stdout.write(`rollback delay after the first bad minute: ${delay} sim ms\n`)
  expect(delay).toBeLessThanOrEqual(70_000)
})

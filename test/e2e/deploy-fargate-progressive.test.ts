/**
 * The real deploy-fargate bundle with ECS-native strategies against the sim's listeners and
 * real proxied traffic: a canary of an `-errors` release rolled back by the analysis, one
 * slower than the old revision rolled back on latency alone, a PAUSE gate continued and one
 * aborted by a later run (recorded on the GitHub deployment), and a blue/green whose test
 * traffic fails rolled back before any production request reaches it.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { DescribeServicesCommand } from '@aws-sdk/client-ecs'
import {
  SCALE,
  stack,
  testListener,
  weightOf,
  type Stack
} from '../../packages/ecs/__tests__/progressive-follow-fixtures.js'
import { runAction, type ActionRun } from './run-action.js'

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
      // A 10 % step gets ~18 requests a sim minute, fewer on a loaded machine (see followArgs).
      'min-requests': '5',
      'circuit-breaker': 'false',
      timeout: '20m',
      'metrics-delay': '0s'
    },
    env: { FARGATE_PROMOTE_SIM_CLOCK: `${s.sim.clock.origin},${SCALE}` },
    timeoutMs: 60_000
  })

  expect(run.exitCode).toBe(1)
  expect(run.outputs.status).toBe('rolled-back')
  expect(run.outputs['failure-reason']).toMatch(
    /^The analysis failed: new revision: (\d+\.\d% of \d+ requests failed|\d+ of its first \d+ requests failed)/
  )
  expect(Number(run.outputs['blast-radius'])).toBeGreaterThan(0)
  expect(run.summary).toContain('Traffic steps of web: rolled-back')
  expect(run.summary).toContain('Blast radius:')
}, 90_000)

async function deployed(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    action: 'deploy-fargate',
    simUrl: s.sim.url,
    inputs: {
      cluster: 'prod',
      service: 'web',
      // A 10 % step gets ~18 requests a sim minute, fewer on a loaded machine (see followArgs):
      // with 10 needed, a loaded run can leave a canary's windows unjudged, and it completes.
      'min-requests': '5',
      'circuit-breaker': 'false',
      timeout: '20m',
      // The sim publishes a metrics minute as it ends; CloudWatch's default delay is not needed.
      'metrics-delay': '0s',
      ...inputs
    },
    env: { FARGATE_PROMOTE_SIM_CLOCK: `${s.sim.clock.origin},${SCALE}` },
    timeoutMs: 60_000
  })
}

async function live(): Promise<string | undefined> {
  const out = await s.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))
  return out.services?.[0]?.taskDefinition
}

async function production(): Promise<string> {
  return (await weightOf(s, s.blue)) === 100 ? s.blue : s.green
}

const GITHUB = { 'github-token': 'ghs_e2e', environment: 'production' }

/** The environment's GitHub deployments, newest first, each with its statuses newest first. */
async function githubDeployments() {
  const headers = { authorization: 'token ghs_e2e' }
  const base = `${s.sim.url}/github/repos/acme/shop/deployments`
  const list = (await (await fetch(`${base}?environment=production`, { headers })).json()) as {
    id: number
  }[]
  return Promise.all(
    list.map(async ({ id }) => {
      const statuses = (await (await fetch(`${base}/${id}/statuses`, { headers })).json()) as {
        state: string
        description: string
      }[]
      return { id, statuses }
    })
  )
}

test('a canary slower than the old revision beyond the threshold is rolled back on latency alone', async () => {
  const before = await live()
  const run = await deployed({
    images: 'app=shop:v3-latency',
    strategy: 'canary',
    'canary-bake': '2m',
    'bake-time': '1m',
    'max-latency-increase': '50%'
  })

  expect(run.exitCode).toBe(1)
  expect(run.outputs.status).toBe('rolled-back')
  expect(run.outputs['failure-reason']).toMatch(/^The analysis failed: .*latency/)
  expect(run.outputs['failure-reason']).not.toMatch(/requests failed/)
  expect(await live()).toBe(before)
}, 90_000)

test('a PAUSE gate: the deploy ends paused, a later run continues it to success, GitHub records both', async () => {
  const paused = await deployed({
    images: 'app=shop:v4',
    strategy: 'canary',
    'canary-bake': '2m',
    'bake-time': '2m',
    'pause-at': 'PRE_PRODUCTION_TRAFFIC_SHIFT',
    pauses: 'wait',
    ...GITHUB
  })
  expect(paused.exitCode).toBe(0)
  expect(paused.outputs.status).toBe('paused')
  expect(paused.outputs['paused-hook-id']).toMatch(/^ecs-pause-/)
  expect(paused.summary).toContain('run this step again with resume: continue')
  const id = Number(paused.outputs['github-deployment-id'])
  const [record] = await githubDeployments()
  expect(record?.id).toBe(id)
  expect(record?.statuses[0]).toMatchObject({
    state: 'in_progress',
    description: 'Paused at PRE_PRODUCTION_TRAFFIC_SHIFT: continue or abort with resume'
  })

  const resumed = await deployed({ resume: 'continue', ...GITHUB })
  expect(resumed.exitCode).toBe(0)
  expect(resumed.outputs.status).toBe('succeeded')
  expect(resumed.outputs['github-deployment-id']).toBe(String(id))
  expect(resumed.summary).toContain('Traffic steps of web: succeeded')
  expect(await live()).toBe(paused.outputs['task-definition-arn'])
  const [after] = await githubDeployments()
  expect(after?.statuses.map(status => status.state).slice(0, 3)).toEqual([
    'success',
    'in_progress',
    'in_progress'
  ])
  expect(after?.statuses[1]?.description).toBe('Continuing by octocat at the pause')
}, 120_000)

test('a PAUSE gate aborted by a later run: rolled back, no production request reached it', async () => {
  const before = await live()
  const old = await production()
  const paused = await deployed({
    images: 'app=shop:v5',
    strategy: 'canary',
    'pause-at': 'PRE_PRODUCTION_TRAFFIC_SHIFT',
    pauses: 'wait',
    ...GITHUB
  })
  expect(paused.outputs.status).toBe('paused')

  const aborted = await deployed({ resume: 'abort', ...GITHUB })
  expect(aborted.exitCode).toBe(0)
  expect(aborted.outputs.status).toBe('rolled-back')
  expect(aborted.outputs['failure-reason']).toBe(
    'web: Aborted by octocat at the pause at PRE_PRODUCTION_TRAFFIC_SHIFT.'
  )
  expect(aborted.outputs['blast-radius']).toBe('0')
  expect(await live()).toBe(before)
  expect(await weightOf(s, old)).toBe(100)
  const [record] = await githubDeployments()
  expect(record?.statuses[0]).toMatchObject({
    state: 'failure',
    description: 'Aborted by octocat at the pause at PRE_PRODUCTION_TRAFFIC_SHIFT.'
  })

  const nothing = await deployed({ resume: 'continue', ...GITHUB })
  expect(nothing.exitCode).toBe(1)
  expect(nothing.stdout).toContain("Service 'web' has no deployment waiting at a PAUSE hook")
}, 120_000)

test('a blue/green whose test traffic fails is rolled back before any production request reaches it', async () => {
  const before = await live()
  const test = await testListener(s)
  const run = await deployed({
    images: 'app=shop:v6-errors',
    strategy: 'blue-green',
    'test-listener-rule': test.arn,
    'test-url': `${test.url}/health`,
    'test-duration': '1m'
  })

  expect(run.exitCode).toBe(1)
  expect(run.outputs.status).toBe('rolled-back')
  expect(run.outputs['failure-reason']).toMatch(
    /^The test traffic failed: GET http:\/\/127\.0\.0\.1:\d+\/health: \d+ of \d+ rounds passed/
  )
  expect(run.outputs['blast-radius']).toBe('0')
  expect(run.summary).toContain('POST_TEST_TRAFFIC_SHIFT (test listener)')
  expect(run.summary).toContain('No production traffic reached the new revision.')
  expect(await live()).toBe(before)
}, 90_000)

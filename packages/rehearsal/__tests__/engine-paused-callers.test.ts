/**
 * The shipped production.yml and staging.yml rehearsed against the simulator with a deploy that
 * ends paused at a PAUSE hook (config `pause-at` + `pauses: wait`): nothing after the deploy may
 * call the release deployed. production.yml (its staging gate replaced by a job that approves
 * the pushed digest) stays green with a summary "paused, not promoted" that points at
 * resume.yml; staging.yml (its test suite and build replaced by a job giving the pushed image)
 * does not run its integration tests against the release before, and says so.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { parseDocument } from 'yaml'
import { parseConfigText } from '@fargate-promote/promotion'
import { rehearse } from '../src/rehearse.js'
import type { EnvironmentProtection } from '../src/engine/context.js'
import type { RehearsalResult } from '../src/model.js'
import { openSim } from '../src/sim/open.js'
import {
  PRODUCT_ROOT,
  cleanUp,
  job,
  optionsFor,
  step,
  tempDir,
  writeRepo
} from './fixtures/engine/repo.js'

afterEach(cleanUp)

const hostEnv = { PATH: process.env.PATH, HOME: process.env.HOME }
const SCALE = 240
const REPOSITORY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web'
const template = (name: string): string =>
  readFileSync(new URL(`../../../workflows-templates/${name}`, import.meta.url), 'utf8')

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  return typeof address === 'object' && address !== null ? address.port : 0
}

/** One environment: a canary that stops before production traffic moves, for a person. */
const environment = (name: string, port: number) => `  ${name}:
    region: eu-west-1
    role: arn:aws:iam::123456789012:role/shop-${name}-deploy
    cluster: shop-${name}
    services:
      - name: web
        containers: [web]
    desired-count: 2
    url: http://127.0.0.1:${port}
    strategy: canary
    canary-percent: 10%
    canary-bake: 10m
    bake-time: 1m
    min-requests: 10
    pause-at: [PRE_PRODUCTION_TRAFFIC_SHIFT]
    pauses: wait
    tests:
      integration: exit 0
`

/** A template with some jobs replaced by one job giving the outputs the rest reads. */
function withStandIn(
  text: string,
  replaced: string[],
  name: string,
  outputs: Record<string, string>
) {
  const workflow = parseDocument(text)
  for (const key of replaced) workflow.deleteIn(['jobs', key])
  const lines = Object.entries(outputs).map(
    ([key, value]) => `echo '${key}=${value}' >> "$GITHUB_OUTPUT"`
  )
  const standIn = {
    'runs-on': 'ubuntu-24.04',
    outputs: Object.fromEntries(
      Object.keys(outputs).map(key => [key, `\${{ steps.out.outputs.${key} }}`])
    ),
    steps: [{ id: 'out', run: lines.join('\n') }]
  }
  const jobs = workflow.get('jobs') as { items: unknown[] }
  jobs.items.unshift(workflow.createPair(name, standIn))
  return workflow.toString({ lineWidth: 0 })
}

const protection = (name: string): EnvironmentProtection | undefined =>
  name === 'production'
    ? { reviewers: ['alice-release'], waitTimerMinutes: 0, branches: ['main'] }
    : undefined

async function rehearsePaused(workflow: string, event: 'push' | 'workflow_dispatch') {
  const ports = [await freePort(), await freePort()]
  const text = `version: 1
application: shop
environments:
${environment('staging', ports[0] ?? 0)}${environment('production', ports[1] ?? 0)}`
  const sim = await openSim({
    config: (await parseConfigText(text, '.github/fargate-promote.yml')).config,
    productRoot: PRODUCT_ROOT,
    workDir: tempDir(),
    timeScale: SCALE,
    repository: 'shop/web',
    actor: 'octocat',
    initial: '1.0.0',
    hostEnv
  })
  try {
    const pushed = (await (
      await fetch(`${sim.url}/_sim/images`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ repository: REPOSITORY, tag: '2.0.0' })
      })
    ).json()) as { image: string }
    const production = withStandIn(template('production.yml'), ['gate'], 'gate', {
      approved: 'true',
      images: JSON.stringify({ web: pushed.image }),
      version: '2.0.0',
      emergency: 'false'
    })
    const staging = withStandIn(template('staging.yml'), ['test', 'build'], 'build', {
      image: pushed.image
    })
    const repoRoot = await writeRepo({
      '.github/fargate-promote.yml': text,
      '.github/workflows/production.yml': production,
      '.github/workflows/staging.yml': staging,
      '.github/workflows/deploy.yml': template('deploy.yml'),
      '.github/workflows/rollback.yml': template('rollback.yml'),
      '.github/workflows/test-suite.yml': template('test-suite.yml')
    })
    return await rehearse(
      optionsFor(repoRoot, {
        workflow,
        event,
        inputs: {},
        decisions: { production: 'approve' },
        protection,
        url: sim.url,
        scale: SCALE,
        sim: { url: sim.url, time: sim.time }
      })
    )
  } finally {
    await sim.stop()
  }
}

function expectPausedDeploy(result: RehearsalResult): void {
  expect(step(result, 'deploy/deploy', 'deploy').outputs.status).toBe('paused')
  expect(step(result, 'deploy/deploy', 'verify').state).toBe('skipped')
  expect(job(result, 'deploy').outputs.status).toBe('paused')
}

describe('callers of deploy.yml after a deploy paused at a PAUSE hook', () => {
  it('production.yml: green, its summary says paused and not promoted, and what to run', async () => {
    const result = await rehearsePaused('.github/workflows/production.yml', 'workflow_dispatch')
    expect(result.conclusion).toBe('success')
    expectPausedDeploy(result)
    const summary = job(result, 'summary').steps[0]
    expect(summary?.state).toBe('success')
    expect(summary?.summary).toContain('## Production promotion of 2.0.0: paused, not promoted')
    expect(summary?.summary).toContain(
      '| deploy | **paused** at a PAUSE hook: not complete, not verified |'
    )
    expect(summary?.summary).not.toContain('success (paused)')
    expect(summary?.summary).toContain(
      'To go on: **Actions → Resume → Run workflow: environment production, decision continue or abort**'
    )
    expect(summary?.annotations).toEqual([
      {
        level: 'warning',
        message:
          '2.0.0 waits at a PAUSE hook (deploy): not complete, not verified. Actions → Resume → Run workflow: environment production, decision continue or abort.'
      }
    ])
  }, 180_000)

  it('staging.yml: the integration tests do not run against the release before; the run says why', async () => {
    const result = await rehearsePaused('.github/workflows/staging.yml', 'push')
    expect(result.conclusion).toBe('success')
    expectPausedDeploy(result)
    expect(job(result, 'integration').state).toBe('skipped')
    const paused = job(result, 'paused').steps[0]
    expect(paused?.state).toBe('success')
    // The release label: the commit's short SHA (staging.yml gives deploy.yml no version).
    expect(paused?.summary).toContain('## Staging: a1b2c3d paused, not tested')
    expect(paused?.annotations).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(
          /^a1b2c3d waits at a PAUSE hook on staging: not complete, not verified, integration and performance tests not run\. Actions → Resume/
        )
      }
    ])
  }, 180_000)
})

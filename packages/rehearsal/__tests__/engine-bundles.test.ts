import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { startSim, type Sim } from '@fargate-promote/sim'
import {
  PRODUCT_REPOSITORY,
  cleanUp,
  job,
  onPush,
  rehearseRepo,
  step,
  writeRepo
} from './fixtures/engine/repo.js'

const WORKFLOW = '.github/workflows/ci.yml'

let sim: Sim

beforeAll(async () => {
  sim = await startSim({ virtualTime: true, timeScale: 1000 })
})

afterAll(async () => {
  await sim.stop()
})

afterEach(cleanUp)

/**
 * A product checkout with one action, `echo`: its dist/ bundles print their inputs and state, set
 * an output and a state value, and fail on request. `later` has a post step only on success.
 */
async function fakeProduct(): Promise<string> {
  return writeRepo({
    'actions/echo/action.yml': `name: Echo
inputs:
  greeting:
    default: hello \${{ github.ref_name }}
  count:
    default: 3
  who:
    description: who to greet
  dry run:
    default: false
outputs:
  said:
    description: what it said
runs:
  using: node24
  main: dist/index.js
  post: dist/post.js
`,
    'actions/echo/dist/index.js': `const { appendFileSync } = require('node:fs')
const e = process.env
console.log(\`greeting=\${e.INPUT_GREETING} count=\${e.INPUT_COUNT} who=\${e.INPUT_WHO ?? '-'} dry=\${e.INPUT_DRY_RUN} env=\${e.FROM_STEP ?? '-'}\`)
appendFileSync(e.GITHUB_OUTPUT, \`said=\${e.INPUT_GREETING} \${e.INPUT_WHO ?? ''}\\n\`)
appendFileSync(e.GITHUB_STATE, \`who=\${e.INPUT_WHO ?? ''}\\n\`)
if (e.INPUT_WHO === 'main-fails') process.exit(4)
`,
    'actions/echo/dist/post.js': `const e = process.env
console.log(\`post for \${e.STATE_who} (input \${e.INPUT_WHO ?? '-'})\`)
if (e.STATE_who === 'post-fails') process.exit(2)
`,
    'actions/later/action.yml': `name: Later
runs:
  using: node24
  main: main.js
  post: post.js
  post-if: success()
`,
    'actions/later/main.js': 'console.log("later main")\n',
    'actions/later/post.js': 'console.log("later post")\n'
  })
}

describe("this project's actions run their dist/ bundles as the runner does", () => {
  it('inputs (defaults with expressions), outputs, state for the post step, post steps newest first', async () => {
    const root = await fakeProduct()
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: one
        uses: ${PRODUCT_REPOSITORY}/actions/echo@v1
        with:
          who: first
      - id: two
        uses: ./actions/echo
        env:
          FROM_STEP: step-env
        with:
          who: second
          greeting: hi
          dry run: true
      - id: later
        uses: ./actions/later
      - run: echo "\${{ steps.one.outputs.said }}|\${{ steps.two.outputs.said }}"
`)
      },
      { product: { root, repository: PRODUCT_REPOSITORY } }
    )
    const a = job(result, 'a')
    expect(a.state).toBe('success')
    expect(a.steps.map(s => [s.id, s.kind, s.state, s.post ?? false])).toEqual([
      ['one', 'action', 'success', false],
      ['two', 'action', 'success', false],
      ['later', 'action', 'success', false],
      ['__run', 'run', 'success', false],
      ['later-post', 'action', 'success', true],
      ['two-post', 'action', 'success', true],
      ['one-post', 'action', 'success', true]
    ])
    expect(step(result, 'a', 'one').log).toBe(
      'greeting=hello main count=3 who=first dry=false env=-\n'
    )
    expect(step(result, 'a', 'two').log).toBe(
      'greeting=hi count=3 who=second dry=true env=step-env\n'
    )
    expect(step(result, 'a', 'one').outputs).toEqual({ said: 'hello main first' })
    expect(step(result, 'a', '__run').log).toBe('hello main first|hi second\n')
    expect(step(result, 'a', 'two-post')).toMatchObject({
      name: 'Post Run ./actions/echo',
      uses: './actions/echo',
      log: 'post for second (input second)\n'
    })
    expect(step(result, 'a', 'later-post').log).toBe('later post\n')
    expect(result.standIns).toEqual({})
    expect(result.problems).toEqual([])
  })

  it('a failing bundle fails the step; post steps still run under their post-if', async () => {
    const root = await fakeProduct()
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: later
        uses: ./actions/later
      - id: post-fails
        uses: ./actions/echo
        with:
          who: post-fails
      - id: main-fails
        uses: ./actions/echo
        with:
          who: main-fails
          unknown: x
`)
      },
      { product: { root, repository: PRODUCT_REPOSITORY } }
    )
    const a = job(result, 'a')
    const states = a.steps.map(s => [s.id, s.state])
    expect(states.slice(0, 3)).toEqual([
      ['later', 'success'],
      ['post-fails', 'success'],
      ['main-fails', 'failure']
    ])
    // Posts run newest first, each under its post-if: always() by default, success() for later.
    expect(states.slice(-2)).toEqual([
      ['post-fails-post', 'failure'],
      ['later-post', 'skipped']
    ])
    expect(step(result, 'a', 'main-fails').reason).toBe('./actions/echo failed (exit code 4).')
    expect(step(result, 'a', 'post-fails-post').reason).toBe('./actions/echo failed (exit code 2).')
    expect(a.state).toBe('failure')
    expect(result.problems).toEqual([
      expect.objectContaining({
        level: 'warning',
        job: 'a',
        step: 'main-fails',
        message: 'Input unknown is not an input of Echo; GitHub warns about it too.'
      })
    ])
  })
})

/** Stand-ins for our three actions whose outputs feed the environments' timeline. */
async function timelineProduct(): Promise<string> {
  const manifest = (name: string) => `name: ${name}
inputs:
  emit: {}
  version: {}
  environment: {}
  mode: {}
runs:
  using: node24
  main: emit.js
`
  const emit = `const { appendFileSync } = require('node:fs')
for (const [k, v] of Object.entries(JSON.parse(process.env.INPUT_EMIT || '{}'))) appendFileSync(process.env.GITHUB_OUTPUT, k + '=' + v + '\\n')
`
  const files: Record<string, string> = {}
  for (const name of ['deploy-fargate', 'rollback', 'health-verify']) {
    files[`actions/${name}/action.yml`] = manifest(name)
    files[`actions/${name}/emit.js`] = emit
  }
  return writeRepo(files)
}

describe("the environments' timeline, from the outputs of our actions", () => {
  it('deployed, deployment-failed, rolled-back and verified events; none without an environment or a result', async () => {
    const root = await timelineProduct()
    const step = (action: string, inputs: Record<string, string>) =>
      `      - uses: ./actions/${action}\n        with:\n${Object.entries(inputs)
        .map(([k, v]) => `          ${k}: '${v}'\n`)
        .join('')}`
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  staging:
    runs-on: ubuntu-latest
    environment: staging
    steps:
${step('deploy-fargate', { version: '1.1.0', emit: '{"status":"succeeded"}' })}${step('deploy-fargate', { emit: '{"status":"succeeded","version":"1.1.1"}' })}${step('deploy-fargate', { version: '1.2.0', emit: '{"status":"failed","failure-reason":"tasks crashed"}' })}${step('deploy-fargate', { version: '1.2.1', emit: '{"status":"rolled-back"}' })}${step('deploy-fargate', { emit: '{}' })}${step('rollback', { emit: '{"status":"rolled-back","version":"1.1.0"}' })}${step('rollback', { emit: '{"status":"rolled-back","task-definition-arn":"arn:td/7"}' })}${step('rollback', { emit: '{"status":"rolled-back"}' })}${step('rollback', { emit: '{"status":"noop"}' })}${step('rollback', { emit: '{}' })}${step('health-verify', { emit: '{"healthy":"true"}' })}${step('health-verify', { mode: 'monitor', environment: 'staging-monitor', emit: '{"healthy":"true"}' })}${step('health-verify', { emit: '{"healthy":"false","failed-checks":"[\\"http\\"]"}' })}${step('health-verify', { emit: '{}' })}
  no-environment:
    runs-on: ubuntu-latest
    steps:
${step('deploy-fargate', { version: '1.1.0', emit: '{"status":"succeeded"}' })}`)
      },
      { product: { root, repository: PRODUCT_REPOSITORY } }
    )
    expect(result.conclusion).toBe('success')
    expect(result.timeline.map(e => [e.environment, e.kind, e.detail, e.job])).toEqual([
      ['staging', 'deployed', 'deployed 1.1.0', 'staging'],
      ['staging', 'deployed', 'deployed 1.1.1', 'staging'],
      ['staging', 'deployment-failed', 'deploy of 1.2.0 failed: tasks crashed', 'staging'],
      ['staging', 'deployment-failed', 'deploy of 1.2.1 rolled-back', 'staging'],
      ['staging', 'rolled-back', 'rollback rolled-back to 1.1.0', 'staging'],
      ['staging', 'rolled-back', 'rollback rolled-back to arn:td/7', 'staging'],
      ['staging', 'rolled-back', 'rollback rolled-back to ?', 'staging'],
      ['staging', 'verified', 'verified', 'staging'],
      ['staging-monitor', 'verified', 'verified (monitoring window)', 'staging'],
      ['staging', 'deployment-failed', 'checks failed: ["http"]', 'staging']
    ])
  })
})

describe('health-verify, bundled, against the simulator', () => {
  it('a healthy URL: outputs, the summary and a verified event on the timeline', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  verify:
    runs-on: ubuntu-latest
    environment: staging
    steps:
      - id: health
        uses: ./actions/health-verify
        with:
          config: none
          url: ${sim.url}/_sim/clock
          timeout: 1m
          interval: 1s
          consecutive-successes: 1
`)
      },
      { url: sim.url, scale: sim.clock.scale }
    )
    const health = step(result, 'verify', 'health')
    expect(health).toMatchObject({ kind: 'action', state: 'success' })
    expect(health.outputs).toMatchObject({ healthy: 'true', 'failed-checks': '[]' })
    expect(health.log).toContain('HEALTHY: all 1 checks passed.')
    expect(health.summary).toContain('HEALTHY')
    expect(result.timeline).toEqual([
      {
        environment: 'staging',
        at: expect.any(Number),
        job: 'verify',
        kind: 'verified',
        detail: 'verified'
      }
    ])
  })

  it('an unhealthy URL: the step fails and the timeline says which checks failed', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  verify:
    runs-on: ubuntu-latest
    steps:
      - id: health
        uses: ./actions/health-verify
        with:
          config: none
          environment: production
          url: ${sim.url}/_sim/no-such-route
          timeout: 3s
          interval: 1s
          consecutive-successes: 1
`)
      },
      { url: sim.url, scale: sim.clock.scale }
    )
    const health = step(result, 'verify', 'health')
    expect(health.state).toBe('failure')
    expect(health.outputs).toMatchObject({ healthy: 'false', 'failed-checks': '["http"]' })
    expect(result.timeline).toEqual([
      expect.objectContaining({
        environment: 'production',
        kind: 'deployment-failed',
        detail: 'checks failed: ["http"]'
      })
    ])
  })
})

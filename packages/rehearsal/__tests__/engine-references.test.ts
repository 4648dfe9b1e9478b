import { afterEach, describe, expect, it } from '@jest/globals'
import { WorkflowError } from '../src/workflow/load.js'
import {
  cleanUp,
  job,
  markerStep,
  markerWritten,
  rehearsalError,
  rehearseRepo,
  step
} from './fixtures/engine/repo.js'

afterEach(cleanUp)

const WORKFLOW = '.github/workflows/ci.yml'

/** Job a declares `image` only; job b reads `needs.a.outputs.tag` and `needs.c…` it does not need. */
const undeclared = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      image: \${{ steps.build.outputs.image }}
    steps:
      - id: build
        run: echo "image=shop/web:1" >> "$GITHUB_OUTPUT"
  c:
    runs-on: ubuntu-latest
    outputs:
      url: https://example.test
    steps:
      - run: echo c
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - id: show
        run: echo "[\${{ needs.a.outputs.image }}] [\${{ needs.a.outputs.tag }}]"
      - name: other
        env:
          URL: \${{ needs.c.outputs.url }}
        run: echo "$URL"
`

describe('references checked before anything runs', () => {
  it('needs.a.outputs.x that job a does not declare, and needs.c of a job not needed: warnings', async () => {
    const result = await rehearseRepo({ [WORKFLOW]: undeclared })
    expect(result.conclusion).toBe('success')
    expect(result.problems).toEqual([
      {
        level: 'warning',
        message: 'needs.a.outputs.tag is not an output job a declares.',
        file: WORKFLOW,
        line: 21,
        column: 14,
        job: 'b',
        step: 'show',
        expression: expect.stringContaining('needs.a.outputs.tag')
      },
      {
        level: 'warning',
        message: 'needs.c is read, but the job does not need c.',
        file: WORKFLOW,
        line: 24,
        column: 16,
        job: 'b',
        step: 'other',
        expression: 'needs.c.outputs.url'
      }
    ])
    // GitHub gives an empty string for both.
    expect(step(result, 'b', 'show').log).toBe('[shop/web:1] []\n')
    expect(step(result, 'b', '__run').log).toBe('\n')
  })

  it('the same references are errors with strict: true, and nothing runs', async () => {
    const error = await rehearsalError({ [WORKFLOW]: undeclared }, { strict: true })
    expect(error.problems.map(p => [p.level, p.job, p.message])).toEqual([
      ['error', 'b', 'needs.a.outputs.tag is not an output job a declares.'],
      ['error', 'b', 'needs.c is read, but the job does not need c.']
    ])
    expect(error.message).toContain(
      `${WORKFLOW}:21:14: error: job b, step show: needs.a.outputs.tag is not an output job a declares.`
    )
  })

  it('steps.s.outputs.y of one of our actions whose action.yml lacks y (the step never runs)', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: `on: push
jobs:
  verify:
    if: \${{ false }}
    runs-on: ubuntu-latest
    steps:
      - id: health
        uses: fargate-promote/fargate-promote/actions/health-verify@v1
        with:
          url: http://127.0.0.1:9/health
      - run: echo "\${{ steps.health.outputs.healthy }} \${{ steps.health.outputs.status }}"
      - run: echo "\${{ steps.nothing.outputs.x }}"
`
    })
    expect(job(result, 'verify')).toMatchObject({ state: 'skipped', steps: [] })
    expect(result.problems).toEqual([
      expect.objectContaining({
        level: 'warning',
        job: 'verify',
        step: '#2',
        line: 11,
        message: expect.stringMatching(
          /^steps\.health\.outputs\.status is not an output of the action step health \(its action\.yml declares healthy, failed-checks, report, /
        )
      }),
      expect.objectContaining({
        level: 'warning',
        job: 'verify',
        step: '#3',
        message: 'steps.nothing is read, but no step of the job has id nothing.'
      })
    ])
  })

  it('a stand-in declares its outputs too', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: `on: push
jobs:
  build:
    if: \${{ false }}
    runs-on: ubuntu-latest
    steps:
      - id: push
        uses: docker/build-push-action@v6
        with: { tags: shop/web:1 }
      - run: echo "\${{ steps.push.outputs.digest }} \${{ steps.push.outputs.digests }}"
      - id: checkout
        uses: actions/checkout@v4
      - run: echo "\${{ steps.checkout.outputs.ref }}"
`
    })
    expect(result.problems.map(p => p.message)).toEqual([
      'steps.push.outputs.digests is not an output of the action step push (its action.yml declares digest, imageid, metadata).',
      'steps.checkout.outputs.ref is not an output of the action step checkout (its action.yml declares none).'
    ])
  })

  it('vars and secrets that are given, in any case, are fine', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ vars.REGION }} \${{ secrets.deploy_key != '' }}"
`
      },
      { vars: { REGION: 'eu-west-1' }, secrets: { DEPLOY_KEY: 'k3y-value' } }
    )
    expect(result.problems).toEqual([])
    expect(step(result, 'a', '__run').log).toBe('eu-west-1 true\n')
  })
})

describe('reads of outputs a step never set, while running', () => {
  const unset = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: s
        run: echo "y=set" >> "$GITHUB_OUTPUT"
      - id: check
        if: steps.s.outputs.z == ''
        run: echo "z is empty"
      - id: echo
        run: echo "[\${{ steps.s.outputs.z }}]"
      - id: failed
        run: exit 3
        continue-on-error: true
      - if: steps.failed.outputs.z == ''
        run: echo "a failed step may leave its outputs unset"
${markerStep}`

  it('a warning naming the job, the step and the expression; the value is empty as on GitHub', async () => {
    const result = await rehearseRepo({ [WORKFLOW]: unset })
    expect(result.conclusion).toBe('success')
    expect(step(result, 'a', 'check')).toMatchObject({ state: 'success', log: 'z is empty\n' })
    expect(step(result, 'a', 'echo').log).toBe('[]\n')
    const message =
      'steps.s.outputs.z was read, but step s did not set it (GitHub gives an empty string).'
    expect(result.problems).toEqual([
      {
        level: 'warning',
        message,
        file: WORKFLOW,
        job: 'a',
        step: 'check',
        expression: "success() && (steps.s.outputs.z == '')"
      },
      expect.objectContaining({ level: 'warning', message, job: 'a', step: 'echo' })
    ])
    // Nothing about the failed step: it may not have got that far.
    expect(result.problems.some(p => p.message.includes('steps.failed'))).toBe(false)
  })

  it('an error under strict: the rehearsal goes on, the problem is an error', async () => {
    const result = await rehearseRepo({ [WORKFLOW]: unset }, { strict: true })
    expect(markerWritten(result.repoRoot)).toBe(true)
    expect(result.problems.map(p => [p.level, p.step])).toEqual([
      ['error', 'check'],
      ['error', 'echo']
    ])
  })

  it('a read repeated in one step is reported once', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: s
        run: echo hi
      - if: steps.s.outputs.z == '' && steps.s.outputs.z != 'x'
        run: echo "\${{ steps.s.outputs.z }}"
`
    })
    expect(result.problems.filter(p => p.step === '__run')).toHaveLength(2)
    expect(new Set(result.problems.map(p => p.expression)).size).toBe(2)
  })
})

it('WorkflowError is what a refused rehearsal throws', async () => {
  await expect(
    rehearsalError({ [WORKFLOW]: undeclared }, { strict: true })
  ).resolves.toBeInstanceOf(WorkflowError)
})

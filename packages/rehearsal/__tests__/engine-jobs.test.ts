import { afterEach, describe, expect, it } from '@jest/globals'
import type { JobResult, RehearsalResult } from '../src/model.js'
import { cleanUp, job, onPush, rehearseRepo, step } from './fixtures/engine/repo.js'

afterEach(cleanUp)

const WORKFLOW = '.github/workflows/ci.yml'

function states(result: RehearsalResult): Record<string, string> {
  return Object.fromEntries(result.jobs.map(j => [j.key, j.state]))
}

/** Waits (at most 20 s) for another job's file: both jobs succeed only when they run at once. */
function rendezvous(mine: string, theirs: string): string {
  return `touch "$RUNNER_TEMP/../${mine}"; for i in $(seq 1 2000); do [ -e "$RUNNER_TEMP/../${theirs}" ] && exit 0; sleep 0.01; done; exit 1`
}

function span(j: JobResult): [number, number] {
  return [j.startedAt as number, j.endedAt as number]
}

describe('needs', () => {
  it('jobs without needs run at once; a job runs after every job it needs', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: ${rendezvous('a.started', 'b.started')}
  b:
    runs-on: ubuntu-latest
    steps:
      - run: ${rendezvous('b.started', 'a.started')}
  c:
    needs: [a, b]
    runs-on: ubuntu-latest
    steps:
      - env:
          RESULTS: \${{ toJSON(needs.*.result) }}
        run: echo "\${{ needs.a.result }} \${{ needs.b.result }} $RESULTS"
`)
    })
    expect(states(result)).toEqual({ a: 'success', b: 'success', c: 'success' })
    const c = job(result, 'c')
    expect(c.needs).toEqual(['a', 'b'])
    expect(c.startedAt).toBeGreaterThanOrEqual(job(result, 'a').endedAt as number)
    expect(c.startedAt).toBeGreaterThanOrEqual(job(result, 'b').endedAt as number)
    expect(c.steps[0]?.log).toBe('success success [\n  "success",\n  "success"\n]\n')
    expect(result.conclusion).toBe('success')
    expect(result.startedAt).toBeLessThanOrEqual(result.endedAt)
  })

  it('job if: after a failed need (success() skipped, failure() and always() run)', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  build:
    runs-on: ubuntu-latest
    steps:
      - run: exit 1
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo deploy
  explicit-success:
    needs: build
    if: success()
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  notify-failure:
    needs: build
    if: failure()
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.build.result }}"
  cleanup:
    needs: build
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo cleanup
  after-skipped:
    needs: deploy
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  failure-through-skipped:
    needs: deploy
    if: failure()
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.deploy.result }}"
  always-after-skipped:
    needs: deploy
    if: \${{ !cancelled() }}
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.deploy.result }}"
`)
    })
    expect(states(result)).toEqual({
      build: 'failure',
      deploy: 'skipped',
      'explicit-success': 'skipped',
      'notify-failure': 'success',
      cleanup: 'success',
      'after-skipped': 'skipped',
      // GitHub: failure() is true when any ancestor job failed.
      'failure-through-skipped': 'success',
      'always-after-skipped': 'success'
    })
    expect(job(result, 'deploy').reason).toBe('if: success()')
    expect(job(result, 'notify-failure').steps[0]?.log).toBe('failure\n')
    expect(job(result, 'failure-through-skipped').steps[0]?.log).toBe('skipped\n')
    expect(job(result, 'always-after-skipped').steps[0]?.log).toBe('skipped\n')
    expect(result.conclusion).toBe('failure')
  })

  it('a job after a skipped job is skipped; the run still succeeds', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  gate:
    if: github.ref == 'refs/heads/release'
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  after:
    needs: gate
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  independent:
    runs-on: ubuntu-latest
    steps:
      - run: echo yes
`)
    })
    expect(states(result)).toEqual({ gate: 'skipped', after: 'skipped', independent: 'success' })
    expect(job(result, 'gate').reason).toBe("if: success() && (github.ref == 'refs/heads/release')")
    expect(result.conclusion).toBe('success')
  })

  it('a job if: that cannot be evaluated fails the job', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    if: fromJSON('{') == 1
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`)
    })
    expect(job(result, 'a')).toMatchObject({
      state: 'failure',
      reason: expect.stringContaining("Expression ${{ success() && (fromJSON('{') == 1) }}:")
    })
    expect(result.problems).toEqual([
      expect.objectContaining({ level: 'error', job: 'a', expression: expect.any(String) })
    ])
  })

  it('the job name: is evaluated', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    name: Build \${{ github.ref_name }}
    runs-on: ubuntu-latest
    steps:
      - run: echo
`)
    })
    expect(job(result, 'a').name).toBe('Build main')
  })
})

describe('matrix', () => {
  it('include/exclude as GitHub expands them, max-parallel: 1 runs one at a time', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  build:
    runs-on: ubuntu-latest
    strategy:
      max-parallel: 1
      matrix:
        os: [linux, windows]
        node: [18, 20]
        exclude:
          - os: windows
            node: 18
        include:
          - os: linux
            experimental: true
          - os: mac
            node: 22
    steps:
      - run: echo "\${{ matrix.os }}-\${{ matrix.node }}-\${{ matrix.experimental }} \${{ strategy.job-index }}/\${{ strategy.job-total }} \${{ strategy.max-parallel }}"
`)
    })
    const keys = [
      'build (linux, 18, true)',
      'build (linux, 20, true)',
      'build (windows, 20)',
      'build (mac, 22)'
    ]
    expect(result.jobs.map(j => [j.key, j.state])).toEqual(keys.map(k => [k, 'success']))
    expect(result.jobs.map(j => j.steps[0]?.log)).toEqual([
      'linux-18-true 0/4 1\n',
      'linux-20-true 1/4 1\n',
      'windows-20- 2/4 1\n',
      'mac-22- 3/4 1\n'
    ])
    // One at a time: each combination starts after the previous one ended.
    const spans = result.jobs.map(span)
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]?.[0]).toBeGreaterThanOrEqual(spans[i - 1]?.[1] as number)
    }
  })

  it('without max-parallel the combinations run at once', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  pair:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        side: [left, right]
    steps:
      - run: ${rendezvous('${{ matrix.side }}', "${{ matrix.side == 'left' && 'right' || 'left' }}")}
`)
    })
    expect(states(result)).toEqual({ 'pair (left)': 'success', 'pair (right)': 'success' })
  })

  it('a matrix from fromJSON(needs.x.outputs.m); the outputs of the combinations and a name: per combination', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  plan:
    runs-on: ubuntu-latest
    outputs:
      services: \${{ steps.p.outputs.services }}
    steps:
      - id: p
        run: echo 'services=["api","web"]' >> "$GITHUB_OUTPUT"
  deploy:
    needs: plan
    name: deploy \${{ matrix.service }}
    runs-on: ubuntu-latest
    strategy:
      matrix:
        service: \${{ fromJSON(needs.plan.outputs.services) }}
    outputs:
      last: \${{ steps.d.outputs.done }}
    steps:
      - id: d
        run: echo "done=\${{ matrix.service }}" >> "$GITHUB_OUTPUT"
  after:
    needs: deploy
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.deploy.result }} \${{ needs.deploy.outputs.last != '' }}"
`)
    })
    expect(result.jobs.map(j => [j.key, j.name, j.state])).toEqual([
      ['plan', 'plan', 'success'],
      ['deploy (api)', 'deploy api', 'success'],
      ['deploy (web)', 'deploy web', 'success'],
      ['after', 'after', 'success']
    ])
    expect(job(result, 'deploy (api)').outputs).toEqual({ last: 'api' })
    expect(job(result, 'after').steps[0]?.log).toBe('success true\n')
  })

  it('a failed combination (fail-fast: false) fails the matrix for the jobs that need it', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  test:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        n: [1, 2]
    steps:
      - run: test \${{ matrix.n }} = 2
  after:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  report:
    needs: test
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.test.result }}"
`)
    })
    expect(states(result)).toEqual({
      'test (1)': 'failure',
      'test (2)': 'success',
      after: 'skipped',
      report: 'success'
    })
    expect(job(result, 'report').steps[0]?.log).toBe('failure\n')
  })

  it('a matrix that cannot be evaluated fails the job', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        x: \${{ fromJSON('[') }}
    steps:
      - run: echo never
`)
    })
    expect(job(result, 'a')).toMatchObject({
      state: 'failure',
      reason: expect.stringContaining("fromJSON('[')"),
      steps: []
    })
  })

  it('a skipped matrix job is one skipped job under its id', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    if: \${{ false }}
    runs-on: ubuntu-latest
    strategy:
      matrix:
        x: [1, 2]
    steps:
      - run: echo never
`)
    })
    expect(result.jobs.map(j => [j.key, j.state])).toEqual([['a', 'skipped']])
  })
})

describe('reusable workflows', () => {
  const caller = `name: CI
on: push
env:
  GREETING: hello \${{ github.ref_name }}
jobs:
  prep:
    runs-on: ubuntu-latest
    outputs:
      image: \${{ steps.s.outputs.image }}
    steps:
      - id: s
        run: echo "image=shop/web:7" >> "$GITHUB_OUTPUT"
  deploy:
    name: Deploy \${{ needs.prep.outputs.image }}
    needs: prep
    uses: ./.github/workflows/deploy.yml
    with:
      image: \${{ needs.prep.outputs.image }}
      dry-run: true
    secrets: inherit
  report:
    needs: deploy
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.deploy.outputs.url }} \${{ needs.deploy.outputs.echoed }} \${{ needs.deploy.result }}"
`
  const deploy = `name: Deploy
on:
  workflow_call:
    inputs:
      image: { type: string, required: true }
      environment: { type: string, default: staging }
      dry-run: { type: boolean, default: false }
      replicas: { type: number, default: 2 }
      verbose: { type: boolean }
      count: { type: number }
      note: { type: string }
    secrets:
      DEPLOY_KEY: { required: true }
    outputs:
      url:
        value: \${{ jobs.roll.outputs.url }}
      echoed:
        value: \${{ jobs.nested.outputs.echoed }}
env:
  TARGET: \${{ inputs.environment }}-\${{ inputs.replicas }}
jobs:
  roll:
    runs-on: ubuntu-latest
    outputs:
      url: \${{ steps.r.outputs.url }}
    steps:
      - id: r
        env:
          KEY: \${{ secrets.DEPLOY_KEY }}
        run: |
          echo "\${{ inputs.image }} $TARGET \${{ inputs.dry-run }} \${{ inputs.replicas == 2 }} \${{ inputs.verbose }} \${{ inputs.count }} [\${{ inputs.note }}] [$GREETING] key=$KEY"
          echo "url=https://\${{ inputs.environment }}.example.test" >> "$GITHUB_OUTPUT"
  nested:
    needs: roll
    uses: ./.github/workflows/inner.yml
    with:
      label: from \${{ github.workflow }}
`
  const inner = `on:
  workflow_call:
    inputs:
      label: { type: string }
    outputs:
      echoed:
        value: \${{ jobs.leaf.outputs.echoed }}
jobs:
  leaf:
    runs-on: ubuntu-latest
    outputs:
      echoed: \${{ steps.e.outputs.v }}
    steps:
      - id: e
        run: echo "v=\${{ inputs.label }}" >> "$GITHUB_OUTPUT"
`

  it('inputs with defaults and types, secrets: inherit, outputs through jobs.<id>.outputs, two levels deep', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: caller,
        '.github/workflows/deploy.yml': deploy,
        '.github/workflows/inner.yml': inner
      },
      { secrets: { DEPLOY_KEY: 'k3y-for-deploy' } }
    )
    expect(result.jobs.map(j => [j.key, j.workflow, j.state])).toEqual([
      ['prep', WORKFLOW, 'success'],
      ['deploy', WORKFLOW, 'success'],
      ['deploy/roll', '.github/workflows/deploy.yml', 'success'],
      ['deploy/nested', '.github/workflows/deploy.yml', 'success'],
      ['deploy/nested/leaf', '.github/workflows/inner.yml', 'success'],
      ['report', WORKFLOW, 'success']
    ])
    const call = job(result, 'deploy')
    expect(call).toMatchObject({
      name: 'Deploy shop/web:7',
      needs: ['prep'],
      calls: ['deploy/roll', 'deploy/nested', 'deploy/nested/leaf'],
      outputs: { url: 'https://staging.example.test', echoed: 'from CI' }
    })
    expect(job(result, 'deploy/nested').needs).toEqual(['deploy/roll'])
    // The caller's workflow env does not reach the called workflow (GitHub does not propagate it).
    expect(step(result, 'deploy/roll', 'r').log).toBe(
      'shop/web:7 staging-2 true true false 0 [] [] key=***\n'
    )
    expect(job(result, 'report').steps[0]?.log).toBe(
      'https://staging.example.test from CI success\n'
    )
  })

  it('explicit secrets; a failed called job fails the caller and what needs it', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: `on: push
jobs:
  call:
    uses: ./.github/workflows/called.yml
    with:
      fail: true
    secrets:
      TOKEN: \${{ secrets.OTHER }}
  after:
    needs: call
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`,
        '.github/workflows/called.yml': `on:
  workflow_call:
    inputs:
      fail: { type: boolean, default: false }
    secrets:
      TOKEN: { required: true }
jobs:
  work:
    runs-on: ubuntu-latest
    steps:
      - id: use
        name: use the token
        env:
          TOKEN: \${{ secrets.TOKEN }}
        run: |
          echo "token $TOKEN of \${#TOKEN} characters"
          test "\${{ inputs.fail }}" != true
`
      },
      // TOKEN is given too: the check before the run reads the called workflow's secrets
      // against the rehearsal's. The called workflow gets OTHER's value (12 characters).
      { secrets: { OTHER: 'other-secret', TOKEN: 'top-level-token-value' } }
    )
    expect(states(result)).toEqual({ call: 'failure', 'call/work': 'failure', after: 'skipped' })
    expect(job(result, 'call').reason).toBe(
      'call/work: use the token: Process completed with exit code 1.'
    )
    expect(step(result, 'call/work', 'use').log).toBe('token *** of 12 characters\n')
    expect(result.conclusion).toBe('failure')
  })

  it('a call whose if: is false is skipped with none of its jobs', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: `on: push
jobs:
  call:
    if: github.ref_name == 'release'
    uses: ./.github/workflows/called.yml
`,
      '.github/workflows/called.yml': `on: workflow_call
jobs:
  work:
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`
    })
    expect(result.jobs.map(j => [j.key, j.state])).toEqual([['call', 'skipped']])
  })

  it('a called workflow whose inputs cannot be evaluated fails the call', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: `on: push
jobs:
  call:
    uses: ./.github/workflows/called.yml
    with:
      value: \${{ fromJSON('[') }}
`,
      '.github/workflows/called.yml': `on:
  workflow_call:
    inputs:
      value: { type: string }
jobs:
  work:
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`
    })
    expect(result.jobs.map(j => [j.key, j.state])).toEqual([['call', 'failure']])
    expect(job(result, 'call').reason).toContain("fromJSON('[')")
  })
})

describe('workflow env, timeouts and concurrency', () => {
  it('the workflow env: may use expressions (github, inputs, vars, secrets)', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: `on:
  workflow_dispatch:
    inputs:
      target: { type: choice, options: [staging, production], default: staging }
      replicas: { type: number, default: 2 }
      dry-run: { type: boolean, default: true }
env:
  TARGET: \${{ inputs.target }}
  BRANCH: \${{ github.ref_name }}
  REGION: \${{ vars.REGION }}
  HAS_KEY: \${{ secrets.KEY != '' }}
  NUMBERS: \${{ inputs.replicas }}-\${{ inputs.dry-run }}
  PLAIN: plain
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$TARGET $BRANCH $REGION $HAS_KEY $NUMBERS $PLAIN \${{ env.TARGET }} \${{ inputs.replicas == 3 }}"
`
      },
      {
        event: 'workflow_dispatch',
        inputs: { target: 'production', replicas: '3' },
        vars: { REGION: 'eu-west-1' },
        secrets: { KEY: 'the-key' }
      }
    )
    expect(job(result, 'a').steps[0]?.log).toBe(
      'production main eu-west-1 true 3-true plain production true\n'
    )
    expect(result.event).toBe('workflow_dispatch')
  })

  it('timeout-minutes: the job fails with GitHub message when a step runs too long', async () => {
    // 1 minute is 1 ms with this timeout scale.
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  slow:
    runs-on: ubuntu-latest
    timeout-minutes: 1
    steps:
      - id: sleep
        run: sleep 5
  quick:
    runs-on: ubuntu-latest
    timeout-minutes: \${{ 6000 }}
    steps:
      - run: echo quick
`)
      },
      { scale: 60000, jobTimeoutScale: 1 / 60000 }
    )
    const slow = job(result, 'slow')
    expect(slow).toMatchObject({
      state: 'failure',
      reason: 'The job has exceeded the maximum execution time of 1 minutes.'
    })
    expect(slow.steps.map(s => s.id)).toEqual(['sleep'])
    expect(job(result, 'quick').state).toBe('success')
  })

  it('a concurrency group runs its jobs one at a time; other jobs are not held', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  one:
    runs-on: ubuntu-latest
    concurrency: deploy-\${{ github.ref_name }}
    steps:
      - run: ${rendezvous('one.started', 'free.started')}
  two:
    runs-on: ubuntu-latest
    concurrency:
      group: deploy-main
      cancel-in-progress: false
    steps:
      - run: ${rendezvous('two.started', 'free.started')}
  free:
    runs-on: ubuntu-latest
    steps:
      - run: |
          touch "$RUNNER_TEMP/../free.started"
          echo free
`)
    })
    expect(states(result)).toEqual({ one: 'success', two: 'success', free: 'success' })
    const [one, two] = [span(job(result, 'one')), span(job(result, 'two'))]
    const [first, second] = one[0] <= two[0] ? [one, two] : [two, one]
    expect(second[0]).toBeGreaterThanOrEqual(first[1])
  })
})

import { afterEach, describe, expect, it } from '@jest/globals'
import { expandMatrix } from '../src/engine/matrix.js'
import { evaluate } from '../src/expressions/evaluate.js'
import { CommandReader } from '../src/engine/commands.js'
import { whyNotTriggered } from '../src/workflow/triggers.js'
import { loadWorkflow } from '../src/workflow/load.js'
import { cleanUp, job, onPush, rehearseRepo, step, writeRepo } from './fixtures/engine/repo.js'

afterEach(cleanUp)

const WORKFLOW = '.github/workflows/ci.yml'
const scope = {
  contexts: { github: { ref: 'refs/heads/main' } },
  status: () => ({ failed: false, cancelled: false })
}

describe('GitHub semantics the rehearsal keeps', () => {
  it("unescapes every '' of a string literal, so a script with ${{ }} and quotes reaches bash whole", async () => {
    expect(evaluate("format('printf ''%s'' ''{0}''', github.ref)", scope)).toBe(
      "printf '%s' 'refs/heads/main'"
    )
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: q
        run: |
          echo "ref=\${{ github.ref }}"
          printf '%s\\n' 'it''s quoted' >> "$GITHUB_OUTPUT"
`)
    })
    expect(job(result, 'a').state).toBe('success')
    expect(step(result, 'a', 'q').log).toContain('ref=refs/heads/main')
  })

  it("a step's env: is in its own env context, and later steps read real output values", async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - id: s
        env:
          G: hi
        run: |
          echo "g=\${{ env.G }}"
          echo "token=\${{ secrets.API_KEY }}" >> "$GITHUB_OUTPUT"
      - id: t
        run: test "\${{ steps.s.outputs.token }}" = "k3y-value" && echo same
`)
      },
      { secrets: { API_KEY: 'k3y-value' } }
    )
    expect(step(result, 'a', 's').log).toContain('g=hi')
    expect(step(result, 'a', 't').state).toBe('success')
    // Stored results stay masked.
    expect(step(result, 'a', 's').outputs.token).toBe('***')
  })

  it('github.job, job.status and steps.<id>.conclusion as GitHub gives them', async () => {
    const result = await rehearseRepo({
      [WORKFLOW]: onPush(`  build:
    runs-on: ubuntu-latest
    steps:
      - id: soft
        continue-on-error: true
        run: exit 1
      - id: show
        run: echo "job=\${{ github.job }} status=\${{ job.status }} outcome=\${{ steps.soft.outcome }} conclusion=\${{ steps.soft.conclusion }} GITHUB_JOB=$GITHUB_JOB"
`)
    })
    expect(step(result, 'build', 'show').log).toContain(
      'job=build status=success outcome=failure conclusion=success GITHUB_JOB=build'
    )
  })

  it('a matrix of include entries only has one job per entry', () => {
    expect(expandMatrix({ include: [{ site: 'production' }, { site: 'staging' }] })).toEqual([
      { site: 'production' },
      { site: 'staging' }
    ])
    // An include never merges into a combination another include added.
    expect(
      expandMatrix({
        os: ['linux'],
        include: [
          { os: 'mac', x: 1 },
          { os: 'mac', x: 2 }
        ]
      })
    ).toEqual([{ os: 'linux' }, { os: 'mac', x: 1 }, { os: 'mac', x: 2 }])
  })

  it('push filters honour ! negation in order', async () => {
    const repo = await writeRepo({
      [WORKFLOW]: `on:\n  push:\n    branches: ['release/**', '!release/**-alpha']\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n`
    })
    const { root } = await loadWorkflow(repo, WORKFLOW)
    expect(whyNotTriggered(root, 'push', 'refs/heads/release/1.0')).toBeUndefined()
    expect(whyNotTriggered(root, 'push', 'refs/heads/release/1.0-alpha')).toMatch(
      /does not run the workflow/
    )
  })

  it('a stop-commands token may hold digits and _', () => {
    const reader = new CommandReader()
    reader.read('::stop-commands::tok_3f9a')
    reader.read('::error::not a command')
    reader.read('::tok_3f9a::')
    reader.read('::error::a command again')
    expect(reader.effects.annotations.map(a => a.message)).toEqual(['a command again'])
  })

  it('a tag deploys where a tag pattern allows it, a branch where a branch pattern does', async () => {
    const files = {
      [WORKFLOW]: `on: push\njobs:\n  d:\n    runs-on: x\n    environment: production\n    steps:\n      - run: echo deployed\n`
    }
    const protection = () => ({
      reviewers: [],
      waitTimerMinutes: 0,
      branches: ['main'],
      tags: ['v*']
    })
    const tag = await rehearseRepo(files, { ref: 'refs/tags/v1.0.0', protection })
    expect(job(tag, 'd').state).toBe('success')
    const other = await rehearseRepo(files, { ref: 'refs/tags/nightly', protection })
    expect(job(other, 'd').reason).toBe(
      'Tag "nightly" is not allowed to deploy to production due to environment protection rules.'
    )
  })

  it('a variable is found whatever the case of its name', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: onPush(
          `  a:\n    runs-on: x\n    steps:\n      - run: echo "\${{ vars.region }}"\n`
        )
      },
      { vars: { REGION: 'eu-west-1' } }
    )
    expect(job(result, 'a').state).toBe('success')
  })

  it('a bare if: is checked before anything runs, like one in ${{ }}', async () => {
    await expect(
      rehearseRepo({
        [WORKFLOW]: onPush(
          `  a:\n    runs-on: x\n    if: vars.NOPE == 'x'\n    steps:\n      - run: echo\n`
        )
      })
    ).rejects.toThrow(/Variable NOPE is not set/)
  })
})

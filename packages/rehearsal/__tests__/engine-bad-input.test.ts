import { afterEach, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { rehearse } from '../src/rehearse.js'
import type { Problem } from '../src/model.js'
import { WorkflowError, formatProblem } from '../src/workflow/load.js'
import {
  cleanUp,
  markerStep,
  markerWritten,
  optionsFor,
  rehearsalError,
  writeRepo,
  type Overrides
} from './fixtures/engine/repo.js'

afterEach(cleanUp)

const WORKFLOW = '.github/workflows/ci.yml'

/** A job that would write the marker file if anything ran. */
const markerJob = `  first:\n    runs-on: ubuntu-latest\n    steps:\n${markerStep}`

/** Rehearses a workflow that must be refused; checks that nothing ran and returns the problems. */
async function refused(text: string, overrides: Overrides = {}): Promise<Problem[]> {
  const heard: Problem[] = []
  const error = await rehearsalError(
    { [WORKFLOW]: text },
    {
      listener: {
        jobChanged: () => undefined,
        stepChanged: () => undefined,
        stepLine: () => undefined,
        environment: () => undefined,
        problem: p => heard.push(p)
      },
      ...overrides
    }
  )
  expect(markerWritten(error.repoRoot)).toBe(false)
  // Every problem (the parser's too) reaches the listener before the rehearsal stops.
  expect(heard).toEqual(error.problems)
  expect(error.message).toBe(error.problems.map(formatProblem).join('\n'))
  return error.problems
}

describe('a workflow GitHub would refuse: nothing runs', () => {
  it('a YAML syntax error, with the parser message, line and column', async () => {
    const problems = await refused(
      `on: push\njobs:\n${markerJob}  second:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "echo\n`
    )
    expect(problems).toEqual([
      {
        level: 'error',
        file: WORKFLOW,
        message: expect.stringContaining('Missing closing "quote'),
        line: 11,
        column: 1
      }
    ])
  })

  it('an unknown key, named with its line and column', async () => {
    const problems = await refused(
      `on: push\njobs:\n${markerJob}  second:\n    runs-on: ubuntu-latest\n    step:\n      - run: echo\n`
    )
    expect(problems).toEqual([
      { level: 'error', file: WORKFLOW, message: "Unexpected value 'step'", line: 9, column: 5 }
    ])
    expect(formatProblem(problems[0] as Problem)).toBe(
      `${WORKFLOW}:9:5: error: Unexpected value 'step'`
    )
  })

  it('an invalid expression, at the column of its ${{', async () => {
    const problems = await refused(
      `on: push\njobs:\n${markerJob}      - run: echo \${{ github.ref == }}\n`
    )
    expect(problems).toEqual([
      {
        level: 'error',
        file: WORKFLOW,
        message: "Unexpected end of expression: '=='",
        line: 7,
        column: 19
      }
    ])
  })

  it('a job that needs a job the workflow does not have', async () => {
    const problems = await refused(
      `on: push\njobs:\n${markerJob}  second:\n    needs: [first, nope]\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`
    )
    expect(problems).toEqual([
      {
        level: 'error',
        file: WORKFLOW,
        message: "Job 'second' depends on unknown job 'nope'.",
        line: 8,
        column: 20
      }
    ])
  })

  it('a reusable workflow of another repository (the rehearsal reads only this one)', async () => {
    const problems = await refused(
      `on: push\njobs:\n${markerJob}  shared:\n    uses: octo/workflows/.github/workflows/deploy.yml@v1\n`
    )
    expect(problems).toEqual([
      {
        level: 'error',
        file: WORKFLOW,
        message: 'Unable to find reusable workflow',
        line: 8,
        column: 11
      }
    ])
  })

  it('a local reusable workflow that does not exist', async () => {
    const problems = await refused(
      `on: push\njobs:\n${markerJob}  call:\n    uses: ./.github/workflows/missing.yml\n`
    )
    expect(problems).toEqual([
      {
        level: 'error',
        file: WORKFLOW,
        message: 'Unable to find reusable workflow',
        line: 8,
        column: 11
      }
    ])
  })

  it('a file that is not there, or outside the repository', async () => {
    const repoRoot = await writeRepo({ 'README.md': 'no workflows\n' })
    const missing = rehearse(optionsFor(repoRoot, { workflow: '.github/workflows/none.yml' }))
    await expect(missing).rejects.toThrow(WorkflowError)
    await expect(missing).rejects.toThrow(/Cannot read the workflow file/)
    await expect(rehearse(optionsFor(repoRoot, { workflow: '../elsewhere.yml' }))).rejects.toThrow(
      'The workflow file is outside the repository.'
    )
    await expect(rehearse(optionsFor(repoRoot, { workflow: 'README.md' }))).rejects.toThrow(
      WorkflowError
    )
  })

  it('an empty workflow file', async () => {
    const problems = await refused('')
    expect(problems).toEqual([
      {
        level: 'error',
        file: WORKFLOW,
        message: 'Expected a scalar value, a sequence, or a mapping'
      }
    ])
  })

  it('a third-party action without a stand-in: the step and .github/rehearsal.yml are named', async () => {
    const problems = await refused(
      `on: push\njobs:\n${markerJob}      - id: notify\n        uses: acme/slack-notify@v2\n`
    )
    expect(problems).toEqual([
      {
        level: 'error',
        file: WORKFLOW,
        line: 8,
        column: 15,
        job: 'first',
        step: 'notify',
        message:
          'No stand-in for acme/slack-notify@v2: declare one in .github/rehearsal.yml under stand-ins (note, outputs).'
      }
    ])
  })

  it('an action of this project that does not exist is refused like a third-party one', async () => {
    const problems = await refused(
      `on: push\njobs:\n${markerJob}      - uses: fargate-promote/fargate-promote/actions/no-such-action@v1\n`
    )
    expect(problems).toEqual([
      expect.objectContaining({
        level: 'error',
        job: 'first',
        message: expect.stringContaining(
          'No stand-in for fargate-promote/fargate-promote/actions/no-such-action@v1'
        )
      })
    ])
  })

  it('vars and secrets that were not given: each named with --var / --secret', async () => {
    const problems = await refused(
      `on: push\njobs:\n${markerJob}      - run: echo "\${{ vars.REGION }} \${{ secrets.DEPLOY_KEY }}"\n        env:\n          TOKEN: \${{ secrets.GITHUB_TOKEN }}\n          GIVEN: \${{ secrets.given }}\n`,
      { secrets: { GIVEN: 'value-of-given' } }
    )
    expect(problems.map(p => [p.level, p.job, p.message])).toEqual([
      ['error', 'first', 'Variable REGION is not set: give it with --var REGION=VALUE.'],
      ['error', 'first', 'Secret DEPLOY_KEY is not set: give it with --secret DEPLOY_KEY=VALUE.']
    ])
    expect(problems[0]).toMatchObject({ file: WORKFLOW, line: 7, column: 14 })
  })
})

describe('workflow_dispatch inputs are checked as GitHub checks them', () => {
  const dispatch = `on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [staging, production]
        default: staging
      version:
        required: true
      dry-run:
        type: boolean
      count:
        type: number
        default: 1
jobs:
${markerJob}`

  it.each([
    [
      'an unknown input',
      { version: '1.0.0', colour: 'red' },
      'Input colour is not an input of the workflow (it has environment, version, dry-run, count).'
    ],
    ['a required input missing', {}, 'Input version is required: give --input version=VALUE.'],
    [
      'a boolean that is not true or false',
      { version: '1', 'dry-run': 'yes' },
      'Input dry-run must be true or false, not "yes".'
    ],
    [
      'a number that is not a number',
      { version: '1', count: 'three' },
      'Input count must be a number, not "three".'
    ],
    [
      'a choice that is not an option',
      { version: '1', environment: 'qa' },
      'Input environment must be one of staging, production, not "qa".'
    ]
  ])('%s', async (_, inputs, message) => {
    const problems = await refused(dispatch, { event: 'workflow_dispatch', inputs })
    expect(problems).toEqual([{ level: 'error', file: WORKFLOW, message }])
  })

  it('a workflow without inputs says it has none', async () => {
    const problems = await refused(`on: workflow_dispatch\njobs:\n${markerJob}`, {
      event: 'workflow_dispatch',
      inputs: { x: '1' }
    })
    expect(problems).toEqual([
      {
        level: 'error',
        file: WORKFLOW,
        message: 'Input x is not an input of the workflow (it has none).'
      }
    ])
  })
})

describe('an event the workflow does not run on', () => {
  it('an event not in on:', async () => {
    const problems = await refused(`on: [pull_request, workflow_dispatch]\njobs:\n${markerJob}`)
    expect(problems).toEqual([
      {
        level: 'error',
        file: WORKFLOW,
        message: 'The workflow does not run on push (it runs on pull_request, workflow_dispatch).'
      }
    ])
  })

  it('on: as a single event', async () => {
    const problems = await refused(`on: workflow_dispatch\njobs:\n${markerJob}`)
    expect(problems[0]?.message).toBe(
      'The workflow does not run on push (it runs on workflow_dispatch).'
    )
  })

  it.each([
    [
      'a branch not in branches',
      'branches: [main, "release/**"]',
      'refs/heads/feature/x',
      'A push to feature/x does not run the workflow (on.push.branches: main, release/**).'
    ],
    [
      'a branch in branches-ignore',
      "branches-ignore: ['dependabot/**']",
      'refs/heads/dependabot/npm/yaml',
      'A push to dependabot/npm/yaml does not run the workflow (on.push.branches-ignore: dependabot/**).'
    ],
    [
      'a tag when only branches are filtered',
      'branches: [main]',
      'refs/tags/v1.0.0',
      'A push of a tag does not run the workflow (it filters branches only).'
    ],
    [
      'a branch when only tags are filtered',
      "tags: ['v*']",
      'refs/heads/main',
      'A push of a branch does not run the workflow (it filters tags only).'
    ],
    [
      'a tag not in tags',
      "tags: ['v*']",
      'refs/tags/nightly',
      'A push to nightly does not run the workflow (on.push.tags: v*).'
    ],
    [
      'a tag in tags-ignore',
      "tags-ignore: ['*-rc*']",
      'refs/tags/v2-rc1',
      'A push to v2-rc1 does not run the workflow (on.push.tags-ignore: *-rc*).'
    ]
  ])('%s', async (_, filter, ref, message) => {
    const problems = await refused(`on:\n  push:\n    ${filter}\njobs:\n${markerJob}`, { ref })
    expect(problems).toEqual([{ level: 'error', file: WORKFLOW, message }])
  })

  it('several problems are all reported at once', async () => {
    const problems = await refused(
      `on:\n  push:\n    branches: [main]\njobs:\n${markerJob}      - uses: acme/x@v1\n      - run: echo \${{ vars.A }}\n`,
      { ref: 'refs/heads/dev' }
    )
    expect(problems.map(p => p.message)).toEqual([
      'A push to dev does not run the workflow (on.push.branches: main).',
      'Variable A is not set: give it with --var A=VALUE.',
      expect.stringContaining('No stand-in for acme/x@v1')
    ])
  })

  it('the workDir is not written when the workflow is refused', async () => {
    const repoRoot = await writeRepo({ [WORKFLOW]: `on: pull_request\njobs:\n${markerJob}` })
    const options = optionsFor(repoRoot)
    await expect(rehearse(options)).rejects.toThrow(WorkflowError)
    expect(existsSync(join(options.workDir, 'event.json'))).toBe(false)
  })
})

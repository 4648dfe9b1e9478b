import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command } from '@commander-js/extra-typings'
import { parse } from 'yaml'
import {
  DEPLOY_OPTIONS,
  GATE_OPTIONS,
  ROLLBACK_OPTIONS,
  VERIFY_OPTIONS,
  addInputOptions,
  emptyOptionProblems,
  inputValues,
  type InputOption
} from '../src/commands/input-options.js'

const root = new URL('../../..', import.meta.url).pathname

interface ActionInput {
  default?: string | number | boolean
}

function actionInputs(action: string): Record<string, ActionInput> {
  const manifest = parse(readFileSync(join(root, 'actions', action, 'action.yml'), 'utf8')) as {
    inputs: Record<string, ActionInput>
  }
  return manifest.inputs
}

/** Not options: the global --config, and the token, read from GH_TOKEN or GITHUB_TOKEN. */
const NOT_OPTIONS = ['config', 'github-token']

describe.each([
  ['deploy-fargate', DEPLOY_OPTIONS],
  ['health-verify', VERIFY_OPTIONS],
  ['staging-gate', GATE_OPTIONS],
  ['rollback', ROLLBACK_OPTIONS]
])('the options of %s', (action, specs) => {
  const inputs = actionInputs(action)

  it('are its inputs, under the same names', () => {
    const names = Object.keys(inputs).filter(name => !NOT_OPTIONS.includes(name))
    expect(specs.map(spec => spec.input).sort()).toEqual(names.sort())
  })

  it("default as action.yml does: a value's default, a switch for true/false", () => {
    for (const spec of specs) {
      const given = inputs[spec.input]?.default
      const expected =
        spec.kind === 'flag' ? 'false' : spec.kind === 'negatable' ? 'true' : undefined
      if (expected !== undefined)
        expect([spec.input, String(given)]).toEqual([spec.input, expected])
      else expect([spec.input, spec.defaultValue]).toEqual([spec.input, given?.toString()])
    }
  })
})

const SPECS: InputOption[] = [
  { input: 'cluster', kind: 'value', description: 'c' },
  { input: 'poll-interval', kind: 'value', description: 'p', defaultValue: '5s' },
  { input: 'services', kind: 'names', description: 's' },
  { input: 'images', kind: 'lines', description: 'i' },
  { input: 'dry-run', kind: 'flag', description: 'd' },
  { input: 'wait', kind: 'negatable', description: 'w' }
]

function options(argv: string[]): Record<string, unknown> {
  const command = addInputOptions(new Command('x').exitOverride(), SPECS)
  command.parse(argv, { from: 'user' })
  return command.opts()
}

function parsed(argv: string[]): Record<string, string> {
  return inputValues(SPECS, options(argv))
}

describe('options → inputs', () => {
  it('gives every input as the runner would: defaults, switches as true/false, empty when not given', () => {
    expect(parsed([])).toEqual({
      cluster: '',
      'poll-interval': '5s',
      services: '',
      images: '',
      'dry-run': 'false',
      wait: 'true'
    })
  })

  it('joins repeated lists one per line; names may also be comma-separated', () => {
    expect(
      parsed([
        '--cluster',
        'shop',
        '--poll-interval',
        '1s',
        '--services',
        'web, worker',
        '--services',
        'cron',
        '--images',
        'web=repo/web:1,2',
        '--images',
        'worker=repo/worker:1',
        '--dry-run',
        '--no-wait'
      ])
    ).toEqual({
      cluster: 'shop',
      'poll-interval': '1s',
      services: 'web\nworker\ncron',
      images: 'web=repo/web:1,2\nworker=repo/worker:1',
      'dry-run': 'true',
      wait: 'false'
    })
  })
})

describe('an option given an empty value', () => {
  const empty = (argv: string[]) =>
    emptyOptionProblems(SPECS, options(argv)).map(problem => problem.subject.input)

  it('is a problem naming it, whatever its kind; a switch or an option not given is none', () => {
    expect(empty([])).toEqual([])
    expect(empty(['--cluster', 'shop', '--services', 'web,', '--dry-run', '--no-wait'])).toEqual([])
    expect(
      empty(['--cluster', '', '--poll-interval', ' ', '--services', 'web', '--services', ''])
    ).toEqual(['cluster', 'poll-interval', 'services'])
    expect(empty(['--images', 'web=repo/web:1', '--images', ''])).toEqual(['images'])
  })

  it('says what to do', () => {
    expect(emptyOptionProblems(SPECS, options(['--cluster', '']))[0]?.message).toBe(
      "Input 'cluster': was given an empty value. Give a value, or leave the option out for its default."
    )
  })
})

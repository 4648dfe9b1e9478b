/**
 * rehearse.ts in units: `pairs`, the decisions of --approve/--reject, the product constants,
 * and rehearseCommand called directly: the event check, what it takes from git and the
 * environment, and the question a person at a terminal answers.
 *
 * The config's load balancers listen on 27211-27213 (the demo's are 27101-27103, the e2e
 * rehearse test's 27201-27203); every simulator is started and stopped by the command itself.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import type { RehearsalResult } from '@fargate-promote/rehearsal'
import {
  PRODUCT_REPOSITORY,
  PRODUCT_ROOT,
  pairs,
  rehearseCommand,
  type RehearseOptions
} from '../src/commands/rehearse.js'
import { UsageError } from '../src/failures.js'
import { run } from '../src/run.js'
import { Captured, terminal, testIo } from './support.js'

const CONFIG = readFileSync(
  join(PRODUCT_ROOT, 'examples/sample-app/.github/fargate-promote.yml'),
  'utf8'
).replace(/\b2710([123])\b/g, '2721$1')

const PROMOTE = `name: Promote
on:
  workflow_dispatch:
    inputs:
      version:
        description: the release to promote
        required: true
jobs:
  gate:
    runs-on: ubuntu-latest
    steps:
      - run: echo "gate for \${{ inputs.version }} by \${{ github.actor }} in \${{ github.repository }} on \${{ github.ref }}"
  production:
    needs: gate
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: echo "deploying \${{ inputs.version }}"
`

type Document = RehearsalResult & { report: string }
const parse = (text: string) => JSON.parse(text) as Document

const hostEnv = { PATH: process.env.PATH, HOME: process.env.HOME }

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      GIT_AUTHOR_NAME: 'Dana',
      GIT_AUTHOR_EMAIL: 'dana@example.com',
      GIT_COMMITTER_NAME: 'Dana',
      GIT_COMMITTER_EMAIL: 'dana@example.com',
      GIT_CONFIG_NOSYSTEM: '1'
    }
  })
    .toString()
    .trim()
}

let app: string

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'fp-rehearse-unit-'))
  mkdirSync(join(app, '.github/workflows'), { recursive: true })
  writeFileSync(join(app, '.github/fargate-promote.yml'), CONFIG)
  writeFileSync(join(app, '.github/workflows/promote.yml'), PROMOTE)
  git(app, 'init', '-q', '-b', 'main')
  git(app, 'add', '-A')
  git(app, 'commit', '-q', '-m', 'shop 1.0.0')
})

afterAll(() => rmSync(app, { recursive: true, force: true }))

describe('pairs', () => {
  it('makes a record of name=value options, the value after the first "="', () => {
    expect(pairs(['version=1.2.3', 'query=a=b', 'empty='], '--input')).toEqual({
      version: '1.2.3',
      query: 'a=b',
      empty: ''
    })
  })

  it('is empty without values; a later value of the same name wins', () => {
    expect(pairs(undefined, '--var')).toEqual({})
    expect(pairs([], '--var')).toEqual({})
    expect(pairs(['A=1', 'A=2'], '--var')).toEqual({ A: '2' })
  })

  it.each([['version'], ['=1.2.3'], ['']])(
    "refuses '%s' as a usage error naming the option",
    value => {
      const attempt = () => pairs(['ok=1', value], '--input')
      expect(attempt).toThrow(UsageError)
      expect(attempt).toThrow(`--input '${value}' is not name=value.`)
    }
  )

  it('escapes control characters of the value it refuses', () => {
    expect(() => pairs(['\u001b[31mred'], '--secret')).toThrow(
      "--secret '\\x1b[31mred' is not name=value."
    )
  })
})

describe('the product', () => {
  it('PRODUCT_ROOT is this checkout: the simulator and the action bundles are there', () => {
    expect(existsSync(join(PRODUCT_ROOT, 'packages/sim/bin/fargate-sim.mjs'))).toBe(true)
    expect(existsSync(join(PRODUCT_ROOT, 'actions/deploy-fargate/action.yml'))).toBe(true)
    expect(PRODUCT_REPOSITORY).toBe('fargate-promote/fargate-promote')
  })
})

const dispatch = (extra: Partial<RehearseOptions> = {}): RehearseOptions => ({
  event: 'workflow_dispatch',
  input: ['version=1.2.3'],
  timeScale: 600,
  json: true,
  ...extra
})

describe('rehearseCommand', () => {
  it('refuses an event other than push or workflow_dispatch before starting anything', async () => {
    const io = testIo({ cwd: app, env: hostEnv })
    const code = await rehearseCommand(
      '.github/workflows/promote.yml',
      { event: 'pull_request\u001b[2J' },
      io
    )
    expect(code).toBe(2)
    expect(io.stderr.text).toContain(
      "--event must be push or workflow_dispatch, not 'pull_request\\x1b[2J'."
    )
    expect(io.stdout.text).toBe('')
  })

  it('--json: the refused event is one { ok: false } document', async () => {
    const io = testIo({ cwd: app, env: hostEnv })
    const code = await rehearseCommand(
      '.github/workflows/promote.yml',
      { event: 'schedule', json: true },
      io
    )
    expect(code).toBe(2)
    expect(JSON.parse(io.stdout.text)).toEqual({
      ok: false,
      exitCode: 2,
      errors: [{ message: "--event must be push or workflow_dispatch, not 'schedule'." }]
    })
  })

  it('--approve and --reject of the same environment: exit 2, whichever other ones are named', async () => {
    const io = testIo({ cwd: app, env: hostEnv })
    const code = await rehearseCommand(
      '.github/workflows/promote.yml',
      dispatch({ json: false, approve: ['staging', 'production'], reject: ['dev', 'production'] }),
      io
    )
    expect(code).toBe(2)
    expect(io.stderr.text).toContain('--approve and --reject both name production.')
  }, 60_000)

  it('a workflow that cannot be rehearsed: exit 3, each problem said once, no report', async () => {
    writeFileSync(
      join(app, 'needs-input.yml'),
      'name: Needs\non:\n  workflow_dispatch:\n    inputs:\n      who: { required: true }\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ inputs.who }} ${{ vars.WHERE }}"\n'
    )
    const io = testIo({ cwd: app, env: hostEnv })
    // No time scale given: the default one.
    const code = await rehearseCommand('needs-input.yml', { event: 'workflow_dispatch' }, io)
    expect(code).toBe(3)
    const output = io.stdout.text + io.stderr.text
    expect(output.match(/Input who is required: give --input who=VALUE\./g)).toHaveLength(1)
    expect(output.match(/needs-input\.yml:10:14: .*Variable WHERE is not set/g)).toHaveLength(1)
    expect(output).not.toContain('HTML report')
  }, 60_000)

  it('takes the branch and commit from git, the repository and actor from the environment', async () => {
    const io = testIo({
      cwd: app,
      env: { ...hostEnv, GITHUB_REPOSITORY: 'acme/shop', GITHUB_ACTOR: 'octocat' }
    })
    const code = await rehearseCommand(
      '.github/workflows/promote.yml',
      dispatch({ approve: ['production'], node: process.execPath, strict: true }),
      io
    )
    expect(io.stderr.text).not.toMatch(/^error/m)
    expect(code).toBe(0)
    const document = parse(io.stdout.text)
    expect(document).toMatchObject({
      ref: 'refs/heads/main',
      sha: git(app, 'rev-parse', 'HEAD'),
      conclusion: 'success'
    })
    expect(document.jobs[0]?.steps[0]?.log).toContain(
      'gate for 1.2.3 by octocat in acme/shop on refs/heads/main'
    )
  }, 60_000)

  it('options win over git and the environment; without either: local/<directory> and "rehearsal"', async () => {
    const given = testIo({ cwd: app, env: { ...hostEnv, GITHUB_ACTOR: 'octocat' } })
    const sha = 'f'.repeat(40)
    expect(
      await rehearseCommand(
        '.github/workflows/promote.yml',
        dispatch({
          approve: ['production'],
          ref: 'refs/heads/main',
          sha,
          repo: 'acme/other',
          actor: 'dana'
        }),
        given
      )
    ).toBe(0)
    expect(parse(given.stdout.text)).toMatchObject({ sha })
    expect(parse(given.stdout.text).jobs[0]?.steps[0]?.log).toContain('by dana in acme/other')

    const plain = testIo({ cwd: app, env: hostEnv })
    expect(
      await rehearseCommand(
        '.github/workflows/promote.yml',
        dispatch({ approve: ['production'] }),
        plain
      )
    ).toBe(0)
    const directory = app.split('/').at(-1) as string
    expect(parse(plain.stdout.text).jobs[0]?.steps[0]?.log).toContain(
      `by rehearsal in local/${directory}`
    )
  }, 60_000)

  it('a detached HEAD rehearses as main, at that commit', async () => {
    const detached = mkdtempSync(join(tmpdir(), 'fp-rehearse-detached-'))
    try {
      mkdirSync(join(detached, '.github/workflows'), { recursive: true })
      writeFileSync(join(detached, '.github/fargate-promote.yml'), CONFIG)
      writeFileSync(join(detached, '.github/workflows/promote.yml'), PROMOTE)
      git(detached, 'init', '-q', '-b', 'main')
      git(detached, 'add', '-A')
      git(detached, 'commit', '-q', '-m', 'one')
      git(detached, 'commit', '-q', '--allow-empty', '-m', 'two')
      git(detached, 'checkout', '-q', '--detach', 'HEAD~1')
      const io = testIo({ cwd: detached, env: hostEnv })
      const code = await rehearseCommand(
        '.github/workflows/promote.yml',
        dispatch({ approve: ['production'] }),
        io
      )
      expect(code).toBe(0)
      expect(parse(io.stdout.text)).toMatchObject({
        ref: 'refs/heads/main',
        sha: git(detached, 'rev-parse', 'HEAD')
      })
    } finally {
      rmSync(detached, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('at a terminal: the person is asked to review the deployment', () => {
  /** A terminal's input where `answer` is typed once the question has been asked. */
  function answering(stderr: Captured, answer: string) {
    const input = Object.assign(new PassThrough(), { isTTY: true })
    let typed = false
    const write = stderr._write.bind(stderr)
    stderr._write = (chunk, encoding, done) => {
      write(chunk, encoding, done)
      if (!typed && stderr.text.includes('Approve? [y/N] ')) {
        typed = true
        input.end(`${answer}\n`)
      }
    }
    return input
  }

  async function review(answer: string) {
    const stdout = terminal()
    const stderr = terminal()
    const stdin = answering(stderr, answer)
    const code = await rehearseCommand(
      '.github/workflows/promote.yml',
      dispatch({ actor: 'dana' }),
      { stdout, stderr, stdin, cwd: app, env: { ...hostEnv, NO_COLOR: '1' } }
    )
    return { code, stdout: stdout.text, stderr: stderr.text }
  }

  it('"y" approves: the run goes on', async () => {
    const result = await review('y')
    expect(result.stderr).toContain(
      'Review deployments: production (job production) waits for alice-release. Approve? [y/N] '
    )
    expect(result.code).toBe(0)
    const production = parse(result.stdout).jobs[1]
    expect(production?.state).toBe('success')
    expect(production?.environment?.approval).toMatchObject({ decision: 'approved' })
  }, 60_000)

  it('anything else declines: the job fails, exit 1', async () => {
    const result = await review('no')
    expect(result.code).toBe(1)
    const production = parse(result.stdout).jobs[1]
    expect(production?.state).toBe('failure')
    expect(production?.environment?.approval).toMatchObject({ decision: 'rejected' })
  }, 60_000)

  it('--approve is not asked about', async () => {
    const stdout = terminal()
    const stderr = terminal()
    const stdin = Object.assign(new PassThrough(), { isTTY: true })
    const code = await rehearseCommand(
      '.github/workflows/promote.yml',
      dispatch({ approve: ['production'], json: false }),
      { stdout, stderr, stdin, cwd: app, env: hostEnv }
    )
    stdin.end()
    expect(code).toBe(0)
    expect(stderr.text).not.toContain('Approve?')
    // The table, in colour on a terminal.
    expect(stdout.text).toContain('\u001b[')
    expect(stdout.text).toMatch(/HTML report: \S+report\.html/)
  }, 60_000)
})

describe('the live tree on a terminal', () => {
  test('never shows more of a wait timer left than the timer is long', async () => {
    const stdout = Object.assign(terminal(), { columns: 120, rows: 40 })
    const stderr = terminal()
    const code = await rehearseCommand(
      '.github/workflows/promote.yml',
      { ...dispatch({ approve: ['production'], json: false }), timeScale: 60 },
      { stdout, stderr, cwd: app, env: { ...hostEnv, NO_COLOR: '1' } }
    )
    expect(code).toBe(0)
    const shown = [...stdout.text.matchAll(/wait timer of production: (?:(\d+)m )?(\d+)s left/g)]
    const seconds = shown.map(([, m, s]) => Number(m ?? 0) * 60 + Number(s))
    expect(seconds.filter(left => left > 300)).toEqual([])
  }, 60_000)
})

describe('through the command line', () => {
  it('--time-scale and --report reach the command', async () => {
    const stdout = new Captured()
    const stderr = new Captured()
    const code = await run(
      [
        'rehearse',
        '.github/workflows/promote.yml',
        '--event',
        'workflow_dispatch',
        '--input',
        'version=2.0.0',
        '--approve',
        'production',
        '--time-scale',
        '1200',
        '--report',
        'rehearsal.html',
        '--no-color'
      ],
      { stdout, stderr, cwd: app, env: hostEnv }
    )
    expect(stderr.text).toBe('')
    expect(code).toBe(0)
    expect(stdout.text).toContain(`HTML report: ${join(app, 'rehearsal.html')}`)
    expect(readFileSync(join(app, 'rehearsal.html'), 'utf8')).toContain('production')
    // Durations are the simulator's: the 5-minute wait timer is in the run's time.
    expect(stdout.text).toMatch(
      /Promote \(\.github\/workflows\/promote\.yml\): ✓ success in ([5-9]|\d\d)m/
    )
    expect(stdout.text).not.toContain('\u001b[')
  }, 60_000)
})

/**
 * `fargate-promote rehearse` end to end, in-process through run(): a small application
 * repository (the sample app's config with its own loopback ports, two tiny workflows, a
 * declared stand-in), the simulator started by the command (or one this test started, --sim),
 * the live lines, the final table, --json and the HTML report; and every way the command line
 * can be wrong.
 *
 * The config's load balancers listen on 27201-27203 (the demo's are 27101-27103), so this file
 * never collides with the demo test; every simulator is stopped before the next rehearsal.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs'
import type { RehearsalResult } from '@fargate-promote/rehearsal'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot } from './run-action.js'
import { RAW_CONTROL, runCli } from './cli-support.js'

/** The sample app's config, its load balancers moved to ports of this file. */
const CONFIG = readFileSync(
  join(repoRoot, 'examples/sample-app/.github/fargate-promote.yml'),
  'utf8'
).replace(/\b2710([123])\b/g, '2720$1')

const SHIP = `name: Ship
on:
  push:
    branches: [main, 'feature/**']
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      greeting: \${{ steps.hello.outputs.greeting }}
    steps:
      - uses: actions/checkout@v4
      - uses: acme/notify@v2
        id: notify
      - id: hello
        run: echo "greeting=hello \${{ steps.notify.outputs.channel }}" >> "$GITHUB_OUTPUT"
      - run: echo "notified $NOTIFIED"
  deploy-dev:
    needs: build
    runs-on: ubuntu-latest
    environment: dev
    steps:
      - run: echo "deploying \${{ needs.build.outputs.greeting }} to \${{ vars.REGION }}"
      - run: echo "as \${{ github.actor }} in \${{ github.repository }} with \${{ secrets.DEPLOY_TOKEN }}"
`

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
      - run: echo "gate for \${{ inputs.version }}"
  production:
    needs: gate
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: echo "deploying \${{ inputs.version }}"
`

/** Two variables nobody gives: line 7 column 14 and line 8 column 14 (the run: values). */
const NEEDS_VARS = `name: Needs vars
on: workflow_dispatch
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ vars.REGION }}"
      - run: echo "\${{ vars.TEAM }}"
`

/** \`branch:\` is no key of a push trigger: GitHub's parser refuses it at line 4, column 5. */
const BROKEN = `name: Broken
on:
  push:
    branch: [main]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`

const REHEARSAL_FILE = `stand-ins:
  acme/notify:
    note: posts nothing to chat
    outputs:
      channel: '#releases'
    env:
      NOTIFIED: 'yes'
`

/** What --json prints: the rehearsal's result and where its report is. */
type Document = RehearsalResult & { report: string }
const parse = (text: string) => JSON.parse(text) as Document

const env = { PATH: process.env.PATH, HOME: process.env.HOME }

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
let head: string

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'fp-cli-rehearse-'))
  mkdirSync(join(app, '.github/workflows'), { recursive: true })
  writeFileSync(join(app, '.github/fargate-promote.yml'), CONFIG)
  writeFileSync(join(app, '.github/rehearsal.yml'), REHEARSAL_FILE)
  writeFileSync(join(app, '.github/workflows/ship.yml'), SHIP)
  writeFileSync(join(app, '.github/workflows/promote.yml'), PROMOTE)
  writeFileSync(join(app, '.github/workflows/needs-vars.yml'), NEEDS_VARS)
  writeFileSync(join(app, '.github/workflows/broken.yml'), BROKEN)
  git(app, 'init', '-q', '-b', 'main')
  git(app, 'add', '-A')
  git(app, 'commit', '-q', '-m', 'shop 1.0.0')
  head = git(app, 'rev-parse', 'HEAD')
})

afterAll(() => rmSync(app, { recursive: true, force: true }))

const rehearse = (args: string[], cwd = app) => runCli(['rehearse', ...args], { cwd, env })

const SHIP_ARGS = ['.github/workflows/ship.yml', '--event', 'push', '--var', 'REGION=eu-west-1']
const FEATURE = ['--ref', 'refs/heads/feature/login']

describe('a push rehearsal', () => {
  test('of the checked-out branch (main) succeeds', async () => {
    const result = await rehearse([...SHIP_ARGS, '--secret', 'DEPLOY_TOKEN=abc123'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
  }, 60_000)

  test('succeeds: live lines, the table, the stand-ins, and an HTML report naming every job', async () => {
    const result = await rehearse([
      ...SHIP_ARGS,
      ...FEATURE,
      '--secret',
      'DEPLOY_TOKEN=abc123',
      '--report',
      'out/ship.html'
    ])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const out = result.stdout
    // The live lines as the jobs change (not a terminal: one plain line per change).
    expect(out).toMatch(/^\[\d+\.\ds\] build · queued$/m)
    expect(out).toMatch(/^\[\d+\.\ds\] deploy-dev ✓ success → dev \(\d+\.\ds\)$/m)
    // The table: a row per job, with its environment, state and (simulated) duration.
    expect(out).toMatch(/^Job\s+Environment\s+State\s+Duration\s+Note$/m)
    expect(out).toMatch(/^Ship \/ build\s+✓ success\s+\d+\.\ds$/m)
    expect(out).toMatch(/^Ship \/ deploy-dev\s+dev\s+✓ success\s+\d+\.\ds$/m)
    // The stand-ins: a built-in one and the one .github/rehearsal.yml declares, with its note.
    expect(out).toContain('Stand-ins (third-party actions replaced for the rehearsal)')
    expect(out).toContain('  actions/checkout → the repository on disk (the rehearsal runs in it)')
    expect(out).toContain('  acme/notify → posts nothing to chat')
    expect(out).toMatch(/^Ship \(\.github\/workflows\/ship\.yml\): ✓ success in \d/m)
    // --report is relative to the repository.
    const report = join(app, 'out/ship.html')
    expect(out.trimEnd().split('\n').at(-1)).toBe(`HTML report: ${report}`)
    const html = readFileSync(report, 'utf8')
    expect(html).toContain('Rehearsal of Ship')
    expect(html).toContain('build')
    expect(html).toContain('deploy-dev')
    expect(html).toContain('acme/notify')
    expect(html).not.toMatch(/<script/i)
    expect(out).not.toMatch(RAW_CONTROL)
  }, 60_000)

  test('--json: one document on stdout (conclusion, jobs, report), the live lines on stderr', async () => {
    const result = await rehearse([
      ...SHIP_ARGS,
      ...FEATURE,
      '--json',
      '--secret',
      'DEPLOY_TOKEN=s3cr3t-token-value',
      '--actor',
      'dana-dev',
      '--repo',
      'acme/shop',
      '--strict'
    ])
    expect(result.code).toBe(0)
    expect(result.stdout.trim().split('\n')).toHaveLength(1)
    const document = parse(result.stdout)
    expect(document).toMatchObject({
      workflow: '.github/workflows/ship.yml',
      title: 'Ship',
      event: 'push',
      ref: 'refs/heads/feature/login',
      sha: head,
      conclusion: 'success',
      standIns: {
        'actions/checkout': expect.any(String),
        'acme/notify': 'posts nothing to chat'
      }
    })
    expect(document.jobs.map(job => `${job.key} ${job.state}`)).toEqual([
      'build success',
      'deploy-dev success'
    ])
    expect(existsSync(document.report)).toBe(true)
    const deploy = document.jobs[1]
    expect(deploy?.environment).toMatchObject({ name: 'dev' })
    // The declared stand-in's env reached the later steps of its job, its output (through the
    // job's outputs) the next job; --var, --actor and --repo are the workflow's; the secret is
    // masked.
    expect(document.jobs[0]?.steps[3]?.log).toContain('notified yes')
    expect(document.jobs[0]?.steps[1]).toMatchObject({ kind: 'stand-in', uses: 'acme/notify@v2' })
    expect(deploy?.steps[0]?.log).toContain('deploying hello #releases to eu-west-1')
    expect(deploy?.steps[1]?.log).toContain('as dana-dev in acme/shop with ***')
    expect(result.stdout).not.toContain('s3cr3t-token-value')
    expect(result.stderr).not.toContain('s3cr3t-token-value')
    expect(result.stderr).toMatch(/deploy-dev ✓ success → dev/)
    expect(result.stderr).not.toContain('Job  ')
  }, 60_000)
})

describe('a workflow_dispatch rehearsal', () => {
  const PROMOTE_ARGS = [
    '.github/workflows/promote.yml',
    '--event',
    'workflow_dispatch',
    '--input',
    'version=1.2.3',
    // The production wait timer (5 min) is half a second here.
    '--time-scale',
    '600'
  ]

  test('--reject production: the job in environment production fails, "Rejected by", exit 1', async () => {
    const result = await rehearse([...PROMOTE_ARGS, '--reject', 'production', '--json'])
    expect(result.code).toBe(1)
    const document = parse(result.stdout)
    expect(document.conclusion).toBe('failure')
    const [gate, production] = document.jobs
    expect(gate?.state).toBe('success')
    // The input reached the workflow.
    expect(gate?.steps[0]?.log).toContain('gate for 1.2.3')
    expect(production).toMatchObject({
      key: 'production',
      state: 'failure',
      steps: [],
      environment: { name: 'production', approval: { decision: 'rejected' } }
    })
    expect(production?.environment?.approval?.by).toContain('--reject')
    expect(production?.reason).toMatch(/^Rejected by .*--reject/)
    expect(result.stderr).toMatch(/production: rejected by .*--reject/)
  }, 60_000)

  test('--reject in the table: the failed job with its reason', async () => {
    const result = await rehearse([...PROMOTE_ARGS, '--reject', 'production'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /^Promote \/ production\s+production\s+✗ failure\s+Rejected by .*--reject/m
    )
    expect(result.stdout).toMatch(/^Promote \(\.github\/workflows\/promote\.yml\): ✗ failure/m)
    // The table's durations are the simulator's, and it says so.
    expect(result.stdout).toContain('Durations are simulated time (600x real time)')
  }, 60_000)

  test('--approve production: approved, the wait timer kept (simulated minutes), exit 0', async () => {
    const result = await rehearse([...PROMOTE_ARGS, '--approve', 'production', '--json'])
    expect(result.code).toBe(0)
    const production = parse(result.stdout).jobs[1]
    expect(production?.state).toBe('success')
    expect(production?.environment?.approval).toMatchObject({
      decision: 'approved',
      by: expect.stringContaining('--approve'),
      waitTimerMs: 300_000
    })
    expect(production?.steps[0]?.log).toContain('deploying 1.2.3')
  }, 60_000)

  test('no decision and no terminal to ask: the job fails and says how to decide', async () => {
    const result = await rehearse(PROMOTE_ARGS)
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      'production needs the approval of alice-release: give --approve production or --reject production, or run in a terminal to be asked.'
    )
  }, 60_000)

  test('outside a git repository: ref main and a zero commit', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'fp-cli-rehearse-nogit-'))
    try {
      mkdirSync(join(bare, '.github/workflows'), { recursive: true })
      writeFileSync(join(bare, '.github/fargate-promote.yml'), CONFIG)
      writeFileSync(join(bare, '.github/workflows/promote.yml'), PROMOTE)
      const result = await rehearse([...PROMOTE_ARGS, '--approve', 'production', '--json'], bare)
      expect(result.code).toBe(0)
      expect(JSON.parse(result.stdout)).toMatchObject({
        ref: 'refs/heads/main',
        sha: '0'.repeat(40)
      })
    } finally {
      rmSync(bare, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('refused before anything runs', () => {
  test('a missing --var: exit 3, each variable named once with file:line:column', async () => {
    const result = await rehearse([
      '.github/workflows/needs-vars.yml',
      '--event',
      'workflow_dispatch'
    ])
    expect(result.code).toBe(3)
    const output = result.stdout + result.stderr
    for (const [name, place] of [
      ['REGION', '.github/workflows/needs-vars.yml:7:14'],
      ['TEAM', '.github/workflows/needs-vars.yml:8:14']
    ] as const) {
      const lines = output.split('\n').filter(line => line.includes(`Variable ${name} is not set`))
      // Printed twice before: by the live tree on stdout and again on stderr.
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(place)
      expect(lines[0]).toContain(`--var ${name}=VALUE`)
    }
    expect(output).not.toContain('HTML report')
  }, 60_000)

  test('--json: the problems are one { conclusion: "invalid" } document, exit 3', async () => {
    const result = await rehearse([
      '.github/workflows/needs-vars.yml',
      '--event',
      'workflow_dispatch',
      '--json'
    ])
    expect(result.code).toBe(3)
    expect(result.stdout.trim().split('\n')).toHaveLength(1)
    const document = JSON.parse(result.stdout) as { conclusion: string; problems: unknown[] }
    expect(document.conclusion).toBe('invalid')
    expect(document.problems).toEqual([
      expect.objectContaining({
        level: 'error',
        file: '.github/workflows/needs-vars.yml',
        line: 7,
        column: 14,
        message: 'Variable REGION is not set: give it with --var REGION=VALUE.'
      }),
      expect.objectContaining({ line: 8, column: 14, message: expect.stringContaining('TEAM') })
    ])
    // The live lines (the problems among them) went to stderr.
    expect(result.stderr).toContain('.github/workflows/needs-vars.yml:7:14')
  }, 60_000)

  test("a workflow that does not parse: exit 3 with the parser's line and column", async () => {
    const result = await rehearse(['.github/workflows/broken.yml', '--event', 'workflow_dispatch'])
    expect(result.code).toBe(3)
    expect(result.stdout + result.stderr).toMatch(
      /\.github\/workflows\/broken\.yml:4:5: .*Unexpected value 'branch'/
    )
  }, 60_000)

  test('a workflow file that does not exist: exit 3 naming it', async () => {
    const result = await rehearse(['.github/workflows/nope.yml', '--event', 'workflow_dispatch'])
    expect(result.code).toBe(3)
    expect(result.stdout + result.stderr).toContain('.github/workflows/nope.yml')
  }, 60_000)

  test('--event other than push or workflow_dispatch: exit 2, the choices named', async () => {
    const result = await rehearse(['.github/workflows/ship.yml', '--event', 'pull_request'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      "option '--event <name>' argument 'pull_request' is invalid. Allowed choices are push, workflow_dispatch."
    )
    expect(result.stdout).toBe('')
  })

  test('no --event: exit 2', async () => {
    const result = await rehearse(['.github/workflows/ship.yml'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("required option '--event <name>' not specified")
  })

  test('no config file: a clear error naming it, exit 3', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fp-cli-rehearse-noconfig-'))
    try {
      mkdirSync(join(empty, '.github/workflows'), { recursive: true })
      writeFileSync(join(empty, '.github/workflows/promote.yml'), PROMOTE)
      const result = await rehearse(
        ['.github/workflows/promote.yml', '--event', 'workflow_dispatch'],
        empty
      )
      expect(result.code).toBe(3)
      expect(result.stderr).toContain('.github/fargate-promote.yml')
      expect(result.stderr).toMatch(/cannot read/)
      expect(result.stdout).toBe('')
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })

  test('--config names a file that does not exist: exit 3 naming it', async () => {
    const result = await rehearse([
      '.github/workflows/promote.yml',
      '--event',
      'workflow_dispatch',
      '--config',
      '.github/other.yml'
    ])
    expect(result.code).toBe(3)
    expect(result.stderr).toContain("--config: cannot read '.github/other.yml'")
  })

  test('--input without "=": exit 2 naming --input', async () => {
    const result = await rehearse([
      '.github/workflows/promote.yml',
      '--event',
      'workflow_dispatch',
      '--input',
      'version'
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("--input 'version' is not name=value.")
  }, 60_000)

  test('--var and --secret without "=" name their option', async () => {
    const noVar = await rehearse([
      '.github/workflows/promote.yml',
      '--event',
      'workflow_dispatch',
      '--var',
      '=x'
    ])
    expect(noVar.code).toBe(2)
    expect(noVar.stderr).toContain("--var '=x' is not name=value.")
    const noSecret = await rehearse([
      '.github/workflows/promote.yml',
      '--event',
      'workflow_dispatch',
      '--secret',
      'TOKEN'
    ])
    expect(noSecret.code).toBe(2)
    expect(noSecret.stderr).toContain("--secret 'TOKEN' is not name=value.")
  }, 60_000)

  test('--approve X --reject X: exit 2', async () => {
    const result = await rehearse([
      '.github/workflows/promote.yml',
      '--event',
      'workflow_dispatch',
      '--input',
      'version=1',
      '--approve',
      'production',
      '--reject',
      'production'
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--approve and --reject both name production.')
  }, 60_000)

  test('--json: a usage error is one { ok: false } document', async () => {
    const result = await rehearse([
      '.github/workflows/promote.yml',
      '--event',
      'workflow_dispatch',
      '--input',
      'version',
      '--json'
    ])
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      exitCode: 2,
      errors: [{ message: "--input 'version' is not name=value." }]
    })
  }, 60_000)

  test('--time-scale 0: a usage error, exit 2', async () => {
    const result = await rehearse([
      '.github/workflows/promote.yml',
      '--event',
      'workflow_dispatch',
      '--time-scale',
      '0'
    ])
    expect(result.code).toBe(2)
  })

  test('--time-scale 0 is refused with a message naming it', async () => {
    const result = await rehearse([
      '.github/workflows/promote.yml',
      '--event',
      'workflow_dispatch',
      '--time-scale',
      '0'
    ])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain(
      "--time-scale <n>' argument '0' is invalid. must be a positive number, not '0'."
    )
    expect(result.stdout).toBe('')
  })
})

describe('--sim: a simulator someone else started', () => {
  let sim: Sim | undefined
  afterEach(async () => {
    await sim?.stop()
    sim = undefined
  })

  const promote = (url: string, ...extra: string[]) =>
    rehearse([
      '.github/workflows/promote.yml',
      '--event',
      'workflow_dispatch',
      '--input',
      'version=1.2.3',
      '--approve',
      'production',
      '--sim',
      url,
      ...extra
    ])

  test('is seeded from the config, used, and left running', async () => {
    sim = await startSim({ virtualTime: true, timeScale: 600 })
    const result = await promote(`${sim.url}/`)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    // Seeded: the load balancers on the config's loopback URLs, the clusters, the services.
    const { listeners } = (await (await fetch(`${sim.url}/_sim/listeners`)).json()) as {
      listeners: { loadBalancerName: string; url: string }[]
    }
    expect(listeners.map(l => `${l.loadBalancerName} ${l.url}`).sort()).toEqual([
      'shop-dev http://127.0.0.1:27201',
      'shop-production http://127.0.0.1:27203',
      'shop-staging http://127.0.0.1:27202'
    ])
    const ecs = new ECSClient({
      endpoint: sim.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
    })
    try {
      const { clusters } = await ecs.send(
        new DescribeClustersCommand({ clusters: ['shop-dev', 'shop-staging', 'shop-production'] })
      )
      expect(clusters?.map(c => c.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE'])
    } finally {
      ecs.destroy()
    }
    // Still running: the command stops only a simulator it started.
    const clock = await fetch(`${sim.url}/_sim/clock`)
    expect(clock.ok).toBe(true)
    // The load balancer of production answers on its loopback port, from the sim's tasks.
    expect((await fetch('http://127.0.0.1:27203/health')).status).toBe(200)
  }, 60_000)

  test('can rehearse twice against the same simulator', async () => {
    sim = await startSim({ virtualTime: true, timeScale: 600 })
    expect((await promote(sim.url)).code).toBe(0)
    const second = await promote(sim.url)
    expect(second.stderr).toBe('')
    expect(second.code).toBe(0)
  }, 60_000)

  test('after POST /_sim/reset the same simulator takes another rehearsal', async () => {
    sim = await startSim({ virtualTime: true, timeScale: 600 })
    expect((await promote(sim.url)).code).toBe(0)
    expect((await fetch(`${sim.url}/_sim/reset`, { method: 'POST' })).ok).toBe(true)
    const second = await promote(sim.url)
    expect(second.stderr).toBe('')
    expect(second.code).toBe(0)
  }, 60_000)

  test('a usage error leaves the --sim simulator untouched', async () => {
    sim = await startSim({ virtualTime: true, timeScale: 600 })
    const result = await promote(sim.url, '--input', 'broken')
    expect(result.code).toBe(2)
    const { listeners } = (await (await fetch(`${sim.url}/_sim/listeners`)).json()) as {
      listeners: unknown[]
    }
    expect(listeners).toEqual([])
  }, 60_000)

  test('a simulator that scales durations without virtual time is refused', async () => {
    sim = await startSim({ timeScale: 10 })
    const result = await promote(sim.url)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `The simulator at ${sim.url} scales durations without virtual time: start it with --virtual-time.`
    )
    expect(result.stdout).toBe('')
  })

  test('a URL where no simulator answers: exit 1 and an error', async () => {
    const result = await promote('http://127.0.0.1:1')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error /)
  })
})

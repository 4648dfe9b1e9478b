/**
 * Canary secrets through the fargate-promote CLI, run in-process against the sim: its
 * environment's tokens and keys, a task-definition file and `--environment-variables` with
 * secret values, checks with auth headers, URL passwords and a command printing its secret env,
 * the config file's; deploy, verify and status in table and `--json` output, passing and
 * failing. Nothing masks a terminal's output, so stdout and stderr must hold no canary in any
 * encoding, nor the sim's GitHub and ECS records. The rehearsal's live lines, table, `--json`
 * and HTML report are searched for a `--secret` a workflow prints plain, base64-encoded, into
 * its outputs, summary and an annotation.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { runCli, type CliRun } from '../../e2e/cli-support.js'
import { findLeaks, makeCanaries } from './canaries.js'
import { simRecords } from './evidence.js'
import {
  createWorkspace,
  scenario,
  startEndpoint,
  type Endpoint,
  type Workspace
} from './fixtures.js'

const canaries = makeCanaries()
let sim: Sim
let endpoint: Endpoint
let workspace: Workspace

beforeAll(async () => {
  sim = await startSim({ scenario: scenario(canaries), timeScale: 40 })
  endpoint = await startEndpoint()
  workspace = createWorkspace(canaries, endpoint.url)
}, 60_000)

afterAll(async () => {
  await endpoint?.stop()
  await sim?.stop()
  workspace?.remove()
})

/** The environment a developer's shell gives: real-looking keys and tokens, all canaries. */
const env = () => ({
  AWS_ENDPOINT_URL: sim.url,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: canaries['cli-aws-secret'],
  AWS_SESSION_TOKEN: canaries['cli-aws-session'],
  GITHUB_API_URL: `${sim.url}/github`,
  GH_TOKEN: canaries['cli-github-token'],
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SHA: '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f',
  GITHUB_ACTOR: 'alice'
})

async function cli(args: string[]): Promise<CliRun> {
  const result = await runCli(args, { env: env(), cwd: workspace.root })
  const texts = {
    [`${args.join(' ')}: stdout`]: result.stdout,
    [`${args.join(' ')}: stderr`]: result.stderr,
    ...simRecords(sim)
  }
  expect(findLeaks(texts, canaries)).toEqual([])
  return result
}

const FAST = ['--poll-interval', '100ms', '--timeout', '2m']
const DEPLOY = [
  'deploy',
  '--environment',
  'staging',
  '--task-definition',
  'td.json',
  '--environment-variables',
  `web.CACHE_PASSWORD=${canaries['env-input']}`,
  ...FAST
]

describe('deploy', () => {
  test('a dry run, --verbose', async () => {
    const result = await cli([
      ...DEPLOY,
      '--images',
      'web=registry.example.com/shop/web:1.1.0',
      '--dry-run',
      '--verbose'
    ])
    expect(result.code).toBe(0)
  }, 60_000)

  test('a failed rollout (-crash), --json', async () => {
    const result = await cli([
      ...DEPLOY,
      '--images',
      'web=registry.example.com/shop/web:2.0.0-crash',
      '--json'
    ])
    expect(result.code).not.toBe(0)
  }, 60_000)

  test('a successful rollout, as a table', async () => {
    const result = await cli([
      ...DEPLOY,
      '--images',
      'web=registry.example.com/shop/web:1.1.0',
      '--version',
      '1.1.0'
    ])
    expect(result.code).toBe(0)
  }, 60_000)
})

describe('verify', () => {
  const VERIFY = ['verify', '--interval', '100ms', '--consecutive-successes', '1']

  test('passing checks, as a table', async () => {
    const result = await cli([...VERIFY, '--checks', 'checks-pass.yml', '--timeout', '10s'])
    expect(result.code).toBe(0)
  }, 60_000)

  test('failing checks whose endpoint echoes the request, --json and --verbose', async () => {
    const result = await cli([
      ...VERIFY,
      '--checks',
      'checks-fail.yml',
      '--timeout',
      '1s',
      '--json',
      '--verbose'
    ])
    expect(result.code).not.toBe(0)
  }, 60_000)

  test("the config file's checks", async () => {
    const result = await cli([...VERIFY, '--environment', 'staging', '--timeout', '10s'])
    expect(result.code).toBe(0)
  }, 60_000)
})

describe('status', () => {
  test.each([[[]], [['--json']], [['--markdown']]])(
    '%p',
    async flags => {
      const result = await cli(['status', ...flags])
      expect(result.stdout).toContain('staging')
    },
    60_000
  )
})

/** A workflow that prints its secret every way a careless step does. */
const LEAKY = `name: Leaky
on: workflow_dispatch
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      token: \${{ steps.out.outputs.token }}
    steps:
      - run: echo "plain \${{ secrets.DEPLOY_TOKEN }}"
      - run: printf %s "$TOKEN" | base64
        env: { TOKEN: "\${{ secrets.DEPLOY_TOKEN }}" }
      - run: printf 'user:%s' "$TOKEN" | base64
        env: { TOKEN: "\${{ secrets.DEPLOY_TOKEN }}" }
      - id: out
        run: echo "token=\${{ secrets.DEPLOY_TOKEN }}" >> "$GITHUB_OUTPUT"
      - run: echo "summary \${{ secrets.DEPLOY_TOKEN }}" >> "$GITHUB_STEP_SUMMARY"
      - run: echo "::warning title=token::warn \${{ secrets.DEPLOY_TOKEN }}"
  next:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo "got \${{ needs.build.outputs.token }}"
      - run: exit 1
`

/** One environment the rehearsal's simulator stands up, on a loopback port of this file's. */
const REHEARSAL_CONFIG = `version: 1
application: shop
environments:
  dev:
    region: eu-west-1
    cluster: shop-dev
    services: [{ name: web, containers: [web] }]
    url: http://127.0.0.1:27401
`

describe('rehearse', () => {
  let app: string

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'secrets-rehearse-'))
    mkdirSync(join(app, '.github/workflows'), { recursive: true })
    writeFileSync(join(app, '.github/workflows/leaky.yml'), LEAKY)
    writeFileSync(join(app, '.github/fargate-promote.yml'), REHEARSAL_CONFIG)
  })

  afterAll(() => rmSync(app, { recursive: true, force: true }))

  test.each([[['--report', 'out/report.html']], [['--json']]])(
    '%p: the live lines, the table or document, and the HTML report',
    async flags => {
      const result = await runCli(
        [
          'rehearse',
          '.github/workflows/leaky.yml',
          '--event',
          'workflow_dispatch',
          '--secret',
          `DEPLOY_TOKEN=${canaries['rehearsal-secret']}`,
          ...flags
        ],
        { env: { PATH: process.env.PATH, HOME: app }, cwd: app }
      )
      expect(result.code).toBe(1)
      const report = flags.includes('--json')
        ? (JSON.parse(result.stdout) as { report: string }).report
        : join(app, 'out/report.html')
      const texts = {
        stdout: result.stdout,
        stderr: result.stderr,
        'HTML report': readFileSync(report, 'utf8')
      }
      expect(findLeaks(texts, canaries)).toEqual([])
    },
    60_000
  )
})

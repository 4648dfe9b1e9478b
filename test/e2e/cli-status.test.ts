/**
 * `fargate-promote status` end to end against the sim: after a deploy through the CLI, the board
 * shows what staging runs (version, revision, digests), the GitHub deployment that put it there
 * (verified, by whom), the soak left, and production's cluster that cannot be read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot } from './run-action.js'
import { RAW_CONTROL, SIM_CONFIG, runCli, simEnv } from './cli-support.js'

let sim: Sim
let app: string

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
  app = mkdtempSync(join(tmpdir(), 'fp-cli-status-'))
  mkdirSync(join(app, '.github'))
  writeFileSync(join(app, '.github/fargate-promote.yml'), SIM_CONFIG)
  const deployed = await runCli(
    [
      'deploy',
      '--environment',
      'staging',
      '--image',
      'registry.example.com/shop/web:1.1.0',
      '--version',
      '1.1.0',
      '--poll-interval',
      '100ms'
    ],
    { env: simEnv(sim.url), cwd: app }
  )
  if (deployed.code !== 0) throw new Error(`the deploy failed: ${deployed.stderr}`)
}, 90_000)

afterAll(async () => {
  rmSync(app, { recursive: true, force: true })
  await sim.stop()
})

const status = (args: string[] = [], env: Record<string, string> = {}) =>
  runCli(['status', ...args], { env: simEnv(sim.url, env), cwd: app })

test('a table of every environment, in the order of the config', async () => {
  const result = await status()
  expect(result.code).toBe(0)
  const lines = result.stdout.split('\n')
  expect(lines[0]).toMatch(
    /^ENVIRONMENT\s+SERVICE\s+VERSION\s+REVISION\s+TASKS\s+IMAGES\s+DEPLOYED\s+BY\s+VERIFIED\s+SOAK\s+APPROVALS$/
  )
  expect(lines[1]).toMatch(
    /^staging\s+web\s+1\.1\.0\s+web:2\s+2\/2\s+web@sha256:[0-9a-f]{12}\s+\S+ ago\s+\S+\s+verified\s+(29m \d+s|30m) left\s+(unknown|none)$/
  )
  expect(lines[2]).toMatch(/^production\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+none\s+-\s+(unknown|none)$/)
  expect(result.stdout).toContain('production: ECS could not be read:')
  expect(result.stdout + result.stderr).not.toMatch(RAW_CONTROL)
}, 30_000)

test('--json: the same board as one document', async () => {
  const result = await status(['--json'])
  expect(result.code).toBe(0)
  const board = JSON.parse(result.stdout)
  expect(board).toMatchObject({
    ok: true,
    repository: 'acme/shop',
    config: '.github/fargate-promote.yml',
    environments: [
      {
        name: 'staging',
        verification: 'verified',
        services: [
          {
            service: 'web',
            version: '1.1.0',
            revision: 'web:2',
            serving: true,
            images: { web: [expect.stringMatching(/^registry\.example\.com\/shop\/web@sha256:/)] }
          }
        ],
        deployment: { state: 'success', version: '1.1.0', creator: expect.any(String) },
        soak: { requiredMs: 1_800_000 }
      },
      { name: 'production', services: [], ecsError: expect.any(String), deployment: null }
    ]
  })
  expect(result.stderr).toBe('')
}, 30_000)

test('--markdown: a GitHub table with every cell escaped', async () => {
  const result = await status(['--markdown'])
  expect(result.code).toBe(0)
  const lines = result.stdout.split('\n')
  expect(lines[0]).toBe(
    '| environment | service | version | revision | tasks | images | deployed | by | verified | soak | approvals |'
  )
  expect(lines[1]).toBe('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  expect(lines[2]).toMatch(/^\| staging \| web \| 1\.1\.0 \| web:2 \| 2\/2 \| web@sha256:/)
  // The sim's creator is a bot: `[bot]` would start a Markdown link.
  expect(lines[2]).toContain('| github-actions&#91;bot&#93; | verified |')
}, 30_000)

test('without a token the ECS part is shown and GitHub says why it was not read', async () => {
  const result = await status([], { GH_TOKEN: '', GITHUB_TOKEN: '' })
  expect(result.code).toBe(0)
  expect(result.stdout).toMatch(/^staging\s+web\s+1\.1\.0\s+web:2\s.*\sunknown\s/m)
  expect(result.stdout).toContain('GitHub was not read: no token (set GH_TOKEN or GITHUB_TOKEN).')
}, 30_000)

test('a run waiting for production’s reviewers is listed (unknown where the sim has no waiting runs)', async () => {
  const declared = await fetch(`${sim.url}/_sim/github/waiting`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      repository: 'acme/shop',
      runId: 4242,
      workflow: 'Promote',
      environment: 'production',
      reviewers: [
        { type: 'User', login: 'alice-release' },
        { type: 'Team', slug: 'shop-org/platform' }
      ],
      headBranch: 'main',
      actor: 'bob'
    })
  })
  const result = await status()
  expect(result.code).toBe(0)
  if (declared.status === 404) {
    expect(result.stdout).toMatch(/^production\s.*\sunknown$/m)
    return
  }
  expect(declared.ok).toBe(true)
  expect(result.stdout).toMatch(/^production\s.*\s1 waiting$/m)
  expect(result.stdout).toMatch(
    /^production: run 4242 \(Promote on main by bob\) waits for alice-release, \S*platform \S+\/actions\/runs\/4242$/m
  )
  const json = JSON.parse((await status(['--json'])).stdout)
  expect(json.environments[1].approvals).toEqual([
    expect.objectContaining({ environment: 'production', runId: 4242, actor: 'bob' })
  ])
  expect(json.environments[0].approvals).toEqual([])
}, 30_000)

/**
 * `fargate-promote init` writing into a temporary application repository: from flags, and from
 * the clusters and services of the sim's ECS account when a person answers at a terminal.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfigText } from '@fargate-promote/promotion'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot } from './run-action.js'
import { runCli, typed } from './cli-support.js'

const TEMPLATES = `${repoRoot}/workflows-templates`
const CONFIG = '.github/fargate-promote.yml'

let app: string

beforeEach(() => {
  app = mkdtempSync(join(tmpdir(), 'fp-init-'))
})

afterEach(() => rmSync(app, { recursive: true, force: true }))

const FLAGS = [
  '--region',
  'eu-west-1',
  '--cluster',
  'dev=shop-dev',
  '--cluster',
  'staging=shop-staging',
  '--cluster',
  'production=shop-production',
  '--service',
  'web',
  '--service',
  'worker:worker,metrics',
  '--reviewer',
  'alice',
  '--reviewer',
  'shop-org/platform',
  '--role',
  'production=arn:aws:iam::333333333333:role/deploy',
  '--url',
  'production=https://shop.example.com'
]

const init = (...args: string[]) => runCli(['init', ...args], { cwd: app, env: {} })
const read = (path: string) => readFileSync(join(app, path), 'utf8')

/** What init must copy, from the templates as they are now (the set changes). */
function expectedTemplates(dir: string): string[] {
  const workflows = readdirSync(dir)
    .filter(name => name.endsWith('.yml') && name !== 'fargate-promote.yml')
    .map(name =>
      name === 'dependabot.yml' ? '.github/dependabot.yml' : `.github/workflows/${name}`
    )
  const health = existsSync(join(dir, 'health'))
    ? readdirSync(join(dir, 'health')).map(name => `.github/health/${name}`)
    : []
  return [...workflows, ...health]
}

describe('init from flags', () => {
  it('writes a config that validates and a copy of every template', async () => {
    const result = await init(...FLAGS)
    expect(result).toMatchObject({ code: 0, stderr: '' })
    const loaded = await parseConfigText(read(CONFIG), CONFIG)
    const { environments } = loaded.config
    expect(Object.keys(environments)).toEqual(['dev', 'staging', 'production'])
    expect(environments.dev).toMatchObject({
      cluster: 'shop-dev',
      region: 'eu-west-1',
      'desired-count': 1
    })
    expect(environments.staging).toMatchObject({
      'desired-count': 2,
      soak: '30m',
      protection: { branches: ['main'] }
    })
    expect(environments.dev?.url).toBeUndefined()
    expect(environments.production).toMatchObject({
      role: 'arn:aws:iam::333333333333:role/deploy',
      url: 'https://shop.example.com',
      'desired-count': 3,
      monitor: '24h',
      services: [
        { name: 'web', containers: ['web'] },
        { name: 'worker', containers: ['worker', 'metrics'] }
      ],
      protection: {
        reviewers: { users: ['alice'], teams: ['shop-org/platform'] },
        'wait-timer': 5,
        'prevent-self-review': true,
        branches: ['main']
      }
    })
    // Editors check the file against the published schema; no YAML anchors for a person to untangle.
    expect(read(CONFIG).split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=https:\/\/.*fargate-promote\.schema\.json$/
    )
    expect(read(CONFIG)).not.toMatch(/[&*]a\d/)

    for (const path of expectedTemplates(TEMPLATES)) {
      const source = path.startsWith('.github/health/')
        ? join(TEMPLATES, 'health', path.slice('.github/health/'.length))
        : join(TEMPLATES, path.slice(path.lastIndexOf('/') + 1))
      expect(read(path)).toBe(readFileSync(source, 'utf8'))
      expect(result.stdout).toContain(`wrote ${path}\n`)
    }
    expect(existsSync(join(app, '.github/workflows/fargate-promote.yml'))).toBe(false)
  })

  it('copies whatever templates there are: a new workflow and health file appear in the copy', async () => {
    const templates = mkdtempSync(join(tmpdir(), 'fp-templates-'))
    mkdirSync(join(templates, 'health'))
    writeFileSync(join(templates, 'canary.yml'), 'name: canary\n')
    writeFileSync(join(templates, 'notes.md'), 'not a template\n')
    writeFileSync(join(templates, 'health', 'dev.yml'), '- name: health\n')
    const result = await init(...FLAGS, '--templates', templates, '--json')
    rmSync(templates, { recursive: true, force: true })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      directory: app,
      written: [CONFIG, '.github/health/dev.yml', '.github/workflows/canary.yml']
    })
    expect(read('.github/workflows/canary.yml')).toBe('name: canary\n')
    expect(existsSync(join(app, '.github/workflows/notes.md'))).toBe(false)
  })

  it('refuses to overwrite without --force (exit 1, nothing written), overwrites with it', async () => {
    mkdirSync(join(app, '.github/workflows'), { recursive: true })
    writeFileSync(join(app, '.github/workflows/dev.yml'), 'mine\n')
    const refused = await init(...FLAGS)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(
      'These files exist, and nothing was written: .github/workflows/dev.yml.'
    )
    expect(refused.stderr).toContain('--force')
    expect(read('.github/workflows/dev.yml')).toBe('mine\n')
    expect(existsSync(join(app, CONFIG))).toBe(false)

    expect((await init(...FLAGS, '--force')).code).toBe(0)
    expect(read('.github/workflows/dev.yml')).toBe(readFileSync(join(TEMPLATES, 'dev.yml'), 'utf8'))
  })

  it('writes into --dir, relative to the working directory', async () => {
    const result = await init(...FLAGS, '--dir', 'service')
    expect(result.code).toBe(0)
    expect(existsSync(join(app, 'service', CONFIG))).toBe(true)
  })

  const usage: { name: string; args: string[]; message: string }[] = [
    {
      name: 'a cluster name the schema refuses, named by its flag',
      args: ['--region', 'eu-west-1', '--cluster', 'shop dev', '--service', 'web'],
      message:
        "--cluster (environments.dev.cluster): must be the ECS cluster name: letters, digits, '-' and '_'."
    },
    {
      name: 'a URL the schema refuses, named by its flag',
      args: [
        '--region',
        'eu-west-1',
        '--cluster',
        'shop',
        '--service',
        'web',
        '--url',
        'dev=ftp://x'
      ],
      message: '--url (environments.dev.url): '
    },
    {
      name: 'an environment without a cluster',
      args: ['--region', 'eu-west-1', '--cluster', 'dev=shop-dev', '--service', 'web'],
      message:
        "No cluster for 'staging', 'production': give --cluster NAME for all, or --cluster staging=NAME."
    },
    {
      name: 'a cluster for an environment that is not listed',
      args: ['--region', 'eu-west-1', '--cluster', 'qa=x', '--service', 'web'],
      message: "--cluster qa=x: 'qa' is not one of --environments (dev,staging,production)."
    },
    {
      name: 'no service and no terminal to ask on',
      args: ['--region', 'eu-west-1', '--cluster', 'shop'],
      message: 'No service: give --service NAME (repeatable), or run init on a terminal to choose.'
    },
    {
      name: 'no region',
      args: ['--cluster', 'shop', '--service', 'web'],
      message: 'No region: give --region or set AWS_REGION.'
    },
    {
      name: 'an environment named twice',
      args: [
        '--environments',
        'dev,dev',
        '--region',
        'eu-west-1',
        '--cluster',
        'shop',
        '--service',
        'web'
      ],
      message: '--environments names an environment twice: dev,dev.'
    }
  ]

  it.each(usage)('usage error (exit 2): $name', async ({ args, message }) => {
    const result = await init(...args)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
    expect(existsSync(join(app, '.github'))).toBe(false)
  })

  it('one environment alone is the production-like one', async () => {
    const result = await init(
      '--environments',
      'prod',
      '--region',
      'us-east-1',
      '--cluster',
      'main',
      '--service',
      'api',
      '--yes'
    )
    expect(result.code).toBe(0)
    const { prod } = (await parseConfigText(read(CONFIG), CONFIG)).config.environments
    expect(prod).toMatchObject({
      monitor: '24h',
      protection: { 'wait-timer': 5, branches: ['main'] }
    })
  })
})

describe("init from the account's clusters and services (a terminal, no flags)", () => {
  let sim: Sim
  const filler = Array.from({ length: 105 }, (_, i) => `other-${String(i).padStart(3, '0')}`)
  const container = (name: string) => ({
    name,
    image: `registry.example.com/${name}:1`,
    essential: true
  })
  const taskDefinition = (family: string, names: string[]) => ({
    family,
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    containerDefinitions: names.map(container)
  })
  const dev = ['web', 'worker', 'api', ...Array.from({ length: 9 }, (_, i) => `svc-${i + 1}`)]

  beforeAll(async () => {
    sim = await startSim({
      scenario: {
        region: 'eu-west-1',
        clusters: ['shop-dev', 'shop-staging', 'shop-production', ...filler],
        taskDefinitions: [
          taskDefinition('web', ['web', 'log-router']),
          taskDefinition('worker', ['worker']),
          taskDefinition('api', ['app', 'xray'])
        ],
        services: dev.map(name => ({
          cluster: 'shop-dev',
          name,
          taskDefinition: ['web', 'worker', 'api'].includes(name) ? name : 'worker',
          desiredCount: 0
        }))
      }
    })
  }, 60_000)

  afterAll(async () => {
    await sim.stop()
  })

  it('offers every cluster and service (all pages), and writes what was chosen', async () => {
    const env = {
      AWS_ENDPOINT_URL: sim.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'eu-west-1',
      CI: 'true'
    }
    // dev: the default (the cluster named like it); staging: a typo, then its number (108:
    // on ListClusters' second page); production by name; services by number and by name.
    const stdin = typed([
      '',
      'nope',
      '108',
      'shop-production',
      '1 web,api',
      'alice shop-org/platform'
    ])
    const result = await runCli(['init'], { cwd: app, env, stdin, tty: true })
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('other-104')
    expect(result.stderr).toContain('Cluster of dev (number or name) [shop-dev]: ')
    expect(result.stderr).toMatch(/^ +12 {2}worker$/m)
    const listCalls = sim
      .calls()
      .filter(call => call.service === 'ecs' && call.operation.startsWith('List'))
    expect(listCalls.filter(call => call.operation === 'ListClusters').length).toBeGreaterThan(1)
    expect(listCalls.filter(call => call.operation === 'ListServices').length).toBeGreaterThan(1)
    expect(sim.calls().filter(call => call.mutating)).toEqual([])

    const { environments } = (await parseConfigText(read(CONFIG), CONFIG)).config
    expect(Object.values(environments).map(e => e.cluster)).toEqual([
      'shop-dev',
      'shop-staging',
      'shop-production'
    ])
    expect(environments.staging?.services).toEqual([
      { name: 'api', containers: ['app'] },
      { name: 'web', containers: ['web'] }
    ])
    expect(environments.production?.protection.reviewers).toEqual({
      users: ['alice'],
      teams: ['shop-org/platform']
    })
  }, 60_000)

  const awsEnv = () => ({
    AWS_ENDPOINT_URL: sim.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    CI: 'true'
  })

  it('asks for the region when none is set; a region without clusters is a failure, nothing written', async () => {
    const stdin = typed(['us-west-2'])
    const result = await runCli(['init'], { cwd: app, env: awsEnv(), stdin, tty: true })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('AWS region: ')
    expect(result.stderr).toContain(
      'No ECS cluster in us-west-2. Create the clusters first, or give --cluster and --service.'
    )
    expect(existsSync(join(app, '.github'))).toBe(false)
  })

  it('a cluster without services, and input that ends, are failures', async () => {
    const env = { ...awsEnv(), AWS_REGION: 'eu-west-1' }
    const empty = await runCli(['init', '--environments', 'staging'], {
      cwd: app,
      env,
      stdin: typed(['shop-staging']),
      tty: true
    })
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('Cluster shop-staging has no service.')
    const ended = await runCli(['init'], { cwd: app, env, stdin: typed([]), tty: true })
    expect(ended.code).toBe(1)
    expect(ended.stderr).toContain('No answer: the input ended.')
  })

  it('takes roles and reviewers from flags, and asks only for clusters and services', async () => {
    const env = { ...awsEnv(), AWS_ENDPOINT_URL: undefined, AWS_ENDPOINT_URL_ECS: sim.url }
    const stdin = typed(['shop-dev', 'web'])
    const args = [
      'init',
      '--environments',
      'dev',
      '--region',
      'eu-west-1',
      '--reviewer',
      'bob',
      '--role',
      'dev=arn:aws:iam::111111111111:role/d'
    ]
    const result = await runCli(args, { cwd: app, env, stdin, tty: true })
    expect(result.code).toBe(0)
    expect(result.stderr).not.toContain('Reviewers of')
    const { dev } = (await parseConfigText(read(CONFIG), CONFIG)).config.environments
    expect(dev).toMatchObject({
      role: 'arn:aws:iam::111111111111:role/d',
      services: [{ name: 'web', containers: ['web'] }],
      protection: { reviewers: { users: ['bob'], teams: [] } }
    })
  })
})

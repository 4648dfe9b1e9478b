/**
 * The published CLI as a user gets it: the tarball scripts/pack-cli.mjs makes (as the release
 * workflow does: the package staged in a temporary folder, the CLI bundled by
 * scripts/build-cli.mjs), installed offline into an empty folder — it needs nothing from a
 * registry — and `fargate-promote` run from node_modules/.bin on this machine's Node (the
 * package asks for Node 22+, but an install on Node 20 must still run), or imported.
 *
 * The rehearsal's config listens on 27301-27303 (the demo's 27101-27103, cli-rehearse's
 * 27201-27203), so this file never collides with them.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { repoRoot } from './run-action.js'

interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

interface PackResult {
  name: string
  version: string
  filename: string
  size: number
  unpackedSize: number
  files: { path: string }[]
}

const work = mkdtempSync(join(tmpdir(), 'cli-pack-'))
const app = join(work, 'app')
const cliPackage = join(repoRoot, 'packages/cli')
const manifest = JSON.parse(readFileSync(join(cliPackage, 'package.json'), 'utf8')) as {
  version: string
}
/** packages/cli before packing: packing must leave the working tree as it was. */
const cliFolder = readdirSync(cliPackage).sort()
const actions = ['deploy-fargate', 'health-verify', 'rollback', 'staging-gate']

/** What a user's shell has: this Node first on PATH, no GITHUB_* run, no jest NODE_OPTIONS. */
const env = {
  PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: work,
  LANG: 'C.UTF-8',
  npm_config_cache: join(work, 'npm-cache'),
  npm_config_update_notifier: 'false'
}

function run(command: string, args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

const cli = (args: string[], cwd: string) =>
  run(join(app, 'node_modules/.bin/fargate-promote'), args, cwd)

/** A folder with a .github/ config and a first commit on main, as an application repository. */
async function repository(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(work, name)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  const git = (...args: string[]) =>
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], dir)
  await git('init', '-q', '-b', 'main')
  await git('add', '-A')
  await git('commit', '-q', '-m', 'first')
  return dir
}

let packed: PackResult
const timings: Record<string, number> = {}

beforeAll(async () => {
  let started = Date.now()
  const pack = await run(
    process.execPath,
    [join(repoRoot, 'scripts/pack-cli.mjs'), '--destination', work],
    repoRoot
  )
  timings.pack = Date.now() - started
  if (pack.code !== 0) throw new Error(`pack-cli failed:\n${pack.stderr}`)
  packed = (JSON.parse(pack.stdout) as PackResult[])[0] as PackResult
  mkdirSync(app)
  // Its own package.json, so npm installs here and not into a folder above.
  writeFileSync(join(app, 'package.json'), '{ "private": true }\n')
  started = Date.now()
  const install = await run(
    'npm',
    ['install', join(work, packed.filename), '--offline', '--no-audit', '--no-fund'],
    app
  )
  timings.install = Date.now() - started
  if (install.code !== 0) throw new Error(`npm install failed:\n${install.stderr}`)
}, 120_000)

afterAll(() => {
  process.stderr.write(
    `cli-pack: npm pack ${timings.pack} ms, npm install ${timings.install} ms, tarball ${packed?.size} bytes (${packed?.unpackedSize} unpacked)\n`
  )
  rmSync(work, { recursive: true, force: true })
})

describe('the packed CLI', () => {
  it('holds the bundle, what rehearse and init read, and no TypeScript source', () => {
    const paths = packed.files.map(file => file.path)
    expect(packed).toMatchObject({ name: '@fargate-promote/cli', version: manifest.version })
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'bin/fargate-promote.js',
        'dist/index.js',
        'dist/licenses.txt',
        'dist/packages/sim/bin/fargate-sim.mjs',
        'dist/packages/rehearsal/tools/yq',
        'dist/workflows-templates/fargate-promote.yml',
        ...actions.flatMap(name => [
          `dist/actions/${name}/action.yml`,
          `dist/actions/${name}/dist/index.js`
        ])
      ])
    )
    expect(paths.filter(path => !/^(bin|dist)\/|^(package\.json|README\.md)$/.test(path))).toEqual(
      []
    )
    expect(paths.filter(path => /\.ts$/.test(path))).toEqual([])
    // The actions' source maps stay out (5 MB installed for .ts lines in a crashed action's stack).
    expect(paths.filter(path => path.endsWith('.map'))).toEqual([])
    // Packed from a staged copy: nothing was written into packages/cli.
    expect(readdirSync(cliPackage).sort()).toEqual(cliFolder)
  })

  it('has a manifest for the registry: every path it names is in the tarball', () => {
    const installed = JSON.parse(
      readFileSync(join(app, 'node_modules/@fargate-promote/cli/package.json'), 'utf8')
    ) as Record<string, unknown>
    expect(installed).not.toHaveProperty('private')
    expect(installed).not.toHaveProperty('scripts')
    expect(installed).not.toHaveProperty('devDependencies')
    const named = [
      ...Object.values(installed.bin as Record<string, string>),
      ...Object.values(installed.exports as Record<string, string>)
    ].map(path => path.replace(/^\.\//, ''))
    expect(named.filter(path => !packed.files.some(file => file.path === path))).toEqual([])
  })

  it('imports from an installed copy: run and processCancellation', async () => {
    const script = `const cli = await import('@fargate-promote/cli')
const out = []
const io = { stdout: { write: text => out.push(text) }, stderr: { write: text => out.push(text) }, env: {}, cwd: process.cwd() }
const code = await cli.run(['--version'], io)
console.log(JSON.stringify({ code, out: out.join(''), cancellation: typeof cli.processCancellation }))`
    const imported = await run(process.execPath, ['--input-type=module', '-e', script], app)
    expect(imported).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(imported.stdout)).toEqual({
      code: 0,
      out: `${manifest.version}\n`,
      cancellation: 'function'
    })
  })

  it('installs with no dependency to fetch and runs --help and --version', async () => {
    const installed = JSON.parse(
      readFileSync(join(app, 'node_modules/@fargate-promote/cli/package.json'), 'utf8')
    ) as Record<string, unknown>
    expect(installed.dependencies).toBeUndefined()
    const help = await cli(['--help'], app)
    expect(help).toMatchObject({ code: 0, stderr: '' })
    for (const command of [
      'deploy',
      'verify',
      'gate',
      'rollback',
      'status',
      'environments',
      'init',
      'rehearse'
    ])
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
    expect(help.stdout).toContain('3  invalid config')
    expect(await cli(['--version'], app)).toMatchObject({
      code: 0,
      stdout: `${manifest.version}\n`
    })
  })

  it('exits 2 on a usage error and 3 on an invalid config, naming file, line and field', async () => {
    expect(await cli(['deplo'], app)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('(Did you mean deploy?)')
    })
    const dir = await repository('invalid', {
      '.github/fargate-promote.yml':
        'version: 1\napplication: shop\nenvironments:\n  dev:\n    region: eu-west-1\n    cluster: shop-dev\n    services: [{ name: web }]\n    desired-count: many\n'
    })
    const status = await cli(['status'], dir)
    expect(status.code).toBe(3)
    expect(status.stderr).toContain(
      '.github/fargate-promote.yml:8:20: environments.dev.desired-count: must be a whole number of tasks.'
    )
  })

  it('init writes the config and the workflow templates the package carries', async () => {
    const dir = await repository('init', { 'README.md': '# shop\n' })
    const init = await cli(
      ['init', '--yes', '--region', 'eu-west-1', '--cluster', 'shop', '--service', 'web'],
      dir
    )
    expect(init).toMatchObject({ code: 0, stderr: '' })
    const templates = join(repoRoot, 'workflows-templates')
    expect(readFileSync(join(dir, '.github/workflows/staging.yml'), 'utf8')).toBe(
      readFileSync(join(templates, 'staging.yml'), 'utf8')
    )
    expect(readFileSync(join(dir, '.github/fargate-promote.yml'), 'utf8')).toContain(
      'cluster: shop'
    )
  })

  it('rehearse runs the packaged simulator, action bundle and yq shim', async () => {
    const config = readFileSync(
      join(repoRoot, 'examples/sample-app/.github/fargate-promote.yml'),
      'utf8'
    ).replace(/\b2710([123])\b/g, '2730$1')
    const dir = await repository('rehearse', {
      '.github/fargate-promote.yml': config,
      '.github/workflows/smoke.yml': `name: Smoke
on: push
jobs:
  verify:
    runs-on: ubuntu-latest
    environment: dev
    steps:
      - name: The config as JSON
        run: |
          yq -o=json . .github/fargate-promote.yml > "$RUNNER_TEMP/config.json"
          grep '"application": "shop"' "$RUNNER_TEMP/config.json"
      - id: health
        uses: fargate-promote/fargate-promote/actions/health-verify@v1
        with:
          environment: dev
          timeout: 1m
          consecutive-successes: 1
`
    })
    const rehearsal = await cli(
      ['rehearse', '.github/workflows/smoke.yml', '--event', 'push', '--json'],
      dir
    )
    expect(rehearsal.code).toBe(0)
    const result = JSON.parse(rehearsal.stdout) as {
      conclusion: string
      jobs: { steps: { state: string; log: string; outputs: Record<string, string> }[] }[]
    }
    expect(result.conclusion).toBe('success')
    const [toJson, health] = result.jobs[0]?.steps ?? []
    expect(toJson).toMatchObject({ state: 'success', log: expect.stringContaining('"shop"') })
    expect(health).toMatchObject({ state: 'success', outputs: { healthy: 'true' } })
    expect(health?.log).toContain('GET http://127.0.0.1:27301/health')
  }, 60_000)
})

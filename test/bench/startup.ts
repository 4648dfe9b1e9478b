/**
 * Start-up benchmark of every action bundle before and after a change, next to two reference
 * bundles: spawn → first TCP connection to a fake AWS endpoint (the method of startupMs in
 * deploy-fargate.ts), plus the size of index.js, of all .js files and of all .map files of each
 * dist folder.
 *
 * Bundles:
 *   client-only            ncc bundle of an entry that only sends one ECS DescribeServices
 *   client+@actions/core   the same entry plus @actions/core and one core.info call
 *   <action> before        actions/<action>/dist at --before (git archive, chunks included);
 *                          none with --before none
 *   <action> after         actions/<action>/dist in the working tree when the run starts, or
 *                          under --after DIR (e.g. a `node scripts/build.mjs --out-root DIR`)
 * Runs are interleaved round-robin so that machine load affects all bundles alike.
 *
 * Run: npx tsx test/bench/startup.ts [--before <git-rev>|DIR|none] [--after DIR] [--node PATH]
 *   [--runs N] [--json]
 * (default HEAD, the working tree, this Node and 10 runs; about a minute). --node runs the
 * bundles on another Node (the runner's is 24). With --json the table goes to stderr and the
 * JSON (every row with its raw samples) to stdout. Exits 1 when a bundle could not be measured.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { createServer, type Server } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { inputEnv, repoRoot } from '../e2e/run-action.js'

/** A bundle that does not connect within this long is reported as failed. */
const CONNECT_TIMEOUT_MS = 30_000
const CLIENT_ONLY = 'client-only'
const CLIENT_CORE = 'client+@actions/core'
/** --before value that measures the "after" bundles only (npm run bench). */
const NO_BEFORE = 'none'

/** The least input that takes each action to its first AWS request (see test/e2e/). */
const ACTION_INPUTS: Record<string, Record<string, string>> = {
  'deploy-fargate': { cluster: 'staging', service: 'web' },
  'health-verify': { checks: '- name: service\n  ecs-service: { cluster: staging, service: web }' },
  rollback: { cluster: 'staging', service: 'web' },
  'staging-gate': { cluster: 'staging', service: 'web' }
}

interface Options {
  before: string
  /** The folder holding actions/<name>/dist for "after"; the repository by default. */
  after: string
  /** The node binary that runs the bundles. */
  node: string
  runs: number
  json: boolean
}

interface Bundle {
  label: string
  /** The action's name, or undefined for a reference bundle. */
  action?: string
  stage: 'reference' | 'before' | 'after'
  distDir: string
  inputs: Record<string, string>
  indexBytes: number
  jsBytes: number
  /** The sum of each .js file's size gzipped (level 9): roughly what a download costs. */
  jsGzipBytes: number
  mapBytes: number
  samples: number[]
  errors: string[]
}

interface Row {
  label: string
  indexBytes: number
  jsBytes: number
  jsGzipBytes: number
  mapBytes: number
  runs: number
  failed: number
  medianMs: number | null
  minMs: number | null
  maxMs: number | null
  ratioToClientOnly: number | null
  /** Every timed run's ms, in the order measured. */
  samples: number[]
  errors: string[]
}

type Attempt = { ms: number } | { error: string }

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      before: { type: 'string', default: 'HEAD' },
      after: { type: 'string', default: repoRoot },
      node: { type: 'string', default: process.execPath },
      runs: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false }
    }
  })
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`)
  return { before: values.before, after: values.after, node: values.node, runs, json: values.json }
}

/** Lower median, as in the other benchmarks, so the figures compare with theirs. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] as number
}

function log(message: string): void {
  process.stderr.write(`${message}\n`)
}

function actionNames(): string[] {
  return readdirSync(join(repoRoot, 'actions'), { withFileTypes: true })
    .filter(d => d.isDirectory() && existsSync(join(repoRoot, 'actions', d.name, 'action.yml')))
    .map(d => d.name)
    .sort()
}

function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory()
}

function resolveRevision(rev: string): string {
  if (rev === NO_BEFORE || isFolder(rev)) return rev
  return execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], {
    cwd: repoRoot,
    encoding: 'utf8'
  }).trim()
}

/** The sum of `size` of every file under `dir` ending with `suffix`, post/ included. */
function bytesOf(
  dir: string,
  suffix: string,
  size: (path: string) => number = path => statSync(path).size
): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += bytesOf(path, suffix, size)
    else if (entry.name.endsWith(suffix)) total += size(path)
  }
  return total
}

function gzippedSize(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length
}

function referenceSource(withCore: boolean): string {
  const lines = [
    "import { ECSClient, DescribeServicesCommand } from '@aws-sdk/client-ecs'",
    withCore ? "import * as core from '@actions/core'" : '',
    'const ecs = new ECSClient({})',
    withCore ? "core.info('describing the service')" : '',
    'try {',
    '  await ecs.send(',
    '    new DescribeServicesCommand({',
    "      cluster: process.env.CLUSTER ?? 'staging',",
    "      services: [process.env.SERVICE ?? 'web']",
    '    })',
    '  )',
    '} catch (error) {',
    '  console.error(String(error))',
    '}'
  ]
  return `${lines.filter(line => line !== '').join('\n')}\n`
}

/**
 * Bundles `source` with the flags of scripts/build.mjs into `outDir`. The entry is written to a
 * folder under the repository (.tmp/ is git-ignored) so that ncc resolves the packages from the
 * repository's node_modules and the root package.json makes it ESM, like the actions' entries.
 */
function buildReference(source: string, outDir: string): void {
  const parent = join(repoRoot, '.tmp')
  const createdParent = !existsSync(parent)
  mkdirSync(parent, { recursive: true })
  const entryDir = mkdtempSync(join(parent, 'bench-startup-'))
  try {
    writeFileSync(join(entryDir, 'entry.js'), source)
    const ncc = join(repoRoot, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
    const args = ['build', 'entry.js', '-o', outDir, '--minify', '--license', 'licenses.txt']
    const result = spawnSync(process.execPath, [ncc, ...args, '--quiet'], {
      cwd: entryDir,
      encoding: 'utf8'
    })
    if (result.status !== 0) throw new Error(`ncc failed for ${outDir}:\n${result.stderr}`)
  } finally {
    rmSync(entryDir, { recursive: true, force: true })
    // Leave no .tmp/ behind when this run created it; someone else's stays.
    if (createdParent && readdirSync(parent).length === 0) rmSync(parent, { recursive: true })
  }
}

/**
 * actions/<name>/dist at `rev` into `into`; the error text when git has no such folder. A
 * `rev` that is a folder holds actions/<name>/dist already (a build of the same sources with
 * the previous scripts/build.mjs, to measure the build alone).
 */
function extractBefore(rev: string, name: string, into: string): string | undefined {
  mkdirSync(into, { recursive: true })
  if (isFolder(rev)) {
    const dist = join(rev, 'actions', name, 'dist')
    if (!existsSync(dist)) return `no ${dist}`
    cpSync(dist, join(into, 'actions', name, 'dist'), { recursive: true })
    return undefined
  }
  const archive = spawnSync('git', ['archive', rev, `actions/${name}/dist`], {
    cwd: repoRoot,
    maxBuffer: 1 << 30
  })
  if (archive.status !== 0) return archive.stderr.toString().trim()
  execFileSync('tar', ['-x', '-C', into], { input: archive.stdout })
  return undefined
}

function makeBundle(
  label: string,
  stage: Bundle['stage'],
  distDir: string,
  action?: string
): Bundle {
  const index = join(distDir, 'index.js')
  const present = existsSync(index)
  const bundle: Bundle = {
    label,
    stage,
    distDir,
    inputs: action ? (ACTION_INPUTS[action] ?? {}) : {},
    indexBytes: present ? statSync(index).size : 0,
    jsBytes: present ? bytesOf(distDir, '.js') : 0,
    jsGzipBytes: present ? bytesOf(distDir, '.js', gzippedSize) : 0,
    mapBytes: present ? bytesOf(distDir, '.map') : 0,
    samples: [],
    errors: present ? [] : [`no ${index}`]
  }
  if (action) bundle.action = action
  if (action && !ACTION_INPUTS[action]) bundle.errors.push(`no inputs known for ${action}`)
  return bundle
}

function referenceBundles(tmp: string): Bundle[] {
  log('building the reference bundles with ncc…')
  const clientOnly = join(tmp, 'client-only')
  const clientCore = join(tmp, 'client-core')
  buildReference(referenceSource(false), clientOnly)
  buildReference(referenceSource(true), clientCore)
  return [
    makeBundle(CLIENT_ONLY, 'reference', clientOnly),
    makeBundle(CLIENT_CORE, 'reference', clientCore)
  ]
}

function beforeBundle(tmp: string, rev: string, name: string): Bundle {
  const beforeRoot = join(tmp, 'before')
  const missing = extractBefore(rev, name, beforeRoot)
  const before = makeBundle(
    `${name} before`,
    'before',
    join(beforeRoot, 'actions', name, 'dist'),
    name
  )
  if (missing) before.errors = [`git archive: ${missing}`]
  return before
}

/**
 * The working tree's dist is copied once at the start: others may rebuild it during the run,
 * and the sizes and every timing should describe the same files.
 */
function actionBundles(tmp: string, rev: string, after: string): Bundle[] {
  const bundles: Bundle[] = []
  for (const name of actionNames()) {
    if (rev !== NO_BEFORE) bundles.push(beforeBundle(tmp, rev, name))
    const afterDir = join(tmp, 'after', name, 'dist')
    const source = join(after, 'actions', name, 'dist')
    if (existsSync(source)) cpSync(source, afterDir, { recursive: true })
    bundles.push(makeBundle(`${name} after`, 'after', afterDir, name))
  }
  return bundles
}

interface RunnerFiles {
  GITHUB_OUTPUT: string
  GITHUB_STATE: string
  GITHUB_STEP_SUMMARY: string
}

function runnerFiles(tmp: string): RunnerFiles {
  return {
    GITHUB_OUTPUT: join(tmp, 'github-output'),
    GITHUB_STATE: join(tmp, 'github-state'),
    GITHUB_STEP_SUMMARY: join(tmp, 'github-step-summary')
  }
}

/** Every run starts with empty file commands, as on the runner. */
function resetRunnerFiles(files: RunnerFiles): void {
  for (const file of Object.values(files)) writeFileSync(file, '')
}

function childEnv(bundle: Bundle, port: number, files: RunnerFiles): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ...files,
    ...inputEnv(bundle.inputs),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f',
    GITHUB_WORKSPACE: repoRoot,
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'benchmark-secret',
    AWS_MAX_ATTEMPTS: '1',
    AWS_EC2_METADATA_DISABLED: 'true'
  }
}

/** A fake AWS endpoint that drops every connection: only the moment of connecting matters. */
async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer(socket => socket.destroy())
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as { port: number }).port }
}

/**
 * Time from spawning the bundle to its first TCP connection to "AWS". The child is killed at
 * that connection: what it does next (health-verify retries for minutes) is not start-up.
 */
async function startupMs(bundle: Bundle, files: RunnerFiles, node: string): Promise<Attempt> {
  resetRunnerFiles(files)
  const { server, port } = await listen()
  const env = childEnv(bundle, port, files)
  const started = process.hrtime.bigint()
  const child = spawn(node, [join(bundle.distDir, 'index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let connectedMs = 0
  server.on('connection', () => {
    if (connectedMs) return
    connectedMs = Number(process.hrtime.bigint() - started) / 1e6
    child.kill('SIGKILL')
  })
  // Only the end of the output is kept, to say why a bundle exited without connecting.
  let output = ''
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000))
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const timer = setTimeout(() => child.kill('SIGKILL'), CONNECT_TIMEOUT_MS)
  const exitCode = await new Promise<number | null>(resolve => child.on('close', resolve))
  clearTimeout(timer)
  server.close()
  if (connectedMs) return { ms: connectedMs }
  const how = exitCode === null ? `killed after ${CONNECT_TIMEOUT_MS} ms` : `exited ${exitCode}`
  return { error: `${how} without connecting to AWS; output ends:\n${output.trim()}` }
}

function record(bundle: Bundle, attempt: Attempt): void {
  if ('ms' in attempt) bundle.samples.push(attempt.ms)
  else bundle.errors.push(attempt.error)
}

/**
 * One unrecorded run per bundle warms the file cache and proves that each bundle reaches AWS;
 * a bundle that does not is reported and left out of the timed rounds.
 */
async function warmUp(bundles: Bundle[], files: RunnerFiles, node: string): Promise<Bundle[]> {
  log('warm-up: one unrecorded run per bundle…')
  for (const bundle of bundles.filter(b => b.errors.length === 0)) {
    const attempt = await startupMs(bundle, files, node)
    if ('error' in attempt) bundle.errors.push(`warm-up: ${attempt.error}`)
  }
  return bundles.filter(b => b.errors.length === 0)
}

/** Round-robin; each round starts one bundle later so no bundle always follows the same one. */
async function measureRounds(
  bundles: Bundle[],
  runs: number,
  files: RunnerFiles,
  node: string
): Promise<void> {
  for (let round = 0; round < runs; round++) {
    log(`round ${round + 1} of ${runs}`)
    for (let i = 0; i < bundles.length; i++) {
      const bundle = bundles[(round + i) % bundles.length] as Bundle
      record(bundle, await startupMs(bundle, files, node))
    }
  }
}

function toRow(bundle: Bundle, clientOnlyMedian: number | null): Row {
  const { samples } = bundle
  const medianMs = samples.length > 0 ? median(samples) : null
  return {
    label: bundle.label,
    indexBytes: bundle.indexBytes,
    jsBytes: bundle.jsBytes,
    jsGzipBytes: bundle.jsGzipBytes,
    mapBytes: bundle.mapBytes,
    runs: samples.length,
    failed: bundle.errors.length,
    medianMs,
    minMs: samples.length > 0 ? Math.min(...samples) : null,
    maxMs: samples.length > 0 ? Math.max(...samples) : null,
    ratioToClientOnly: medianMs !== null && clientOnlyMedian ? medianMs / clientOnlyMedian : null,
    samples,
    errors: bundle.errors
  }
}

function toRows(bundles: Bundle[]): Row[] {
  const clientOnly = bundles.find(b => b.label === CLIENT_ONLY)
  const clientOnlyMedian = clientOnly?.samples.length ? median(clientOnly.samples) : null
  return bundles.map(bundle => toRow(bundle, clientOnlyMedian))
}

function formatMs(value: number | null): string {
  return value === null ? '-' : value.toFixed(0)
}

function formatTable(rows: Row[]): string {
  const header = [
    'bundle',
    'index.js B',
    'all .js B',
    '.js gzip B',
    '.map B',
    'median ms',
    'min',
    'max',
    'x client-only',
    'ok/failed'
  ]
  const lines = rows.map(row => [
    row.label,
    row.indexBytes.toLocaleString('en-US'),
    row.jsBytes.toLocaleString('en-US'),
    row.jsGzipBytes.toLocaleString('en-US'),
    row.mapBytes.toLocaleString('en-US'),
    formatMs(row.medianMs),
    formatMs(row.minMs),
    formatMs(row.maxMs),
    row.ratioToClientOnly === null ? '-' : row.ratioToClientOnly.toFixed(2),
    `${row.runs}/${row.failed}`
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map(line => line[i]!.length)))
  const pad = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
  return [pad(header), ...lines.map(pad)].join('\n')
}

/** Every error in full, so that a bundle that never connected cannot pass for a fast one. */
function formatErrors(rows: Row[]): string {
  const failed = rows.filter(row => row.errors.length > 0)
  if (failed.length === 0) return ''
  const blocks = failed.map(row => `ERROR ${row.label}:\n  ${row.errors.join('\n  ')}`)
  return `\n${blocks.join('\n')}`
}

function formatLoad(when: string): string {
  return `load average ${when}: ${loadavg()
    .map(load => load.toFixed(2))
    .join(' ')}`
}

async function main(): Promise<number> {
  const options = parseOptions()
  const loadStart = loadavg()
  const startLine = formatLoad('at start')
  const revision = resolveRevision(options.before)
  const tmp = mkdtempSync(join(tmpdir(), 'bench-startup-'))
  try {
    const bundles = [...referenceBundles(tmp), ...actionBundles(tmp, revision, options.after)]
    const files = runnerFiles(tmp)
    const measurable = await warmUp(bundles, files, options.node)
    await measureRounds(measurable, options.runs, files, options.node)
    const node = execFileSync(options.node, ['--version'], { encoding: 'utf8' }).trim()
    const rows = toRows(bundles)
    const out = options.json ? log : (text: string) => console.log(text)
    out(startLine)
    out(
      `before = ${options.before}${revision === options.before ? '' : ` (${revision.slice(0, 12)})`}, after = ${options.after === repoRoot ? 'working tree' : options.after}, node ${node}, ${options.runs} runs`
    )
    out(formatTable(rows))
    out(formatLoad('at end') + formatErrors(rows))
    if (options.json) {
      const json = {
        before: options.before,
        revision,
        after: options.after,
        node,
        runs: options.runs
      }
      console.log(
        JSON.stringify(
          { ...json, loadavg: { start: loadStart, end: loadavg() }, bundles: rows },
          null,
          2
        )
      )
    }
    return rows.some(row => row.errors.length > 0) ? 1 : 0
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

process.exitCode = await main()

/**
 * `npm run bench [-- --quick] [--only <section>[,<section>…]] [--out FILE]`: runs the
 * benchmark scripts of test/bench with --json, each as its own process, and writes their
 * figures (median and range of the runs, with the goals) and the machine to
 * test/bench/RESULTS.md. Sections: startup, deploy, rollback, health, demo, canary.
 * The repeat counts (RUNS) keep a full run under 15 minutes on a 2-core machine; --quick runs
 * everything once (a smoke test of the whole chain, about 7 minutes). --only writes a file with
 * those sections alone (to --out, test/bench/RESULTS.md by default).
 * A script that fails leaves its section in the file with the reason, and the exit code is 1.
 */
import { execFileSync, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { format, resolveConfig } from 'prettier'
import { repoRoot } from '../e2e/run-action.js'
import { nodeRuntime } from '../support/node-runtime.js'
import { renderReport, type Machine, type Section } from './report.js'
import {
  canarySection,
  demoSection,
  deploySection,
  healthSection,
  rollbackSection,
  startupSection,
  type CanaryJson,
  type DemoJson,
  type DeployJson,
  type LatencyJson,
  type RollbackJson,
  type StartupJson,
  type ThroughputJson
} from './sections.js'

/**
 * Runs per section in a full run, to stay under 15 minutes on a 2-core machine. One run of each
 * took (quick run, load average ~10): startup 44 s (the two ncc builds, then ~2 s a round),
 * deploy 162 s, rollback 16 s (with the round-trip run), health 26 s, demo 166 s (~72 s on a
 * quiet machine), canary 11 s; so a full run is ~11 minutes quiet, ~14.5 at load 10.
 */
const RUNS = { startup: 10, deploy: 2, rollback: 3, health: 3, demo: 2, canary: 5 }
type SectionId = keyof typeof RUNS
const SECTION_IDS = Object.keys(RUNS) as SectionId[]

interface Options {
  quick: boolean
  only: SectionId[]
  out: string
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      out: { type: 'string', default: join(repoRoot, 'test/bench/RESULTS.md') }
    }
  })
  const only = (values.only ?? []).flatMap(value => value.split(','))
  const unknown = only.filter(id => !(SECTION_IDS as string[]).includes(id))
  if (unknown.length > 0) {
    throw new Error(
      `--only ${unknown.join(', ')}: no such section; the sections are ${SECTION_IDS.join(', ')}`
    )
  }
  return {
    quick: values.quick,
    only: only.length > 0 ? (only as SectionId[]) : SECTION_IDS,
    out: values.out
  }
}

/**
 * Runs `test/bench/<script>` with tsx; its human output goes to our stderr and its stdout, one
 * JSON object, is returned parsed. A non-zero exit with JSON (a goal missed) is not an error.
 */
async function runScript<T>(script: string, args: string[]): Promise<T> {
  const path = join(repoRoot, 'test/bench', script)
  process.stderr.write(`\n▶ ${script} ${args.join(' ')}\n`)
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  try {
    return JSON.parse(stdout) as T
  } catch {
    // Anything a library printed before the object: the object is the last line.
    const last = stdout.trim().split('\n').at(-1) ?? ''
    try {
      return JSON.parse(last) as T
    } catch {
      throw new Error(`${script} exited ${code} without its JSON; stdout ends: ${last.slice(-500)}`)
    }
  }
}

async function measure(id: SectionId, runs: number, bundleNode: string): Promise<Section> {
  const n = String(runs)
  switch (id) {
    case 'startup':
      return startupSection(
        await runScript<StartupJson>('startup.ts', [
          ...['--before', 'none', '--node', bundleNode, '--runs', n, '--json']
        ])
      )
    case 'deploy':
      return deploySection(
        await runScript<DeployJson>('deploy-fargate.ts', [
          '--runs',
          n,
          '--startup-runs',
          '0',
          '--json'
        ])
      )
    case 'rollback':
      return rollbackSection(
        await runScript<RollbackJson>('rollback-time.ts', ['--runs', n, '--json'])
      )
    case 'health': {
      const throughput = await runScript<ThroughputJson>('health-throughput.ts', [
        '--runs',
        n,
        '--json'
      ])
      const latency = await runScript<LatencyJson>('health-latency-accuracy.ts', [
        '--runs',
        n,
        '--json'
      ])
      return healthSection(throughput, latency)
    }
    case 'demo':
      return demoSection(await runScript<DemoJson>('demo-time.ts', [n, '--json']))
    case 'canary':
      return canarySection(
        await runScript<CanaryJson>('canary-blast-radius.ts', ['--runs', n, '--json'])
      )
  }
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim()
}

function machineAtStart(bundleNode: string): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    bundleNode,
    loadStart: loadavg(),
    loadEnd: [],
    date: new Date().toISOString(),
    commit: git(['rev-parse', 'HEAD']),
    dirty: git(['status', '--porcelain', '--untracked-files=no']) !== ''
  }
}

async function main(): Promise<number> {
  const options = parseOptions()
  const started = Date.now()
  const runtime = nodeRuntime()
  const machine = machineAtStart(runtime.version)
  const sections: Section[] = []
  for (const id of options.only) {
    const runs = options.quick ? 1 : RUNS[id]
    const sectionStart = Date.now()
    try {
      sections.push(await measure(id, runs, runtime.path))
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      sections.push({ id, title: id, figures: [], method: [], errors: [reason] })
    }
    process.stderr.write(`■ ${id}: ${((Date.now() - sectionStart) / 1000).toFixed(0)} s\n`)
  }
  machine.loadEnd = loadavg()
  const args = process.argv.slice(2)
  const markdown = renderReport({
    machine,
    sections,
    command: `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
    quick: options.quick,
    wallMs: Date.now() - started
  })
  const config = (await resolveConfig(options.out)) ?? {}
  writeFileSync(options.out, await format(markdown, { ...config, parser: 'markdown' }))
  process.stderr.write(`wrote ${options.out} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
  return sections.some(section => section.errors.length > 0) ? 1 : 0
}

try {
  process.exitCode = await main()
} catch (error) {
  // A bad option: say what is wrong, without a stack.
  process.stderr.write(`npm run bench: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 2
}

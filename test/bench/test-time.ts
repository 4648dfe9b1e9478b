/**
 * `npx tsx test/bench/test-time.ts [--runs N] [--ref REF]`: how long `npm test` takes on a fresh
 * clone, as CI runs it — the figure issue 18 names (under 4 minutes on a 2-core machine).
 *
 * Each run clones the repository (REF, default HEAD) into a new temporary folder, with TMPDIR
 * pointing inside it so jest's cache starts empty, as on a new machine; runs `npm ci`, then
 * `npm test`; and reports the wall time of each, the CPU time of everything they started, and
 * the wall time of each stage from the table `npm test` prints (concurrently --timings). Not part
 * of `npm run bench`: one run takes 6–7 minutes here.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'

const root = resolve(import.meta.dirname, '..', '..')

/** CPU seconds (user + system) of this process's waited-for children, from /proc. */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? []
  // After the command name: state is field 0, cutime 13 and cstime 14, in clock ticks (100/s).
  return (Number(fields[13]) + Number(fields[14])) / 100
}

interface Timed {
  wallSeconds: number
  cpuSeconds: number
  status: number | null
  output: string
}

function timed(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Timed {
  const cpuBefore = childrenCpuSeconds()
  const startedAt = performance.now()
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 })
  return {
    wallSeconds: (performance.now() - startedAt) / 1000,
    cpuSeconds: childrenCpuSeconds() - cpuBefore,
    status: result.status,
    output: `${result.stdout}${result.stderr}`
  }
}

/** Stage → seconds, from concurrently's table: `│ unit │ 356,100 │ 0 │ false │ npm run … │`. */
export function stageSeconds(output: string): Record<string, number> {
  const stages: Record<string, number> = {}
  for (const match of output.matchAll(/│ (\S+)\s+│ ([\d,]+)\s+│ (\d+)\s+│/g)) {
    const [, name = '', ms = ''] = match
    stages[name] = Number(ms.replaceAll(',', '')) / 1000
  }
  return stages
}

function oneRun(ref: string): { ci: Timed; test: Timed } {
  const folder = mkdtempSync(join(tmpdir(), 'test-time-'))
  try {
    const repo = join(folder, 'repo')
    const temp = join(folder, 'tmp')
    mkdirSync(temp)
    spawnSync('git', ['clone', '--quiet', root, repo], { stdio: 'inherit' })
    spawnSync('git', ['checkout', '--quiet', ref], { cwd: repo, stdio: 'inherit' })
    const env = { ...process.env, TMPDIR: temp, CI: 'true' }
    const ci = timed('npm', ['ci', '--no-audit', '--no-fund'], repo, env)
    if (ci.status !== 0) throw new Error(`npm ci failed:\n${ci.output.slice(-4000)}`)
    return { ci, test: timed('npm', ['test'], repo, env) }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

function main(): void {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '1' }, ref: { type: 'string', default: 'HEAD' } }
  })
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs: '${values.runs}' is not a whole number of runs (1 or more)`)
  }
  const ref = spawnSync('git', ['rev-parse', values.ref], { cwd: root, encoding: 'utf8' })
  if (ref.status !== 0) throw new Error(`--ref: '${values.ref}' is not a commit of ${root}`)
  const commit = ref.stdout.trim()
  console.log(`npm test on fresh clones of ${commit.slice(0, 7)}, ${runs} run(s)\n`)
  console.log('| run | npm ci s | npm test s | CPU s | exit | stages (s) |')
  console.log('|---|---|---|---|---|---|')
  let failed = false
  for (let run = 1; run <= runs; run += 1) {
    const { ci, test } = oneRun(commit)
    const stages = Object.entries(stageSeconds(test.output))
      .map(([name, seconds]) => `${name} ${seconds.toFixed(0)}`)
      .join(', ')
    const cpu = ci.cpuSeconds + test.cpuSeconds
    console.log(
      `| ${run} | ${ci.wallSeconds.toFixed(0)} | ${test.wallSeconds.toFixed(0)} | ${cpu.toFixed(0)} | ${test.status} | ${stages} |`
    )
    if (test.status !== 0) {
      failed = true
      console.error(test.output.slice(-6000))
    }
  }
  if (failed) process.exitCode = 1
}

if (import.meta.url === `file://${process.argv[1]}`) main()

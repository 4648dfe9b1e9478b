/**
 * Wall time of `npm run demo` (the whole story: 10 rehearsals against the simulator), run as a
 * user runs it, N times (default 1): `npx tsx test/bench/demo-time.ts [N] [--json]`. Prints each
 * run's wall time, the claims line, and the median; with --json those go to stderr and one JSON
 * object of every run's wall time, exit code and claims line to stdout.
 */
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { repoRoot } from '../e2e/run-action.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'boolean', default: false } }
})
const runs = Number(positionals[0] ?? 1)
if (!Number.isInteger(runs) || runs < 1) throw new Error(`N must be a positive integer: ${runs}`)
const out = values.json
  ? (line: string) => process.stderr.write(`${line}\n`)
  : (line: string) => console.log(line)
const times: number[] = []
const exitCodes: (number | null)[] = []
const claims: string[] = []
for (let i = 0; i < runs; i++) {
  const started = Date.now()
  const run = spawnSync('npm', ['run', 'demo', '--', '--quiet'], {
    cwd: repoRoot,
    encoding: 'utf8'
  })
  const ms = Date.now() - started
  times.push(ms)
  exitCodes.push(run.status)
  const line = /\d+\/\d+ claims hold[^\n]*/.exec(run.stdout)?.[0] ?? 'no claims line'
  claims.push(line)
  out(`run ${i + 1}: exit ${run.status}, ${(ms / 1000).toFixed(1)} s wall — ${line}`)
}
const sorted = [...times].sort((a, b) => a - b)
out(`median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(1)} s over ${runs} run(s)`)
if (values.json) console.log(JSON.stringify({ wallMs: times, exitCodes, claims }))

/**
 * Wall time of `npm run demo` (the whole story: 10 rehearsals against the simulator), run as a
 * user runs it, N times (default 1): `npx tsx test/bench/demo-time.ts [N]`. Prints each run's
 * wall time, the claims line, and the median.
 */
import { spawnSync } from 'node:child_process'
import { repoRoot } from '../e2e/run-action.js'

const runs = Number(process.argv[2] ?? 1)
const times: number[] = []
for (let i = 0; i < runs; i++) {
  const started = Date.now()
  const run = spawnSync('npm', ['run', 'demo', '--', '--quiet'], {
    cwd: repoRoot,
    encoding: 'utf8'
  })
  const ms = Date.now() - started
  times.push(ms)
  const claims = /\d+\/\d+ claims hold[^\n]*/.exec(run.stdout)?.[0] ?? 'no claims line'
  console.log(`run ${i + 1}: exit ${run.status}, ${(ms / 1000).toFixed(1)} s wall — ${claims}`)
}
times.sort((a, b) => a - b)
console.log(
  `median ${(times[Math.floor(times.length / 2)]! / 1000).toFixed(1)} s over ${runs} run(s)`
)

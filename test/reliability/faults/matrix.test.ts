/**
 * The fault matrix (scenarios.ts): each row in a sim of its own, two at a time, judged by the
 * invariants of invariants.ts against the state the sim was left in. `npm test` runs the rows
 * marked `quick`; `npm run reliability` (FAULT_MATRIX=full) runs them all and writes the table
 * to test/reliability/faults/RESULTS.md. Rows that show a known defect are `test.failing`.
 */
import { writeFileSync } from 'node:fs'
import { format } from 'prettier'
import { limit } from '../bad-inputs/limit.js'
import { violations } from './invariants.js'
import { callLine, githubDeployments, openLab, settle, type WebState } from './lab.js'
import { SCENARIOS, type Scenario } from './scenarios.js'
import type { Outcome } from './runs.js'

const FULL = process.env.FAULT_MATRIX === 'full'
/** FAULT_ROWS=<regular expression>: only the rows whose id matches (with or without full). */
const only = process.env.FAULT_ROWS === undefined ? undefined : new RegExp(process.env.FAULT_ROWS)
const rows = SCENARIOS.filter(scenario =>
  only === undefined ? FULL || scenario.quick === true : only.test(scenario.id)
)

interface Result {
  scenario: Scenario
  outcome?: Outcome
  state?: WebState
  found: string[]
  calls: string
  /** Every GitHub deployment, `id environment final-status`. */
  records?: string
  ms: number
}

async function play(scenario: Scenario): Promise<Result> {
  const lab = await (scenario.open ?? openLab)()
  const started = Date.now()
  try {
    const outcome = await scenario.run(lab)
    const calls = lab.sim.calls()
    const state = await settle(lab)
    const records = githubDeployments(lab).filter(record => record.environment === 'staging')
    const found = [
      ...violations(scenario, outcome, state, records, calls),
      ...(scenario.extra?.(calls, outcome) ?? [])
    ]
    const all = githubDeployments(lab).map(r => `${r.id} ${r.environment} ${r.final}`)
    const ms = Date.now() - started
    return { scenario, outcome, state, found, calls: callLine(calls), records: all.join(', '), ms }
  } catch (error) {
    const found = [`the run itself failed: ${(error as Error).message.slice(0, 300)}`]
    return { scenario, found, calls: callLine(lab.sim.calls()), ms: Date.now() - started }
  } finally {
    await lab.close()
  }
}

const results = new Map<string, Promise<Result>>()

beforeAll(() => {
  const slot = limit(2)
  for (const scenario of rows) {
    const result = slot(() => play(scenario))
    // A rejection is reported by the row's own test.
    result.catch(() => undefined)
    results.set(scenario.id, result)
  }
})

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')

function tableRow({ scenario, outcome, state, found, ms }: Result): string {
  const revision = state?.live.slice(state.live.lastIndexOf('/') + 1) ?? '?'
  const observed = outcome
    ? `${outcome.verdict} (exit ${outcome.exit}, ${outcome.status}); web on ${revision}`
    : 'no outcome'
  const expected = `${scenario.expect}${scenario.cancelled ? ' (cancelled)' : ''}`
  const pass =
    found.length === 0
      ? scenario.defect
        ? 'pass (KNOWN DEFECT fixed?)'
        : 'pass'
      : scenario.defect
        ? `KNOWN DEFECT: ${scenario.defect}`
        : `FAIL: ${found.join('; ')}`
  return `| ${[scenario.id, scenario.fault, expected, observed, cell(pass), `${(ms / 1000).toFixed(1)}`].map(cell).join(' | ')} |`
}

afterAll(async () => {
  if (!FULL || only !== undefined) return
  const all = await Promise.all(rows.map(scenario => results.get(scenario.id) as Promise<Result>))
  const table = [
    '| scenario | fault | expected | observed | pass | s |',
    '| --- | --- | --- | --- | --- | --- |',
    ...all.map(tableRow)
  ].join('\n')
  const text = `# Fault matrix results\n\nWritten by \`npm run reliability\` (${new Date().toISOString()}).\n\n${table}\n`
  // Formatted as `npm run lint` wants it, so the written file can be committed as it is.
  writeFileSync(new URL('RESULTS.md', import.meta.url), await format(text, { parser: 'markdown' }))
  console.log(table)
}, 900_000)

async function check(id: string): Promise<void> {
  const result = (await results.get(id)) as Result
  // Shown when the row fails: what was seen, and the calls the sim answered.
  const detail = {
    found: result.found,
    status: result.outcome?.status,
    exit: result.outcome?.exit,
    state: result.state?.detail,
    records: result.records,
    calls: result.calls.slice(0, 3_000),
    output: result.outcome?.stdout.slice(-3_000)
  }
  if (result.found.length > 0) throw new Error(JSON.stringify(detail, null, 2))
}

const timeout = 600_000
describe('fault matrix', () => {
  const ok = rows.filter(scenario => scenario.defect === undefined)
  const known = rows.filter(scenario => scenario.defect !== undefined)
  if (ok.length > 0) test.each(ok.map(s => [s.id]))('%s', id => check(id), timeout)
  // Known product defects (each row's `defect`): flip to `test` once the fix is merged.
  if (known.length > 0) test.failing.each(known.map(s => [s.id]))('%s', id => check(id), timeout)
})

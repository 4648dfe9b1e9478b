/**
 * The demo's story when the pipeline does not do what the story says: runDemo over a product
 * whose workflow templates deploy nothing (every job only echoes). The story must not claim
 * what did not happen: its claims are checked against the simulator and its GitHub, so they
 * fail, and say what was observed instead. Also what the full demo test leaves out: --act
 * (the earlier acts set the stage quietly), --report, --keep, colour and the live trees.
 *
 * The product is a temporary directory: the sample app (its load balancers moved to
 * 27221-27223, away from the demo test's 27101-27103), the stub templates, and a link to this
 * checkout's simulator. The simulator runDemo starts is stopped before it returns.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PRODUCT_ROOT } from '../src/commands/rehearse.js'
import { runDemo, type DemoOutcome } from '../src/demo/run.js'
import { TEMPLATES } from '../src/demo/workspace.js'
import { Captured } from './support.js'

const echo = (name: string, on: string) => `name: ${name}
on:
${on}
jobs:
  ${name.toLowerCase()}:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${name} deployed nothing"
`

const STUBS: Record<string, string> = {
  'dev.yml': echo('Dev', '  push:'),
  'staging.yml': echo('Staging', '  push:\n    branches: [main]'),
  'production.yml': echo(
    'Production',
    `  workflow_dispatch:
    inputs:
      version: { description: v, required: false }
      emergency: { description: e, required: false }
      reason: { description: r, required: false }`
  ),
  'rollback.yml': echo(
    'Rollback',
    `  workflow_dispatch:
    inputs:
      environment: { description: e, required: true }
      to: { description: t, required: false }
      reason: { description: r, required: true }`
  )
}

let product: string

beforeAll(() => {
  product = mkdtempSync(join(tmpdir(), 'fp-demo-product-'))
  cpSync(join(PRODUCT_ROOT, 'examples/sample-app'), join(product, 'examples/sample-app'), {
    recursive: true
  })
  const config = join(product, 'examples/sample-app/.github/fargate-promote.yml')
  writeFileSync(config, readFileSync(config, 'utf8').replace(/\b2710([123])\b/g, '2722$1'))
  mkdirSync(join(product, 'workflows-templates'))
  for (const name of TEMPLATES) {
    writeFileSync(
      join(product, 'workflows-templates', name),
      STUBS[name] ?? echo('Unused', '  workflow_call:')
    )
  }
  mkdirSync(join(product, 'packages'))
  symlinkSync(join(PRODUCT_ROOT, 'packages/sim'), join(product, 'packages/sim'))
})

afterAll(() => rmSync(product, { recursive: true, force: true }))

let out: Captured
let outcome: DemoOutcome
let kept: { url: string; alive: boolean } | undefined
const report = () => join(product, 'story.html')

beforeAll(async () => {
  out = new Captured()
  outcome = await runDemo({
    productRoot: product,
    out,
    color: true,
    act: 4,
    // Staging's two 10-minute soaks are a second each.
    timeScale: 600,
    hostEnv: { PATH: process.env.PATH, HOME: process.env.HOME },
    report: report(),
    quiet: false,
    keep: async url => {
      kept = { url, alive: (await fetch(`${url}/_sim/clock`)).ok }
    }
  })
}, 120_000)

const claim = (start: string) => outcome.checks.find(check => check.claim.startsWith(start))

test('--act 4: acts 1-3 set the stage quietly (their story, not their rehearsals), act 4 is told', () => {
  const text = out.text
  expect(text).toContain('Setting the stage: acts 1-3 run first, quietly.')
  expect(text).toContain('Act 1 —')
  expect(text).not.toContain('▶ 1.1.0 → dev')
  expect(text).not.toMatch(/1\.1\.0 → dev: success/)
  expect(text).toContain('Act 4 — emergency release 1.3.1, with a reason')
  expect(text).toContain('▶ 1.3.1 → staging: .github/workflows/staging.yml on push (main @ ')
  // Not --quiet: act 4's rehearsals have their live lines.
  expect(text).toMatch(/staging\S* ✓ success/)
  // Every rehearsal ran, the quiet ones too.
  expect(outcome.stage.runs.map(run => run.title)).toEqual([
    '1.1.0 → dev',
    '1.1.0 → staging',
    '1.1.0 → production',
    '1.2.0 → staging',
    'promote 1.2.0',
    '1.3.0 → staging',
    '1.3.0 → production',
    '1.3.1 → staging',
    'emergency 1.3.1 → production'
  ])
})

test('only act 4 is checked; what a pipeline that deploys nothing did not do does not hold', () => {
  expect(outcome.checks.map(check => check.act)).toEqual([4, 4, 4, 4])
  expect(claim('1.3.1 on staging')).toMatchObject({ observed: 'success', pass: true })
  expect(claim('soak skipped')).toMatchObject({
    observed: expect.stringMatching(/^emergency=\?/),
    pass: false
  })
  expect(claim('approval still required')).toMatchObject({ observed: 'none', pass: false })
})

test('"production runs 1.3.1" does not hold while production runs 1.0.0', () => {
  const check = claim('production runs 1.3.1')
  expect(check?.observed).toBe('web:1.0.0')
  expect(check?.pass).toBe(false)
})

test('the story table in colour, the promotion board, the report where --report says', () => {
  const text = out.text
  expect(text).toContain('━━ The story, checked against what the simulator and its GitHub ended in')
  expect(text).toContain('\u001b[32m✓\u001b[39m')
  expect(text).toContain('\u001b[31m✗\u001b[39m')
  const holding = outcome.checks.filter(check => check.pass).length
  expect(text).toContain(`${holding}/4 claims hold · 9 rehearsals`)
  expect(text).toContain('━━ Where every version stands: fargate-promote status')
  expect(text).toMatch(/^production\s+web\s/m)
  expect(outcome.report).toBe(report())
  expect(text).toContain(`HTML report: ${report()}`)
  const html = readFileSync(report(), 'utf8')
  expect(html).toContain('emergency 1.3.1 → production')
  expect(html).not.toMatch(/<script/i)
})

test('--keep: where the simulator runs, running while kept, stopped once runDemo returns', async () => {
  expect(kept?.alive).toBe(true)
  expect(out.text).toContain(`The simulator keeps running at ${kept?.url}:`)
  expect(out.text).toContain(`export AWS_ENDPOINT_URL=${kept?.url} `)
  expect(out.text).toContain('Press Ctrl-C to stop it.')
  await expect(fetch(`${kept?.url}/_sim/clock`)).rejects.toThrow()
  expect(existsSync(outcome.stage.dir)).toBe(true)
})

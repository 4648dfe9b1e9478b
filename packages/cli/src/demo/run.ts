import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scaledClock } from '@fargate-promote/common'
import { readConfigFile, type LoadedConfig } from '@fargate-promote/promotion'
import { openSim, writeHtmlReport } from '@fargate-promote/rehearsal'
import type { OutStream } from '../io.js'
import { run as runCli } from '../run.js'
import { printable } from '../text.js'
import { ACT_TITLES, playActs, type Check } from './acts.js'
import { ACTOR, REPOSITORY, type Stage } from './stage.js'
import { createWorkspace } from './workspace.js'

export interface DemoOptions {
  productRoot: string
  out: OutStream
  color: boolean
  /** Play only this act (the ones before it set the stage quietly). */
  act?: number
  timeScale: number
  /** PATH, HOME and LANG of this machine, for the steps, git and the simulator. */
  hostEnv: Readonly<Record<string, string | undefined>>
  /** The node binary the action bundles run on (default: this one). */
  node?: string
  report?: string
  /** No live trees: the story's lines and tables only. */
  quiet?: boolean
  /** Leave the simulator running; resolves when `keep` resolves. */
  keep?: (simUrl: string) => Promise<void>
}

export interface DemoOutcome {
  checks: Check[]
  report: string
  stage: Stage
  wallMs: number
}

function storyTable(checks: Check[], color: boolean): string {
  const mark = (pass: boolean) =>
    pass ? (color ? '\u001b[32m✓\u001b[39m' : '✓') : color ? '\u001b[31m✗\u001b[39m' : '✗'
  const rows = checks.map(c => [String(c.act), c.claim, printable(c.observed), mark(c.pass)])
  const head = ['act', 'the story says', 'observed', '']
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map(r => (i === 3 ? 1 : (r[i] ?? '').length)))
  )
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 3 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')
  return [line(head), ...rows.map(line)].join('\n')
}

async function printStatus(stage: Stage): Promise<void> {
  const env = {
    AWS_ENDPOINT_URL: stage.sim.url,
    AWS_ACCESS_KEY_ID: 'demo',
    AWS_SECRET_ACCESS_KEY: 'demo',
    AWS_REGION: 'eu-west-1',
    GITHUB_API_URL: `${stage.sim.url}/github`,
    GH_TOKEN: 'demo-token',
    NO_COLOR: stage.color ? undefined : '1'
  }
  await runCli(['status', '--repo', REPOSITORY], {
    stdout: stage.out,
    stderr: stage.out,
    env,
    cwd: stage.dir,
    // The board reads times on the simulator's clock, as every action of the story did.
    clock: scaledClock(stage.sim.time)
  })
}

/** The HTML report of every rehearsal of the story; returns its path. */
async function writeReport(stage: Stage, path: string): Promise<string> {
  await writeHtmlReport(path, {
    title: 'Fargate Promote demo: shop-web from 1.1.0 to 1.3.1',
    generatedAt: Date.now(),
    runs: stage.runs,
    timeline: stage.timeline
  })
  return path
}

/** `npm run demo`: the whole promotion story, rehearsed with the shipped templates. */
export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const started = Date.now()
  const dir = await mkdtemp(join(tmpdir(), 'fargate-promote-demo-'))
  const git = await createWorkspace(
    options.productRoot,
    dir,
    options.hostEnv.PATH ?? '/usr/bin:/bin'
  )
  const config = (await readConfigFile({
    path: '.github/fargate-promote.yml',
    roots: { workspace: dir },
    input: 'config'
  })) as LoadedConfig
  const root = await git('rev-parse', 'HEAD')
  const sim = await openSim({
    config: config.config,
    productRoot: options.productRoot,
    workDir: await mkdtemp(join(tmpdir(), 'fargate-promote-demo-sim-')),
    timeScale: options.timeScale,
    hostEnv: options.hostEnv,
    repository: REPOSITORY,
    actor: ACTOR,
    initial: '1.0.0',
    history: { main: [root] },
    // Production's load balancer has its second target group (weight 0) from the start, as the
    // infrastructure code would add it: act 6's config switches the service to canary.
    alternateTargetGroups: ['production']
  })
  let quiet = options.quiet === true
  const stage: Stage = {
    productRoot: options.productRoot,
    hostEnv: options.hostEnv,
    node: options.node,
    dir,
    git,
    sim,
    config,
    out: options.out,
    color: options.color,
    quiet,
    runs: [],
    timeline: [],
    releases: new Map(),
    pushed: new Map([['main', root]]),
    say: text => {
      // Quiet keeps the story (acts, reasons, waits) and drops each rehearsal's own lines.
      if (!quiet || !/^(\n▶| {2}→)/.test(text)) options.out.write(`${text}\n`)
    }
  }
  try {
    const first = options.act ?? 1
    const last = options.act ?? ACT_TITLES.length
    if (first > 1) options.out.write(`Setting the stage: acts 1-${first - 1} run first, quietly.\n`)
    const checks = await playActs(stage, first, last, q => {
      quiet = q || options.quiet === true
      stage.quiet = quiet
    })
    options.out.write('\n━━ Where every version stands: fargate-promote status\n')
    await printStatus(stage)
    const report = await writeReport(stage, options.report ?? join(dir, 'rehearsal-report.html'))
    const wallMs = Date.now() - started
    options.out.write(
      `\n━━ The story, checked against what the simulator and its GitHub ended in\n${storyTable(checks, options.color)}\n`
    )
    options.out.write(
      `\n${checks.filter(c => c.pass).length}/${checks.length} claims hold · ${stage.runs.length} rehearsals · ${(wallMs / 1000).toFixed(1)} s\nHTML report: ${report}\n`
    )
    if (options.keep !== undefined) {
      options.out.write(
        `\nThe simulator keeps running at ${sim.url}:\n  export AWS_ENDPOINT_URL=${sim.url} AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y AWS_REGION=eu-west-1\n  aws ecs describe-services --cluster shop-production --services web\n  (SDK: new ECSClient({ endpoint: '${sim.url}' }); GitHub: GITHUB_API_URL=${sim.url}/github)\nPress Ctrl-C to stop it.\n`
      )
      await options.keep(sim.url)
    }
    return { checks, report, stage, wallMs }
  } finally {
    await sim.stop()
  }
}

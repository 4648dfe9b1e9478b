import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { scaledClock } from '@fargate-promote/common'
import { readConfigFile, type LoadedConfig } from '@fargate-promote/promotion'
import {
  WorkflowError,
  createLiveTree,
  openSim,
  protectionFromConfig,
  readRehearsalFile,
  rehearse,
  resultTable,
  writeHtmlReport,
  type ApprovalRequest,
  type LiveTree,
  type RehearsalResult
} from '@fargate-promote/rehearsal'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { UsageError, reportFailure } from '../failures.js'
import type { CliIo } from '../io.js'
import { jsonLine, printable } from '../text.js'
import { createUi, wantColor } from '../ui.js'

/** This checkout of fargate-promote: the actions' bundles and the simulator. */
export const PRODUCT_ROOT = fileURLToPath(new URL('../../../..', import.meta.url))
export const PRODUCT_REPOSITORY = 'fargate-promote/fargate-promote'

export interface RehearseOptions {
  event: string
  ref?: string
  sha?: string
  input?: string[]
  var?: string[]
  secret?: string[]
  approve?: string[]
  reject?: string[]
  sim?: string
  timeScale?: number
  report?: string
  strict?: boolean
  actor?: string
  node?: string
  repo?: string
  config?: string
  json?: boolean
  color?: boolean
}

export function pairs(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const value of values ?? []) {
    const at = value.indexOf('=')
    if (at <= 0) throw new UsageError(`${flag} '${printable(value)}' is not name=value.`)
    out[value.slice(0, at)] = value.slice(at + 1)
  }
  return out
}

async function gitValue(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', args, { cwd })
    return stdout.trim() || undefined
  } catch {
    return undefined
  }
}

function decisions(options: RehearseOptions): Record<string, 'approve' | 'reject'> {
  const out: Record<string, 'approve' | 'reject'> = {}
  for (const env of options.approve ?? []) out[env] = 'approve'
  for (const env of options.reject ?? []) {
    if (out[env] !== undefined)
      throw new UsageError(`--approve and --reject both name ${printable(env)}.`)
    out[env] = 'reject'
  }
  return out
}

/** Asks the person at the terminal; undefined when nobody can be asked. */
function asker(
  io: CliIo,
  tree: LiveTree
): ((request: ApprovalRequest) => Promise<boolean>) | undefined {
  if (io.stdin?.isTTY !== true || io.stdout.isTTY !== true) return undefined
  return async request => {
    // The tree stops redrawing while the question waits, so nothing is drawn over it.
    tree.pause()
    const prompt = createInterface({ input: io.stdin as NodeJS.ReadableStream, output: io.stderr })
    try {
      const answer = await prompt.question(
        `\nReview deployments: ${request.environment} (job ${request.job}) waits for ${request.reviewers.join(', ')}. Approve? [y/N] `
      )
      return /^y(es)?$/i.test(answer.trim())
    } finally {
      prompt.close()
      tree.resume()
    }
  }
}

export interface RehearsalRun {
  result: RehearsalResult
  report: string
}

async function loadConfig(path: string, cwd: string): Promise<LoadedConfig> {
  // A path is always given, so a missing file is an error of its own (never undefined).
  return (await readConfigFile({
    path,
    roots: { workspace: cwd },
    input: '--config'
  })) as LoadedConfig
}

/** Everything a bad command line can get wrong, checked before the simulator is touched. */
function commandLine(options: RehearseOptions) {
  if (options.event !== 'push' && options.event !== 'workflow_dispatch') {
    throw new UsageError(
      `--event must be push or workflow_dispatch, not '${printable(options.event)}'.`
    )
  }
  const event: 'push' | 'workflow_dispatch' = options.event
  return {
    event,
    inputs: pairs(options.input, '--input'),
    vars: pairs(options.var, '--var'),
    secrets: pairs(options.secret, '--secret'),
    decisions: decisions(options)
  }
}

/** The run's settings from the options and the repository, and the simulator seeded for it. */
async function prepare(options: RehearseOptions, io: CliIo) {
  const repoRoot = io.cwd
  const config = await loadConfig(options.config ?? '.github/fargate-promote.yml', repoRoot)
  const branch = (await gitValue(repoRoot, ['rev-parse', '--abbrev-ref', 'HEAD'])) ?? 'main'
  const ref = options.ref ?? `refs/heads/${branch === 'HEAD' ? 'main' : branch}`
  const sha = options.sha ?? (await gitValue(repoRoot, ['rev-parse', 'HEAD'])) ?? '0'.repeat(40)
  const repository =
    options.repo ?? io.env.GITHUB_REPOSITORY ?? `local/${basename(resolve(repoRoot))}`
  const actor = options.actor ?? io.env.GITHUB_ACTOR ?? 'rehearsal'
  const workDir = await mkdtemp(join(tmpdir(), 'fargate-promote-rehearsal-'))
  const sim = await openSim({
    config: config.config,
    productRoot: PRODUCT_ROOT,
    workDir,
    ...(options.sim !== undefined && { url: options.sim }),
    timeScale: options.timeScale ?? 60,
    repository,
    actor,
    // The sim's GitHub knows the commit as the head of the branch it runs on.
    ...(ref.startsWith('refs/heads/') && { history: { [ref.slice('refs/heads/'.length)]: [sha] } }),
    hostEnv: io.env
  })
  return { repoRoot, config, ref, sha, repository, actor, workDir, sim }
}

/**
 * `rehearse <workflow>`: the simulator seeded from the config (or `--sim`), the workflow run
 * with GitHub's parser and expression engine, a live tree, a table and an HTML report.
 */
export async function rehearseCommand(
  workflow: string,
  options: RehearseOptions,
  io: CliIo
): Promise<ExitCode> {
  const ui = createUi(options, io)
  const color = wantColor(options.json === true ? io.stderr : io.stdout, options.color, io.env)
  let stop = () => Promise.resolve()
  try {
    const given = commandLine(options)
    const standIns = await readRehearsalFile(io.cwd)
    const { repoRoot, config, ref, sha, repository, actor, workDir, sim } = await prepare(
      options,
      io
    )
    stop = () => sim.stop()
    const out = options.json === true ? io.stderr : io.stdout
    // Durations and countdowns on the simulator's clock, as every wait in the rehearsal.
    const clock = scaledClock(sim.time)
    const tree = createLiveTree(out, { color, now: () => clock.now() })
    const ask = asker(io, tree)
    let result: RehearsalResult
    try {
      result = await rehearse({
        repoRoot,
        workflow,
        ...given,
        ref,
        sha,
        repository,
        actor,
        ...(ask !== undefined && { ask }),
        // Ctrl-C (the bin's SIGINT) cancels the run: its steps stopped, cancelled() jobs run.
        ...(io.signal !== undefined && { signal: io.signal }),
        strict: options.strict === true,
        sim: { url: sim.url, time: sim.time },
        protection: protectionFromConfig(config.config),
        product: { root: PRODUCT_ROOT, repository: PRODUCT_REPOSITORY },
        standIns,
        ...(options.node !== undefined && { node: options.node }),
        listener: tree,
        hostEnv: io.env,
        workDir
      })
    } finally {
      tree.finish()
    }
    const report = resolve(repoRoot, options.report ?? join(workDir, 'report.html'))
    const runs = [{ title: result.title, result }]
    await writeHtmlReport(report, {
      title: `Rehearsal of ${result.title}`,
      generatedAt: Date.now(),
      runs,
      timeline: result.timeline
    })
    if (options.json === true) io.stdout.write(jsonLine({ ...result, report }))
    else {
      ui.print(resultTable(runs, { color, timeScale: sim.time.scale }))
      ui.print(`\nHTML report: ${report}`)
    }
    if (result.conclusion === 'cancelled') return EXIT.cancelled
    return result.conclusion === 'success' ? EXIT.ok : EXIT.failed
  } catch (error) {
    if (error instanceof WorkflowError) {
      // The live tree has shown each problem already; --json gets them as its one document.
      if (options.json === true)
        io.stdout.write(jsonLine({ conclusion: 'invalid', problems: error.problems }))
      return EXIT.invalidConfig
    }
    return reportFailure(error, ui)
  } finally {
    await stop()
  }
}

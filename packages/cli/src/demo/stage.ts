import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LoadedConfig } from '@fargate-promote/promotion'
import {
  createLiveTree,
  protectionFromConfig,
  pushCommits,
  rehearse,
  repositoryOf,
  silentListener,
  type EnvironmentEvent,
  type JobResult,
  type RehearsalListener,
  type RehearsalResult,
  type RunningSim,
  type StepResult
} from '@fargate-promote/rehearsal'
import type { OutStream } from '../io.js'
import type { Git } from './workspace.js'
import { PRODUCT_REPOSITORY } from '../commands/rehearse.js'
import { scaledClock } from '@fargate-promote/common'

export const REPOSITORY = 'acme/shop'
export const ACTOR = 'dana-dev'

/** Everything the acts share: the app repository, the simulator, the story so far. */
export interface Stage {
  productRoot: string
  hostEnv: Readonly<Record<string, string | undefined>>
  /** The node binary the action bundles run on (default: this one). */
  node?: string
  dir: string
  git: Git
  sim: RunningSim
  config: LoadedConfig
  out: OutStream
  color: boolean
  /** Quiet: no live tree (the end-to-end test). */
  quiet: boolean
  runs: { title: string; result: RehearsalResult }[]
  timeline: EnvironmentEvent[]
  /** Release name → commit and version label (the short sha deploy.yml records). */
  releases: Map<string, { sha: string; version: string }>
  /** Each branch's head as the sim's GitHub knows it. */
  pushed: Map<string, string>
  say(text: string): void
}

/** A hook the act gives to watch (and act on) steps as they run. */
export type StepHook = (job: JobResult, step: StepResult) => void

function withHook(listener: RehearsalListener, hook: StepHook | undefined): RehearsalListener {
  if (hook === undefined) return listener
  return {
    ...listener,
    stepChanged: (job, step) => (hook(job, step), listener.stepChanged(job, step))
  }
}

export interface Rehearsal {
  title: string
  workflow: string
  event: 'push' | 'workflow_dispatch'
  branch: string
  inputs?: Record<string, string>
  approve?: string[]
  hook?: StepHook
}

/**
 * Tells the sim's GitHub about the commits a push adds, as GitHub learns them: a new branch
 * starts at its branch point on main, an existing one gets the commits since its last push.
 */
async function push(stage: Stage, branch: string): Promise<void> {
  const known = stage.pushed.get(branch)
  const base = known ?? (await stage.git('merge-base', 'main', branch))
  const added = (await stage.git('rev-list', '--reverse', `${base}..${branch}`))
    .split('\n')
    .filter(Boolean)
  if (added.length === 0) return
  await pushCommits(
    stage.sim.url,
    REPOSITORY,
    branch,
    known === undefined ? [base, ...added] : added
  )
  stage.pushed.set(branch, added[added.length - 1] as string)
}

/** One rehearsal of a shipped workflow, on the current commit of `branch`. */
export async function rehearseStep(stage: Stage, step: Rehearsal): Promise<RehearsalResult> {
  const sha = await stage.git('rev-parse', step.branch)
  if (step.event === 'push') await push(stage, step.branch)
  stage.say(
    `\n▶ ${step.title}: ${step.workflow} on ${step.event} (${step.branch} @ ${sha.slice(0, 7)})`
  )
  const tree = stage.quiet
    ? undefined
    : createLiveTree(stage.out, {
        color: stage.color,
        now: () => scaledClock(stage.sim.time).now()
      })
  const region = stage.config.config.environments.staging?.region ?? 'us-east-1'
  try {
    const result = await rehearse({
      repoRoot: stage.dir,
      workflow: step.workflow,
      event: step.event,
      ref: `refs/heads/${step.branch}`,
      sha,
      repository: REPOSITORY,
      actor: ACTOR,
      inputs: step.inputs ?? {},
      vars: {
        IMAGE_REPOSITORY: repositoryOf(region, stage.config.config.application ?? 'app', 'web'),
        AWS_BUILD_ROLE_ARN: 'arn:aws:iam::123456789012:role/shop-image-build',
        EMERGENCY_ACTORS: ACTOR
      },
      decisions: Object.fromEntries((step.approve ?? []).map(env => [env, 'approve' as const])),
      strict: true,
      sim: { url: stage.sim.url, time: stage.sim.time },
      protection: protectionFromConfig(stage.config.config),
      product: { root: stage.productRoot, repository: PRODUCT_REPOSITORY },
      listener: withHook(tree ?? silentListener, step.hook),
      hostEnv: stage.hostEnv,
      node: stage.node,
      workDir: await mkdtemp(join(tmpdir(), 'fargate-promote-demo-run-')),
      runId: stage.runs.length + 1
    })
    stage.runs.push({ title: step.title, result })
    stage.timeline.push(...result.timeline)
    stage.say(`  → ${result.conclusion}`)
    return result
  } finally {
    tree?.finish()
  }
}

/** Waits `minutes` of sim time (staging's soak), saying so. */
export async function waitSim(stage: Stage, minutes: number, why: string): Promise<void> {
  stage.say(
    `\n… ${why}: ${minutes} min of simulated time (${((minutes * 60) / stage.sim.time.scale).toFixed(1)} s here)`
  )
  await scaledClock(stage.sim.time).sleep(minutes * 60_000)
}

/** A release: the version in package.json and the image's simulated behaviour, committed. */
export async function release(stage: Stage, name: string, behaviour: string): Promise<string> {
  const { readFile, writeFile } = await import('node:fs/promises')
  const pkg = join(stage.dir, 'package.json')
  await writeFile(
    pkg,
    (await readFile(pkg, 'utf8')).replace(/"version": "[^"]*"/, `"version": "${name}"`)
  )
  const dockerfile = join(stage.dir, 'Dockerfile')
  await writeFile(
    dockerfile,
    (await readFile(dockerfile, 'utf8')).replace(
      /(LABEL fargate-promote\.rehearsal\.behaviour=)"[^"]*"/,
      `$1"${behaviour}"`
    )
  )
  await stage.git('add', '-A')
  await stage.git('commit', '-q', '-m', `shop-web ${name}`)
  const sha = await stage.git('rev-parse', 'HEAD')
  stage.releases.set(name, { sha, version: sha.slice(0, 7) })
  return sha
}

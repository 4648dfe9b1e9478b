import type { TimeScale } from '@fargate-promote/common'
import type {
  EnvironmentEvent,
  JobResult,
  Problem,
  RehearsalListener,
  StepResult
} from '../model.js'
import type { StandInDeclaration } from '../stand-ins/types.js'
import type { ActionResolver } from './actions.js'
import type { LoadedWorkflow } from '../workflow/load.js'

/** An environment's protection rules, from the config file. */
export interface EnvironmentProtection {
  reviewers: string[]
  waitTimerMinutes: number
  /** Branch patterns allowed to deploy (empty, with no tags: any). */
  branches: string[]
  /** Tag patterns allowed to deploy. */
  tags?: string[]
  /** The person who started the run may not approve it. */
  preventSelfReview?: boolean
}

export interface ApprovalRequest {
  environment: string
  job: string
  reviewers: string[]
}

export interface RehearsalOptions {
  /** The application repository: the workspace every step runs in. */
  repoRoot: string
  /** Repository-relative path of the workflow. */
  workflow: string
  event: 'push' | 'workflow_dispatch'
  /** refs/heads/… or refs/tags/… */
  ref: string
  sha: string
  /** owner/name */
  repository: string
  actor: string
  inputs?: Record<string, string>
  vars?: Record<string, string>
  secrets?: Record<string, string>
  /** Answers given up front, by environment: --approve / --reject. */
  decisions?: Record<string, 'approve' | 'reject'>
  /** Asks a person (a terminal); without it an undecided approval stops the rehearsal. */
  ask?: (request: ApprovalRequest) => Promise<boolean>
  /** References to outputs nobody declares or sets are errors, not warnings. */
  strict?: boolean
  sim: { url: string; time: TimeScale }
  protection?: (environment: string) => EnvironmentProtection | undefined
  /** This project's checkout (its actions' dist/ bundles) and the name workflows use for it. */
  product: { root: string; repository: string }
  standIns?: Record<string, StandInDeclaration>
  /** The node binary the bundles run on (default: this process's). */
  node?: string
  listener?: RehearsalListener
  signal?: AbortSignal
  runId?: number
  /** This machine's PATH, HOME and LANG, which steps inherit (nothing else of the caller's environment). */
  hostEnv?: Readonly<Record<string, string | undefined>>
  /** Real ms a job may run per ms of its timeout-minutes (default 1: real time, as on GitHub). */
  jobTimeoutScale?: number
  /** A fresh directory for the runner's files of every step. */
  workDir: string
}

/** The state of one rehearsal, shared by every job and step. */
export interface Engine {
  options: RehearsalOptions
  listener: RehearsalListener
  jobs: JobResult[]
  problems: Problem[]
  standIns: Record<string, string>
  timeline: EnvironmentEvent[]
  /** Secrets and `::add-mask::` values: never stored in a result. */
  masks: string[]
  signal: AbortSignal
  workflows: Map<string, LoadedWorkflow>
  /** How each `uses:` runs: our bundle, a stand-in, or nothing (resolved once per action). */
  resolve: ActionResolver
  /** The `github` context of the run (event payload included). */
  github: Record<string, unknown>
  /** Concurrency groups: the tail of each group's queue. */
  groups: Map<string, Promise<void>>
  /** Sim time now, and a wait in sim time. */
  now(): number
  sleep(simMs: number): Promise<void>
  nextId(): number
}

export const silentListener: RehearsalListener = {
  jobChanged: () => undefined,
  stepChanged: () => undefined,
  stepLine: () => undefined,
  environment: () => undefined,
  problem: () => undefined
}

export function report(engine: Engine, problem: Problem): void {
  engine.problems.push(problem)
  engine.listener.problem(problem)
}

export function emitStep(engine: Engine, job: JobResult, step: StepResult): void {
  engine.listener.stepChanged(job, step)
}

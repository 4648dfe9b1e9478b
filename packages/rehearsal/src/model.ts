/**
 * What a rehearsal produces: the results of every job and step, the environments' timeline, and
 * the problems found before or while running. The engine fills these in; the live tree, the
 * final table and the HTML report only read them.
 */

/** A job's or step's end state, as GitHub names it (`needs.<job>.result`, `steps.<id>.outcome`). */
export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped'

/** A state while running, then the conclusion. */
export type RunState = 'queued' | 'waiting' | 'running' | Conclusion

/** How a step was run. */
export type StepKind =
  /** This project's action: its committed dist/ bundle, run as the runner runs it. */
  | 'action'
  /** A `run:` script in bash. */
  | 'run'
  /** A third-party action replaced by a declared stand-in (listed as such in every output). */
  | 'stand-in'

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
}

export interface StepResult {
  /** The step's `id` (generated ids like `__run` for steps without one). */
  id: string
  /** What the tree shows: the step's `name`, else `uses` or the first line of `run`. */
  name: string
  kind: StepKind
  /** `uses:` of an action step. */
  uses?: string
  /** For a stand-in: what it did instead (e.g. "pushed shop/web:5f3c9a1 to the sim: sha256:…"). */
  standIn?: string
  /** The main part of the step; a post step of the same action is its own StepResult with `post: true`. */
  post?: boolean
  state: RunState
  startedAt?: number
  endedAt?: number
  outputs: Record<string, string>
  /** The step's log: stdout and stderr, workflow commands left as written. */
  log: string
  /** What the step wrote to GITHUB_STEP_SUMMARY (Markdown, possibly with HTML). */
  summary: string
  annotations: Annotation[]
  /** Why the step failed or was skipped, in one line. */
  reason?: string
}

export interface ApprovalRecord {
  decision: 'approved' | 'rejected'
  /** Who answered: a reviewer from the config, `--approve` on the command line, or the terminal user. */
  by: string
  at: number
  /** The environment's wait timer, in sim milliseconds; 0 for none. */
  waitTimerMs: number
}

export interface JobResult {
  /**
   * Unique path of the job in this rehearsal: `deploy`, or `deploy/plan` for a job of a reusable
   * workflow called by job `deploy`, with ` (a, b)` for a matrix combination.
   */
  key: string
  /** The job's display name (`name:` evaluated, else its id). */
  name: string
  /** The workflow file the job is in (repository-relative). */
  workflow: string
  /** Keys of the jobs it needs (same workflow). */
  needs: string[]
  /** Set when the job runs in a GitHub environment. */
  environment?: { name: string; url?: string; approval?: ApprovalRecord }
  state: RunState
  startedAt?: number
  endedAt?: number
  outputs: Record<string, string>
  steps: StepResult[]
  /** A job that calls a reusable workflow: the keys of the jobs it ran. */
  calls?: string[]
  /** Why the job failed or was skipped, in one line. */
  reason?: string
}

/** A problem found by the rehearsal itself: a parse error, an expression error, an undeclared output. */
export interface Problem {
  level: 'error' | 'warning'
  message: string
  /** Repository-relative file, with a 1-based line and column where known. */
  file?: string
  line?: number
  column?: number
  /** Job key and step id or name where the problem is. */
  job?: string
  step?: string
  /** The expression, as written without `${{ }}`. */
  expression?: string
}

/** One event in an environment's life during the rehearsal, for the timeline. */
export interface EnvironmentEvent {
  environment: string
  at: number
  kind:
    | 'approval-requested'
    | 'approved'
    | 'rejected'
    | 'wait-timer'
    | 'deployed'
    | 'deployment-failed'
    | 'rolled-back'
    | 'verified'
  /** One line for a person: "1.1.0 by octocat", "wait timer 5m", "rejected by --reject". */
  detail: string
  /** The job key it happened in. */
  job?: string
}

export interface RehearsalResult {
  /** The workflow file rehearsed (repository-relative). */
  workflow: string
  /** The workflow's `name:`. */
  title: string
  event: string
  ref: string
  sha: string
  startedAt: number
  endedAt: number
  /** Every job, in the order they started (jobs of called workflows right after their caller). */
  jobs: JobResult[]
  problems: Problem[]
  /** Every stand-in used: `uses` → what it does instead. */
  standIns: Record<string, string>
  timeline: EnvironmentEvent[]
  /** success when every job that ran succeeded (skipped jobs do not count), else failure or cancelled. */
  conclusion: Exclude<Conclusion, 'skipped'>
}

/** Called by the engine as the rehearsal runs; the live tree implements it. */
export interface RehearsalListener {
  jobChanged(job: JobResult): void
  stepChanged(job: JobResult, step: StepResult): void
  /** A line of a step's output (stdout or stderr), as it arrives. */
  stepLine(job: JobResult, step: StepResult, line: string): void
  environment(event: EnvironmentEvent): void
  problem(problem: Problem): void
}

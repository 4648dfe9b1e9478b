import type { JobResult } from '../model.js'
import type { Engine } from './context.js'
import type { Evaluation, Producers } from './scope.js'
import type { ActionManifest } from './actions.js'

/** A post step waiting for the end of its job (run in reverse order). */
export interface PendingPost {
  stepId: string
  name: string
  uses: string
  dir: string
  manifest: ActionManifest & { post: string }
  inputEnv: Record<string, string>
  state: Record<string, string>
}

/** One job while it runs. */
export interface JobState extends Producers {
  engine: Engine
  result: JobResult
  file: string
  evaluation: Evaluation
  /** Workflow and job `env:`, evaluated. */
  baseEnv: Record<string, string>
  /** Variables steps exported through GITHUB_ENV. */
  exported: Record<string, string>
  /** Directories steps added through GITHUB_PATH (newest first). */
  path: string[]
  failed: boolean
  defaults: { shell?: string; workingDirectory?: string }
  posts: PendingPost[]
  /** The runner's directory for this job (RUNNER_TEMP and the step files). */
  dir: string
  signal: AbortSignal
  /** The job's id in its workflow (GITHUB_JOB), without a matrix combination. */
  jobId: string
}

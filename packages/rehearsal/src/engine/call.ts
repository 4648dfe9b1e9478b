import type { LoadedWorkflow } from '../workflow/load.js'

/** One run of a workflow file: the top one, or a reusable workflow called by a job. */
export interface WorkflowCall {
  workflow: LoadedWorkflow
  inputs: Record<string, unknown>
  secrets: Record<string, string>
  /** Key prefix of its jobs (`deploy/` for jobs of the workflow job `deploy` calls). */
  prefix: string
  /** The workflow's `env:`, evaluated. */
  env: Record<string, string>
}

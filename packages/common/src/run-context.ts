/**
 * What a front end knows about the run it is part of: for an action, the documented GITHUB_*
 * variables (read once by packages/runner); for the CLI, the repository it runs in. Use cases
 * read defaults from it (the commit as the version, the actor of a rollback) and never read
 * the environment themselves.
 */
export interface RunContext {
  /** `owner/repo`, or undefined outside a workflow. */
  repository?: string
  sha?: string
  ref?: string
  actor?: string
  workflow?: string
  /** `owner/repo/.github/workflows/promote.yml@refs/heads/main`. */
  workflowRef?: string
  runId?: string
  runAttempt?: string
  serverUrl: string
  apiUrl: string
  /** The checked-out repository; relative file settings resolve against it. */
  workspace: string
  /** The runner's temp directory (emptied after every job), when there is one. */
  runnerTemp?: string
  /** Link to this workflow run, when the repository and run id are known. */
  runUrl?: string
}

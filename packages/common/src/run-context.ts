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

/** A GITHUB_* value: trimmed, and undefined when empty. */
function value(
  env: Readonly<Record<string, string | undefined>>,
  name: string
): string | undefined {
  const text = env[name]?.trim()
  return text ? text : undefined
}

/**
 * The run context from the documented GITHUB_* variables of `env` (the runner's, or a command
 * line's), with `defaults` for what they do not say (the CLI's checkout and working directory).
 */
export function runContextFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  defaults: Pick<RunContext, 'workspace' | 'repository' | 'sha' | 'ref'>
): RunContext {
  const serverUrl = (value(env, 'GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, '')
  const repository = defaults.repository ?? value(env, 'GITHUB_REPOSITORY')
  const runId = value(env, 'GITHUB_RUN_ID')
  return {
    repository,
    sha: value(env, 'GITHUB_SHA') ?? defaults.sha,
    ref: value(env, 'GITHUB_REF') ?? defaults.ref,
    actor: value(env, 'GITHUB_ACTOR'),
    workflow: value(env, 'GITHUB_WORKFLOW'),
    workflowRef: value(env, 'GITHUB_WORKFLOW_REF'),
    runId,
    runAttempt: value(env, 'GITHUB_RUN_ATTEMPT'),
    serverUrl,
    apiUrl: (value(env, 'GITHUB_API_URL') ?? 'https://api.github.com').replace(/\/+$/, ''),
    workspace: value(env, 'GITHUB_WORKSPACE') ?? defaults.workspace,
    runnerTemp: value(env, 'RUNNER_TEMP'),
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined
  }
}

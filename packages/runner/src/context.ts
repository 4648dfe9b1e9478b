/**
 * What the runner tells every step about the workflow run, read from the documented GITHUB_*
 * variables. Adapters read it once and pass plain values to the libraries.
 */
export interface RunContext {
  /** `owner/repo`, or undefined outside a workflow. */
  repository?: string
  sha?: string
  ref?: string
  actor?: string
  workflow?: string
  runId?: string
  runAttempt?: string
  serverUrl: string
  apiUrl: string
  /** The checked-out repository; relative file inputs resolve against it. */
  workspace: string
  /** Link to this workflow run, when the repository and run id are known. */
  runUrl?: string
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name]?.trim()
  return text ? text : undefined
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const serverUrl = (value(env, 'GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, '')
  const repository = value(env, 'GITHUB_REPOSITORY')
  const runId = value(env, 'GITHUB_RUN_ID')
  return {
    repository,
    sha: value(env, 'GITHUB_SHA'),
    ref: value(env, 'GITHUB_REF'),
    actor: value(env, 'GITHUB_ACTOR'),
    workflow: value(env, 'GITHUB_WORKFLOW'),
    runId,
    runAttempt: value(env, 'GITHUB_RUN_ATTEMPT'),
    serverUrl,
    apiUrl: (value(env, 'GITHUB_API_URL') ?? 'https://api.github.com').replace(/\/+$/, ''),
    workspace: value(env, 'GITHUB_WORKSPACE') ?? process.cwd(),
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined
  }
}

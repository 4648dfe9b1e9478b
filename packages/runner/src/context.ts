import type { RunContext } from '@fargate-promote/common'

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name]?.trim()
  return text ? text : undefined
}

/** What the runner tells every step about the workflow run, from the documented GITHUB_* variables. */
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
    workflowRef: value(env, 'GITHUB_WORKFLOW_REF'),
    runId,
    runAttempt: value(env, 'GITHUB_RUN_ATTEMPT'),
    serverUrl,
    apiUrl: (value(env, 'GITHUB_API_URL') ?? 'https://api.github.com').replace(/\/+$/, ''),
    workspace: value(env, 'GITHUB_WORKSPACE') ?? process.cwd(),
    runnerTemp: value(env, 'RUNNER_TEMP'),
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined
  }
}

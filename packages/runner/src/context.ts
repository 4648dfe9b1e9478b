import { runContextFromEnv, type RunContext } from '@fargate-promote/common'

/** What the runner tells every step about the workflow run, from the documented GITHUB_* variables. */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  return runContextFromEnv(env, { workspace: process.cwd() })
}

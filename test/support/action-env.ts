/**
 * Runs an action's adapter in-process the way the runner would run its bundle: INPUT_* and
 * STATE_* variables, fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, and the
 * AWS and GitHub endpoints pointing at the simulator. Used for the adapters' tests (which count
 * towards coverage); the bundles themselves are run as child processes in test/e2e.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputEnv, parseFileCommands, repoRoot } from '../e2e/run-action.js'

export interface ActionEnv {
  outputs(): Record<string, string>
  state(): Record<string, string>
  summary(): string
  stdout(): string
  exitCode(): number | undefined
  restore(): void
}

/** Set once per test file, before the action modules are imported (Octokit reads it then). */
export function pointAtSim(simUrl: string): void {
  Object.assign(process.env, {
    GITHUB_API_URL: `${simUrl}/github`,
    AWS_ENDPOINT_URL: simUrl,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDSIMULATOR',
    AWS_SECRET_ACCESS_KEY: 'simulator-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTOR: 'octocat',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: repoRoot
  })
}

const files = mkdtempSync(join(tmpdir(), 'action-env-'))
// @actions/core remembers the summary file of its first write: keep one path per process.
const summaryFile = join(files, 'summary')

export function actionEnv(
  inputs: Record<string, string>,
  state: Record<string, string> = {}
): ActionEnv {
  const outputFile = join(files, 'output')
  const stateFile = join(files, 'state')
  for (const file of [outputFile, stateFile, summaryFile]) writeFileSync(file, '')
  const added: Record<string, string> = {
    ...inputEnv(inputs),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STATE: stateFile,
    GITHUB_STEP_SUMMARY: summaryFile
  }
  for (const [name, value] of Object.entries(state)) added[`STATE_${name}`] = value
  Object.assign(process.env, added)
  let stdout = ''
  const write = process.stdout.write.bind(process.stdout)
  // The action's log is kept for assertions; ACTION_LOG=1 also shows it.
  process.stdout.write = (chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    stdout += text
    if (process.env.ACTION_LOG === '1') write(text)
    return true
  }
  process.exitCode = undefined
  return {
    outputs: () => parseFileCommands(readFileSync(outputFile, 'utf8')),
    state: () => parseFileCommands(readFileSync(stateFile, 'utf8')),
    summary: () => readFileSync(summaryFile, 'utf8'),
    stdout: () => stdout,
    exitCode: () => (typeof process.exitCode === 'number' ? process.exitCode : undefined),
    restore: () => {
      process.stdout.write = write
      for (const name of Object.keys(added)) delete process.env[name]
      process.exitCode = undefined
    }
  }
}

export function removeActionEnvFiles(): void {
  rmSync(files, { recursive: true, force: true })
}

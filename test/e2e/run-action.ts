/**
 * Runs a bundled action (actions/<name>/dist/index.js) as the GitHub runner does: a child
 * Node 24 process (test/support/node-runtime.ts) with INPUT_* variables (hyphens kept, spaces
 * as `_`), the runner's file commands (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY,
 * GITHUB_ENV, GITHUB_PATH) as fresh files, AWS and GitHub endpoints pointing at the
 * simulator, and STATE_* for post steps.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { nodeRuntime } from '../support/node-runtime.js'

export const repoRoot = new URL('../..', import.meta.url).pathname.replace(/\/$/, '')

export interface ActionRun {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  durationMs: number
}

export interface RunOptions {
  action: string
  /** `dist/index.js` (default) or `dist/post/index.js`. */
  entry?: string
  inputs: Record<string, string>
  simUrl: string
  /** STATE_* values for a post step (from a previous run's `state`). */
  state?: Record<string, string>
  env?: Record<string, string>
  /** Send SIGINT after this many ms (cancellation), then SIGTERM 7.5 s later, as the runner does. */
  cancelAfterMs?: number
  /** Called for every stdout chunk (e.g. to cancel when a line appears). */
  onStdout?: (chunk: string, child: { kill(signal: NodeJS.Signals): boolean }) => void
  timeoutMs?: number
}

/** Parses `name<<delimiter\nvalue\ndelimiter\n` and `name=value` file-command entries. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string]
      const body: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '')
      values[name] = body.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      values[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return values
}

export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

/**
 * The runner passes every input of action.yml: a `default` when the workflow gives none, as if
 * it had been given (an action cannot tell the two apart). The harness does the same.
 */
export function inputDefaults(action: string): Record<string, string> {
  const manifest = parse(readFileSync(join(repoRoot, 'actions', action, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: string | number | boolean }>
  }
  const defaults: Record<string, string> = {}
  for (const [name, input] of Object.entries(manifest.inputs ?? {})) {
    if (input.default !== undefined) defaults[name] = String(input.default)
  }
  return defaults
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), `e2e-${options.action}-`))
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const stateEnv: Record<string, string> = {}
  for (const [name, value] of Object.entries(options.state ?? {})) stateEnv[`STATE_${name}`] = value
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    ...files,
    ...inputEnv({ ...inputDefaults(options.action), ...options.inputs }),
    ...stateEnv,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTOR: 'octocat',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'promote',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: `${options.simUrl}/github`,
    GITHUB_WORKSPACE: repoRoot,
    AWS_ENDPOINT_URL: options.simUrl,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDSIMULATOR',
    AWS_SECRET_ACCESS_KEY: 'simulator-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...options.env
  }
  const started = Date.now()
  const entry = join(repoRoot, 'actions', options.action, options.entry ?? 'dist/index.js')
  try {
    return await new Promise<ActionRun>((resolve, reject) => {
      const child = spawn(nodeRuntime().path, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      const timers: NodeJS.Timeout[] = []
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        options.onStdout?.(chunk, child)
      })
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      if (options.cancelAfterMs !== undefined) {
        timers.push(setTimeout(() => child.kill('SIGINT'), options.cancelAfterMs))
        timers.push(setTimeout(() => child.kill('SIGTERM'), options.cancelAfterMs + 7500))
      }
      timers.push(
        setTimeout(() => {
          child.kill('SIGKILL')
          reject(
            new Error(
              `${options.action} did not finish within ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`
            )
          )
        }, options.timeoutMs ?? 60_000)
      )
      child.on('error', reject)
      child.on('close', (exitCode, signal) => {
        timers.forEach(clearTimeout)
        resolve({
          exitCode,
          signal,
          stdout,
          stderr,
          outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
          state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
          summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
          durationMs: Date.now() - started
        })
      })
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

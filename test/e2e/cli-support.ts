/**
 * Running the fargate-promote CLI in-process, as its bin does but with this test's streams,
 * environment and working directory: nothing of the jest process is read or changed.
 */
import { PassThrough, Writable } from 'node:stream'
import { run, type CliIo } from '@fargate-promote/cli'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** A stream that keeps what is written; `isTTY` makes it look like a terminal. */
export class Captured extends Writable {
  text = ''
  constructor(
    readonly isTTY = false,
    private readonly onText?: (text: string) => void
  ) {
    super()
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
    this.onText?.(this.text)
    done()
  }
}

/** A terminal's input with the given lines already typed. */
export function typed(lines: readonly string[]): PassThrough & { isTTY: boolean } {
  const input = Object.assign(new PassThrough(), { isTTY: true })
  input.end(lines.map(line => `${line}\n`).join(''))
  return input
}

export interface RunCliOptions {
  env?: Record<string, string | undefined>
  cwd: string
  stdin?: CliIo['stdin']
  /** Make stdout and stderr terminals. */
  tty?: boolean
  /** The run's cancellation (what the bin makes of SIGINT). */
  signal?: AbortSignal
  /** Called with everything on stderr so far, after each write. */
  onStderr?: (text: string) => void
}

export async function runCli(argv: string[], options: RunCliOptions): Promise<CliRun> {
  const stdout = new Captured(options.tty)
  const stderr = new Captured(options.tty, options.onStderr)
  const code = await run(argv, {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd,
    stdin: options.stdin,
    ...(options.signal !== undefined && { signal: options.signal })
  })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

/** Control characters a terminal would act on; none may reach the CLI's output. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/

/** The commit the e2e scenario's `main` holds (test/fixtures/e2e.yml). */
export const MAIN_SHA = '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f'

/**
 * The environment the use-case commands run with against the sim: AWS and GitHub pointed at
 * it, keys (the sim checks none), the repository and the commit of the scenario's `main`.
 */
export function simEnv(simUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: simUrl,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 'b',
    GITHUB_API_URL: `${simUrl}/github`,
    GH_TOKEN: 'ghp_test',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: MAIN_SHA,
    GITHUB_ACTOR: 'alice',
    ...extra
  }
}

/**
 * A config file over the e2e scenario: `staging` is its cluster (web, with a 30 min soak), and
 * `production` a cluster the sim does not have (a part of the board that cannot be read).
 */
export const SIM_CONFIG = `version: 1
application: shop
environments:
  staging:
    region: eu-west-1
    cluster: staging
    services:
      - name: web
        containers: [web]
    soak: 30m
  production:
    region: eu-west-1
    cluster: production
    services:
      - name: web
        containers: [web]
`

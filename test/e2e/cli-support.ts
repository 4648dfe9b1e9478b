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
  constructor(readonly isTTY = false) {
    super()
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
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
}

export async function runCli(argv: string[], options: RunCliOptions): Promise<CliRun> {
  const stdout = new Captured(options.tty)
  const stderr = new Captured(options.tty)
  const code = await run(argv, {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd,
    stdin: options.stdin
  })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

/** Control characters a terminal would act on; none may reach the CLI's output. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/

import { Writable } from 'node:stream'
import type { CliIo } from '../src/io.js'

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

/** A terminal stream as a tty.WriteStream looks to the spinner. */
export function terminal(): Captured {
  return Object.assign(new Captured(true), {
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true
  })
}

export function testIo(overrides: Partial<CliIo> = {}): CliIo & {
  stdout: Captured
  stderr: Captured
} {
  return {
    stdout: new Captured(),
    stderr: new Captured(),
    env: {},
    cwd: '/',
    ...overrides
  } as CliIo & { stdout: Captured; stderr: Captured }
}

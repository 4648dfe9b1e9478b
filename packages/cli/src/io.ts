import type { Readable, Writable } from 'node:stream'
import type { Clock } from '@fargate-promote/common'

/** A stream as the CLI writes it: a terminal when `isTTY` is true. */
export type OutStream = Writable & { isTTY?: boolean }
export type InStream = Readable & { isTTY?: boolean }

/**
 * Everything the CLI takes from its process, passed in: the bin hands over process's streams,
 * environment and working directory; tests pass their own, so no test touches process state.
 */
export interface CliIo {
  stdout: OutStream
  stderr: OutStream
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  /** Answers to `init`'s questions; questions are asked only when it is a terminal. */
  stdin?: InStream
  /**
   * Aborted when the process is asked to stop (SIGINT, SIGTERM: see processCancellation):
   * deploy, verify, gate and rollback then stop waiting and report what they saw.
   */
  signal?: AbortSignal
  /** How the commands wait and tell the time; default the system clock. Tests pass a fake. */
  clock?: Clock
}

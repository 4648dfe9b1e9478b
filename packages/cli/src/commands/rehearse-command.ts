import type { Command } from '@commander-js/extra-typings'
import type { ExitCode } from '../exit-codes.js'
import type { CliIo } from '../io.js'

/**
 * `fargate-promote rehearse`: registered by the program; the options and the action are added
 * here so the rehearsal's wiring lives in one file.
 */
export function addRehearse(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  void program
  void io
  void done
}

/*
 * The `fargate-promote` command: presentation over the use cases of @fargate-promote/promotion.
 * `run` is the whole CLI; bin/fargate-promote.js only hands it the process.
 */
export { run } from './run.js'
export { buildProgram, VERSION } from './program.js'
export { EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes.js'
export type { CliIo, OutStream, InStream } from './io.js'
export { wantColor, table } from './ui.js'
export { printable } from './text.js'
export { processCancellation, type ProcessCancellation, type SignalSource } from './cancellation.js'

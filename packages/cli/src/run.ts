import { CommanderError } from '@commander-js/extra-typings'
import { errorMessage } from '@fargate-promote/common'
import { EXIT, type ExitCode } from './exit-codes.js'
import type { CliIo } from './io.js'
import { buildProgram, VERSION } from './program.js'
import { jsonLine, printableLines } from './text.js'

/** `--json` as commander would see it: before a `--` that ends the options. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json')
}

/** Program options that take a value: what follows them is not a command. */
const VALUED = new Set(['--repo', '--config'])

/**
 * `--version` (or `-V`) before any command: the program's version. After a command it is that
 * command's own option (deploy's release label), so commander never sees the program's.
 */
export function wantsVersion(argv: readonly string[]): boolean {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string
    if (arg === '--version' || arg === '-V') return true
    if (arg === '--' || !arg.startsWith('-')) return false
    if (VALUED.has(arg)) index++
  }
  return false
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns its exit code. It
 * exits nothing and reads no process state: the bin passes process's streams, environment and
 * working directory, tests pass their own.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let code: ExitCode = EXIT.ok
  try {
    if (wantsVersion(argv)) {
      io.stdout.write(`${VERSION}\n`)
      return EXIT.ok
    }
    await buildProgram(io, result => (code = result)).parseAsync([...argv], { from: 'user' })
    return code
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; everything else commander stops is usage.
      if (error.exitCode === 0) return EXIT.ok
      if (wantsJson(argv)) {
        const problem = { message: error.message.replace(/^error: /, '') }
        io.stdout.write(`${jsonLine({ ok: false, exitCode: EXIT.usage, errors: [problem] })}\n`)
      }
      return EXIT.usage
    }
    // Actions report their own failures; this is a bug, said once, plainly.
    io.stderr.write(`fargate-promote: ${printableLines(errorMessage(error))}\n`)
    return EXIT.failed
  }
}

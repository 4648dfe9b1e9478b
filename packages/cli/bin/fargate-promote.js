#!/usr/bin/env node
// Runs the TypeScript source directly, as packages/sim's bin does: the CLI has no build step.
// The only code that reads process state: run() takes the streams, environment and directory.
import { register } from 'tsx/esm/api'

register()
// A reader that stops early (`| head`) closes the pipe: the rest of the output is not wanted.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', error => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}
const { run, processCancellation } = await import('../src/index.ts')
// SIGINT/SIGTERM abort the run: a deploy that started puts the services back, then exits 130.
const cancellation = processCancellation(process)
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: cancellation.signal
})
cancellation.dispose()

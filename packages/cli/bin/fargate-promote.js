#!/usr/bin/env node
// In this repository the CLI runs its TypeScript source through tsx (no build step, as the
// simulator's bin); the published package has no src/ and runs dist/index.js, the bundle
// scripts/build-cli.mjs makes when scripts/pack-cli.mjs packs the package.
// The only code that reads process state: run() takes the streams, environment and directory.
import { existsSync } from 'node:fs'

const source = new URL('../src/index.ts', import.meta.url)
let cli
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api')
  register()
  cli = await import(source.href)
} else {
  cli = await import('../dist/index.js')
}
// A reader that stops early (`| head`) closes the pipe: the rest of the output is not wanted.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', error => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}
const { run, processCancellation } = cli
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

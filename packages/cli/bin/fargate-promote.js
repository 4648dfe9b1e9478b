#!/usr/bin/env node
// Runs the TypeScript source directly, as packages/sim's bin does: the CLI has no build step.
// The only code that reads process state: run() takes the streams, environment and directory.
import { register } from 'tsx/esm/api'

register()
const { run } = await import('../src/run.ts')
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd()
})

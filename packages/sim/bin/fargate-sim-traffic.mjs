#!/usr/bin/env node
// Steady traffic on a sim listener, in its own process (see src/traffic-cli.ts).
import { register } from 'tsx/esm/api'

register()
const { runTrafficCli } = await import('../src/traffic-cli.ts')
const stopSignal = new Promise(resolve => {
  process.once('SIGTERM', resolve)
  process.once('SIGINT', resolve)
})
process.exitCode = await runTrafficCli(process.argv.slice(2), {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  stopSignal
})

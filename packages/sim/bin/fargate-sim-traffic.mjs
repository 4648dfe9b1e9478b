#!/usr/bin/env node
// Steady traffic on a sim listener, in its own process (see src/traffic-cli.ts).
import { setInterval, clearInterval } from 'node:timers'
import { register } from 'tsx/esm/api'

register()
const { runTrafficCli } = await import('../src/traffic-cli.ts')
// The generator's timer does not hold the process open (it is unref'd): this one does, until asked to stop.
const keepAlive = setInterval(() => {}, 60_000)
const stopSignal = new Promise(resolve => {
  process.once('SIGTERM', resolve)
  process.once('SIGINT', resolve)
}).finally(() => clearInterval(keepAlive))
process.exitCode = await runTrafficCli(process.argv.slice(2), {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  stopSignal
})

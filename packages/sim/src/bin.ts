import { processStopSignal, runCli } from './cli.js'

// The process entry (bin/fargate-sim.mjs loads this through tsx); all logic lives in cli.ts.
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  stopSignal: processStopSignal
})

// npm run demo [-- --act N] [-- --keep]: the whole dev → staging → production story, rehearsed
// with the shipped workflow templates against the local simulator (packages/sim).
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register()
const usage =
  'usage: npm run demo [-- --act 1-6] [--keep] [--time-scale N] [--report PATH] [--quiet]'
let values
try {
  ;({ values } = parseArgs({
    options: {
      act: { type: 'string' },
      keep: { type: 'boolean' },
      'time-scale': { type: 'string' },
      report: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' }
    }
  }))
} catch (error) {
  console.error(`${error.message}\n${usage}`)
  process.exit(2)
}
if (values.help) {
  console.log(usage)
  process.exit(0)
}
const act = values.act === undefined ? undefined : Number(values.act)
const timeScale = Number(values['time-scale'] ?? 180)
if ((act !== undefined && !(Number.isInteger(act) && act >= 1 && act <= 6)) || !(timeScale > 0)) {
  console.error(`--act must be 1 to 6 and --time-scale a positive number.\n${usage}`)
  process.exit(2)
}
const { runDemo } = await import('../packages/cli/src/demo/run.ts')
const color = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb'
const outcome = await runDemo({
  productRoot: fileURLToPath(new URL('..', import.meta.url)),
  out: process.stdout,
  color,
  act,
  timeScale,
  hostEnv: process.env,
  report: values.report,
  quiet: values.quiet === true,
  keep: values.keep ? () => new Promise(resolve => process.once('SIGINT', resolve)) : undefined
})
process.exit(outcome.checks.every(check => check.pass) ? 0 : 1)

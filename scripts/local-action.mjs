// npm run local -- <action> [--env FILE] [--sim URL] [--out DIR]
// Runs one action's source on this machine with @github/local-action (which stands in for
// @actions/core and @actions/github) against the simulator: starts packages/sim seeded with the
// sample world of scripts/env-example.mjs (or uses the running sim given with --sim, seeding it
// when it lacks that world), writes the action's .env.example (or FILE) with the sim's address
// and clock filled in, runs `local-action run actions/<action> src/main.ts <that file>`, prints
// the job summary, stops a sim it started and exits with the action's status.
/* global fetch */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { register } from 'tsx/esm/api'
import { actionNames, root } from './actions.mjs'
import {
  dotenvValue,
  envExamplePath,
  RUN_VARIABLES,
  SAMPLE_SERVICE_ARN,
  SAMPLE_WORLD
} from './env-example.mjs'

const USAGE = `Usage: npm run local -- <action> [--env FILE] [--sim URL] [--out DIR]

  <action>     ${actionNames().join(', ')}
  --env FILE   inputs and variables (default actions/<action>/.env.example)
  --sim URL    a running simulator (default: start one with the sample world, stop it after)
  --out DIR    where the run's .env, job summary and RUNNER_TEMP go (default .tmp/local-action/<action>)`
// Fast enough for a rollout in seconds at the actions' default intervals, slow enough for the
// action to see every step of it.
const TIME_SCALE = 20

class UsageError extends Error {}

function parseCommandLine(argv) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { env: { type: 'string' }, sim: { type: 'string' }, out: { type: 'string' } }
    })
  } catch (error) {
    throw new UsageError(error.message)
  }
  const [action, ...extra] = parsed.positionals
  if (action === undefined) throw new UsageError('name the action to run')
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`)
  if (!actionNames().includes(action)) throw new UsageError(`there is no action '${action}'`)
  const env = resolve(parsed.values.env ?? envExamplePath(action))
  if (!existsSync(env)) throw new UsageError(`--env: ${env} does not exist`)
  const out = resolve(parsed.values.out ?? join(root, '.tmp', 'local-action', action))
  return { action, env, sim: parsed.values.sim, out }
}

/** A started sim with the sample world, or the given one (seeded when it lacks that world). */
async function openSim(url, workDir) {
  register()
  const { connectSim, seedSim, startSim } = await import('../packages/rehearsal/src/sim/start.ts')
  if (url === undefined) {
    return startSim({
      productRoot: root,
      workDir,
      timeScale: TIME_SCALE,
      scenario: SAMPLE_WORLD,
      hostEnv: process.env
    })
  }
  const sim = await connectSim(url)
  const state = await (await fetch(`${sim.url}/_sim/state`)).json()
  const seeded = state.ecs.services.some(
    service => service.arn === SAMPLE_SERVICE_ARN && service.status === 'ACTIVE'
  )
  if (!seeded) await seedSim(sim.url, SAMPLE_WORLD)
  return sim
}

/** The env file with the variables of this run in place of the file's own. */
function runEnvFile(source, values) {
  const own = new RegExp(`^\\s*(?:export\\s+)?(?:${RUN_VARIABLES.join('|')})\\s*=`)
  const kept = readFileSync(source, 'utf8')
    .split('\n')
    .filter(line => !own.test(line))
  const set = Object.entries(values).map(([key, value]) => `${key}=${dotenvValue(value)}`)
  return [...kept, '# ---- Set by npm run local for this run', ...set, ''].join('\n')
}

/** The caller's environment without anything that could steer the action elsewhere. */
function childEnv(simUrl) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_|AWS_)/.test(key)) env[key] = value
  }
  // local-action's Octokit reads GITHUB_API_URL when it starts, before it loads the env file.
  return { ...env, GITHUB_API_URL: `${simUrl}/github` }
}

function runLocalAction(action, envFile, simUrl) {
  const bin = join(root, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js')
  const args = [bin, 'run', join('actions', action), 'src/main.ts', envFile]
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: childEnv(simUrl),
    stdio: 'inherit'
  })
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)))
  })
}

async function run({ action, env, sim: simUrl, out }) {
  rmSync(out, { recursive: true, force: true })
  const runnerTemp = join(out, 'runner-temp')
  mkdirSync(runnerTemp, { recursive: true })
  const sim = await openSim(simUrl, out)
  try {
    console.log(`Simulator: ${sim.url}${simUrl === undefined ? ' (started for this run)' : ''}`)
    const summary = join(out, 'summary.md')
    writeFileSync(summary, '')
    const envFile = join(out, '.env')
    writeFileSync(
      envFile,
      runEnvFile(env, {
        AWS_ENDPOINT_URL: sim.url,
        GITHUB_API_URL: `${sim.url}/github`,
        FARGATE_PROMOTE_SIM_CLOCK: `${sim.time.origin},${sim.time.scale}`,
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: runnerTemp
      })
    )
    const status = await runLocalAction(action, envFile, sim.url)
    const text = readFileSync(summary, 'utf8').trim()
    if (text !== '') console.log(`\n==== Job summary (${relative(root, summary)})\n\n${text}\n`)
    console.log(`${action} ${status === 0 ? 'succeeded' : `failed (exit code ${status})`}.`)
    return status
  } finally {
    await sim.stop()
  }
}

async function main() {
  let options
  try {
    options = parseCommandLine(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`local-action: ${error.message}\n\n${USAGE}`)
    return 2
  }
  // Ctrl-C reaches the action too (same process group): wait for it to finish, then stop the sim.
  process.on('SIGINT', () => {})
  return run(options)
}

process.exitCode = await main()

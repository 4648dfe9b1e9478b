// Bundles every action with ncc: actions/<name>/dist/index.js (+ dist/post/index.js), each with
// source maps, and dist/licenses.txt listing the third-party packages the bundles contain.
// Usage: node scripts/build.mjs [--out-root DIR] [action ...]
// --out-root writes to DIR/actions/<name>/dist instead (check-dist builds into a temp folder).
//
// Stack traces name the TypeScript file and line: the runner prints an error's stack with
// RUNNER_DEBUG=1, and `runs.main` starts under node24 with no flags, so dist/index.js is a
// loader that turns Node's own source maps on and then imports the bundle (dist/bundle.js).
// Node reads a module's map when it loads it, so the bundle and every chunk it loads later are
// mapped; the bundle itself could not turn them on for its own file. The maps keep neither the
// sources' text (the stack needs only lines) nor names (ncc's maps are per line, so the name at
// a line's start would stand for the function: V8's own names are the right ones).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { actionNames, bundleEntries, root } from './actions.mjs'
import { INPUTS_FILE, renderInputs } from './dist-inputs.mjs'
import { bundledPackageDirs, LICENCES_FILE, renderLicences } from './licenses.mjs'

const BUNDLE = 'bundle.js'
const LOADER = [
  '// Written by scripts/build.mjs: source maps on, so that a stack names the .ts file and line.',
  'process.setSourceMapsEnabled(true)',
  `await import('./${BUNDLE}')`,
  ''
].join('\n')
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** A mapping segment without its fifth field (the name): four base64 VLQ values at most. */
function withoutName(segment) {
  let fields = 0
  for (let i = 0; i < segment.length; i++) {
    // A VLQ value ends at a digit without the continuation bit (32).
    if ((BASE64.indexOf(segment[i]) & 32) === 0 && ++fields === 4) return segment.slice(0, i + 1)
  }
  return segment
}

/**
 * ncc writes each source as '../' + its path from the action's folder (its context), which is
 * right only for a map one level down (dist/, not dist/post/): rewritten relative to the map.
 * webpack's own modules (its runtime, `external "fs"`) are no files: webpack:/// names.
 */
function rewriteSource(source, actionDir, entryDir) {
  if (!source.startsWith('../')) throw new Error(`unexpected source in a map: ${source}`)
  const path = source.slice('../'.length)
  if (/^(webpack\/|external )/.test(path)) return `webpack:///${path}`
  return relative(entryDir, resolve(actionDir, path))
}

function rewriteMap(mapPath, file, actionDir, entryDir) {
  const map = JSON.parse(readFileSync(mapPath, 'utf8'))
  const sources = map.sources.map(source => rewriteSource(source, actionDir, entryDir))
  const mappings = map.mappings
    .split(';')
    .map(line => line.split(',').map(withoutName).join(','))
    .join(';')
  const rewritten = { version: 3, file, sources, names: [], mappings }
  if (map.ignoreList) rewritten.ignoreList = map.ignoreList
  writeFileSync(mapPath, JSON.stringify(rewritten))
}

/**
 * ncc's index.js becomes bundle.js behind the loader; every map in `outDir` is rewritten for
 * `entryDir`, the place of `outDir` in the repository (they differ with --out-root).
 */
function finishEntry(actionDir, outDir, entryDir) {
  const index = join(outDir, 'index.js')
  const code = readFileSync(index, 'utf8')
  const comment = '//# sourceMappingURL=index.js.map'
  if (!code.trimEnd().endsWith(comment)) throw new Error(`${index} does not end with ${comment}`)
  writeFileSync(
    join(outDir, BUNDLE),
    code.replace(
      /\/\/# sourceMappingURL=index\.js\.map(\s*)$/,
      `//# sourceMappingURL=${BUNDLE}.map$1`
    )
  )
  renameSync(join(outDir, 'index.js.map'), join(outDir, `${BUNDLE}.map`))
  writeFileSync(index, LOADER)
  for (const name of readdirSync(outDir)
    .filter(name => name.endsWith('.js.map'))
    .sort()) {
    rewriteMap(join(outDir, name), name.slice(0, -'.map'.length), actionDir, entryDir)
  }
}

function buildEntry(name, entry, ncc) {
  const actionDir = join(root, 'actions', name)
  const out = join(outRoot, 'actions', name, entry.out)
  mkdirSync(out, { recursive: true })
  const started = Date.now()
  // --no-cache: ncc's persistent cache (~/.cache/ncc, shared by every build on a machine) has
  // served chunks built without source maps by an earlier configuration, so a build depended on
  // what had been built before it; check-dist must see what the sources alone produce.
  // --transpile-only: ts-loader would type-check the whole program again for every bundle (two
  // thirds of a build's CPU); `npm run typecheck` does that once. actions/<name>/tsconfig.json
  // says why the output is the same.
  const flags = [
    '--minify',
    '--source-map',
    '--no-source-map-register',
    '--no-cache',
    '--quiet',
    '--transpile-only'
  ]
  const result = spawnSync(process.execPath, [ncc, 'build', entry.source, '-o', out, ...flags], {
    cwd: actionDir,
    stdio: 'inherit'
  })
  if (result.status !== 0) {
    console.error(`build failed: actions/${name}/${entry.source}`)
    process.exit(1)
  }
  finishEntry(actionDir, out, join(actionDir, entry.out))
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  console.log(`built actions/${name}/${entry.out}/index.js in ${seconds}s`)
}

const args = process.argv.slice(2)
let outRoot = root
const outFlag = args.indexOf('--out-root')
if (outFlag !== -1) {
  outRoot = resolve(args[outFlag + 1] ?? '')
  args.splice(outFlag, 2)
}
const names = args.length > 0 ? args : actionNames()
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

for (const name of names) {
  const distDir = join(outRoot, 'actions', name, 'dist')
  rmSync(distDir, { recursive: true, force: true })
  for (const entry of bundleEntries(name)) buildEntry(name, entry, ncc)
  // One file for the action: main and post bundles ship, and are licensed, together.
  const repoDistDir = join(root, 'actions', name, 'dist')
  const packages = bundledPackageDirs(distDir, repoDistDir)
  writeFileSync(join(distDir, LICENCES_FILE), renderLicences(name, packages))
  // Last: it records every file written above (check-dist reads it before rebuilding).
  writeFileSync(join(distDir, INPUTS_FILE), renderInputs(name, distDir, repoDistDir))
}

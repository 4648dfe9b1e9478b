// dist/inputs.sha256: what an action's dist/ was built from, and what it holds, by SHA-256.
// build.mjs writes it last; check-dist.mjs reads it to tell, without rebuilding, that neither
// the sources nor the bundles have changed since a build (rebuilding the four actions costs ~90
// CPU seconds on the 2-core machine CI runs on, where npm test has ~480 in all for 4 minutes).
//
// The inputs are a superset of what ncc reads: every file under the src/ folder of each
// workspace package the bundles contain (read from the source maps, so a new file in a used
// package counts as a change even before anything imports it), the package.json and tsconfig
// files that steer resolution or transpilation, package-lock.json (which pins every file
// taken from node_modules: `npm ci` checks each package against its integrity hash) and the
// build scripts. If any of them differs, check-dist rebuilds and compares bytes as before.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { mapFiles } from './licenses.mjs'
import { filesUnder, root } from './actions.mjs'

export const INPUTS_FILE = 'inputs.sha256'
const HEADER = [
  '# Written by scripts/build.mjs. SHA-256 of every file this dist/ was built from (input) and',
  '# of every file it holds (output); `npm run check-dist` rebuilds only when one differs.'
]
const BUILD_SCRIPTS = [
  'scripts/build.mjs',
  'scripts/licenses.mjs',
  'scripts/actions.mjs',
  'scripts/dist-inputs.mjs'
]
// The root package.json: packages/common/src/version.ts puts its version into every bundle (a
// JSON module, which the maps do not list). The root tsconfig.json is not read by ncc: each
// action's own tsconfig.json (an input of its workspace) extends tsconfig.base.json.
const SETTINGS = ['package.json', 'package-lock.json', 'tsconfig.base.json']
// What ncc can take from a src/ folder; not .DS_Store, editor swap files or a merge's *.orig.
const BUNDLEABLE = /\.(?:[cm]?[jt]s|json)$/

const sha256 = path => createHash('sha256').update(readFileSync(path)).digest('hex')

/** `packages/ecs` for a source `../../../packages/ecs/src/x.ts` of a map in `repoMapDir`. */
function workspaceOf(repo, repoMapDir, source) {
  const path = relative(repo, join(repoMapDir, source))
  const match = /^((?:packages|actions)\/[^/]+)\/src\//.exec(path)
  return match === null ? undefined : match[1]
}

/** The workspace folders whose sources the bundles in `distDir` contain, sorted. */
function bundledWorkspaces(repo, distDir, repoDistDir) {
  const found = new Set()
  for (const file of mapFiles(distDir)) {
    const map = JSON.parse(readFileSync(join(distDir, file), 'utf8'))
    for (const source of map.sources) {
      const workspace = workspaceOf(repo, join(repoDistDir, dirname(file)), source)
      if (workspace !== undefined) found.add(workspace)
    }
  }
  return [...found].sort()
}

/** Repository-relative paths of every input of `name`'s dist/ as it lies in `distDir`. */
function inputPaths(repo, name, distDir, repoDistDir) {
  const workspaces = new Set([`actions/${name}`, ...bundledWorkspaces(repo, distDir, repoDistDir)])
  const paths = new Set([...BUILD_SCRIPTS, ...SETTINGS])
  for (const workspace of workspaces) {
    for (const file of filesUnder(join(repo, workspace, 'src'))) {
      if (BUNDLEABLE.test(file)) paths.add(`${workspace}/src/${file}`)
    }
    for (const file of ['package.json', 'tsconfig.json']) {
      if (existsSync(join(repo, workspace, file))) paths.add(`${workspace}/${file}`)
    }
  }
  return [...paths].sort()
}

/** Paths in `distDir`, relative to it, of every file the build wrote, the record excepted. */
function outputPaths(distDir) {
  return filesUnder(distDir).filter(file => file !== INPUTS_FILE)
}

/**
 * The record for `name`'s dist/ in `distDir` (the repository's, or a temporary build's whose
 * maps name sources as the repository's `repoDistDir` would). `repo`: the repository's root.
 */
export function renderInputs(name, distDir, repoDistDir = distDir, repo = root) {
  const lines = [...HEADER]
  for (const path of inputPaths(repo, name, distDir, repoDistDir)) {
    const file = join(repo, path)
    // A settings file the repository lacks is recorded as absent: adding one is a change.
    lines.push(`input ${existsSync(file) ? sha256(file) : 'absent'} ${path}`)
  }
  for (const path of outputPaths(distDir)) {
    lines.push(`output ${sha256(join(distDir, path))} ${path}`)
  }
  return `${lines.join('\n')}\n`
}

/** The `input …` and `output …` lines of a record (not its header). */
const entries = text => text.split('\n').filter(line => /^(input|output) /.test(line))

/**
 * What differs between the committed dist/ of `name`, the record in it and the files now on
 * disk: an empty list means the dist/ was built from exactly these sources and is unchanged.
 */
export function staleInputs(name, distDir, repo = root) {
  const recordPath = join(distDir, INPUTS_FILE)
  if (!existsSync(recordPath)) return [`actions/${name}/dist/${INPUTS_FILE} is missing`]
  const recorded = entries(readFileSync(recordPath, 'utf8'))
  const current = entries(renderInputs(name, distDir, distDir, repo))
  const describe = line => {
    const [kind, , path] = line.split(' ')
    return kind === 'input' ? path : `actions/${name}/dist/${path}`
  }
  const now = new Set(current)
  const before = new Set(recorded)
  const changed = new Set([
    ...recorded.filter(line => !now.has(line)).map(describe),
    ...current.filter(line => !before.has(line)).map(describe)
  ])
  return [...changed].sort()
}

// Fails if an action's committed dist/ does not match its sources, or if a committed
// dist/licenses.txt does not list every third-party package its bundles contain.
// Usage: node scripts/check-dist.mjs [--rebuild]
//
// An action whose dist/inputs.sha256 still matches every input and every file of its dist/
// (scripts/dist-inputs.mjs says what counts) was built from these sources: it is not rebuilt.
// Any other action is rebuilt into a temporary folder and compared byte for byte, as is every
// action with --rebuild (the repository's check-dist workflow passes it).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { actionNames, filesUnder, root } from './actions.mjs'
import { INPUTS_FILE, staleInputs } from './dist-inputs.mjs'
import { licenceProblems } from './licenses.mjs'

/** Every file of the committed dist/ that is missing, extra or different in the fresh build. */
function differences(name, temp, stale) {
  const problems = []
  const committed = join(root, 'actions', name, 'dist')
  const fresh = join(temp, 'actions', name, 'dist')
  const names = new Set([...filesUnder(committed), ...filesUnder(fresh)])
  for (const file of [...names].sort()) {
    const a = join(committed, file)
    const b = join(fresh, file)
    if (!existsSync(a)) problems.push(`actions/${name}/dist/${file} is missing`)
    else if (!existsSync(b)) problems.push(`actions/${name}/dist/${file} should not be there`)
    else if (readFileSync(a).equals(readFileSync(b))) continue
    // The record alone: the bundles match (a dependency or setting changed that none of them
    // uses). Not a failure, but every run rebuilds this action until the record is refreshed.
    else if (file === INPUTS_FILE) stale.push(name)
    else problems.push(`actions/${name}/dist/${file} is out of date`)
  }
  return problems
}

/** Rebuilds `names` into `temp`: what differs from their committed dist/, or undefined. */
function rebuildProblems(names, temp) {
  const build = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'build.mjs'), '--out-root', temp, ...names],
    { stdio: ['ignore', 'ignore', 'inherit'] }
  )
  if (build.status !== 0) {
    console.error('check-dist: the build failed, see above.')
    return undefined
  }
  const stale = []
  const problems = names.flatMap(name => differences(name, temp, stale))
  if (stale.length > 0) {
    console.log(
      `check-dist: the bundles of ${stale.join(', ')} match the sources, but dist/${INPUTS_FILE} ` +
        'lists inputs that changed since (nothing in the bundles uses the change): ' +
        '`npm run build` refreshes it; until then check-dist rebuilds them on every run.'
    )
  }
  return problems
}

/** The actions to rebuild, each with what changed since its dist/ was built (shown, 5 at most). */
function actionsToRebuild(rebuildAll) {
  const stale = []
  for (const name of actionNames()) {
    const changed = rebuildAll ? [] : staleInputs(name, join(root, 'actions', name, 'dist'))
    if (!rebuildAll && changed.length === 0) continue
    stale.push(name)
    if (changed.length === 0) continue
    const shown = changed.slice(0, 5).join(', ')
    const more = changed.length > 5 ? ` and ${changed.length - 5} more` : ''
    console.log(
      `check-dist: ${name} changed since its dist/ was built: ${shown}${more}; rebuilding`
    )
  }
  return stale
}

function check(temp, rebuildAll) {
  const names = actionsToRebuild(rebuildAll)
  const problems = names.length > 0 ? rebuildProblems(names, temp) : []
  if (problems === undefined) return false
  // Checked apart from the bytes: a package the build forgot would be missing from both.
  const licences = actionNames().flatMap(name =>
    licenceProblems(name, join(root, 'actions', name, 'dist'))
  )
  if (problems.length > 0) {
    console.error(
      `check-dist: the committed dist/ does not match the sources:\n  ${problems.join('\n  ')}`
    )
    console.error('Fix: run `npm run build` and commit actions/*/dist.')
  }
  if (licences.length > 0) {
    console.error(`check-dist: licences missing:\n  ${licences.join('\n  ')}`)
    console.error('Fix: scripts/licenses.mjs writes dist/licenses.txt; run `npm run build`.')
  }
  if (problems.length === 0 && licences.length === 0) {
    const all = actionNames().length
    const unchanged = all - names.length
    const how = [
      names.length > 0 ? `${names.length} rebuilt and compared` : '',
      unchanged > 0
        ? `${unchanged} unchanged since built, by dist/inputs.sha256 (--rebuild to rebuild them)`
        : ''
    ]
    console.log(
      `check-dist: dist/ of ${all} actions matches the sources: ${how.filter(Boolean).join('; ')}.`
    )
    return true
  }
  return false
}

const rebuildAll = process.argv.includes('--rebuild')
const temp = mkdtempSync(join(tmpdir(), 'check-dist-'))
try {
  if (!check(temp, rebuildAll)) process.exitCode = 1
} finally {
  rmSync(temp, { recursive: true, force: true })
}

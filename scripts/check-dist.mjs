// Rebuilds every action into a temporary folder and fails if the committed dist/ differs, or if
// a committed dist/licenses.txt does not list every third-party package its bundles contain.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { actionNames, root } from './actions.mjs'
import { licenceProblems } from './licenses.mjs'

function listFiles(dir) {
  if (!existsSync(dir)) return []
  const out = []
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) out.push(...listFiles(path))
    else out.push(path)
  }
  return out
}

/** Every file of the committed dist/ that is missing, extra or different in the fresh build. */
function differences(name, temp) {
  const problems = []
  const committed = join(root, 'actions', name, 'dist')
  const fresh = join(temp, 'actions', name, 'dist')
  const names = new Set([
    ...listFiles(committed).map(f => relative(committed, f)),
    ...listFiles(fresh).map(f => relative(fresh, f))
  ])
  for (const file of [...names].sort()) {
    const a = join(committed, file)
    const b = join(fresh, file)
    if (!existsSync(a)) problems.push(`actions/${name}/dist/${file} is missing`)
    else if (!existsSync(b)) problems.push(`actions/${name}/dist/${file} should not be there`)
    else if (!readFileSync(a).equals(readFileSync(b)))
      problems.push(`actions/${name}/dist/${file} is out of date`)
  }
  return problems
}

function check(temp) {
  const build = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'build.mjs'), '--out-root', temp],
    {
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )
  if (build.status !== 0) {
    console.error('check-dist: the build failed, see above.')
    return false
  }
  const problems = actionNames().flatMap(name => differences(name, temp))
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
  return problems.length === 0 && licences.length === 0
}

const temp = mkdtempSync(join(tmpdir(), 'check-dist-'))
try {
  if (check(temp))
    console.log(`check-dist: dist/ of ${actionNames().length} actions matches the sources.`)
  else process.exitCode = 1
} finally {
  rmSync(temp, { recursive: true, force: true })
}

// Rebuilds every action into a temporary folder and fails if the committed dist/ differs.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { actionNames, root } from './actions.mjs'

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

const temp = mkdtempSync(join(tmpdir(), 'check-dist-'))
try {
  const build = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'build.mjs'), '--out-root', temp],
    {
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )
  if (build.status !== 0) {
    console.error('check-dist: the build failed, see above.')
    process.exit(1)
  }
  const problems = []
  for (const name of actionNames()) {
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
  }
  if (problems.length > 0) {
    console.error(
      `check-dist: the committed dist/ does not match the sources:\n  ${problems.join('\n  ')}`
    )
    console.error('Fix: run `npm run build` and commit actions/*/dist.')
    process.exit(1)
  }
  console.log(`check-dist: dist/ of ${actionNames().length} actions matches the sources.`)
} finally {
  rmSync(temp, { recursive: true, force: true })
}

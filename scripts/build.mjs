// Bundles every action with ncc: actions/<name>/dist/index.js (+ dist/post/index.js).
// Usage: node scripts/build.mjs [--out-root DIR] [action ...]
// --out-root writes to DIR/actions/<name>/dist instead (check-dist builds into a temp folder).
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { actionNames, bundleEntries, root } from './actions.mjs'

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
  const actionDir = join(root, 'actions', name)
  const distDir = join(outRoot, 'actions', name, 'dist')
  rmSync(distDir, { recursive: true, force: true })
  for (const entry of bundleEntries(name)) {
    const out = join(outRoot, 'actions', name, entry.out)
    mkdirSync(out, { recursive: true })
    const started = Date.now()
    const result = spawnSync(
      process.execPath,
      [ncc, 'build', entry.source, '-o', out, '--minify', '--license', 'licenses.txt', '--quiet'],
      { cwd: actionDir, stdio: 'inherit' }
    )
    if (result.status !== 0) {
      console.error(`build failed: actions/${name}/${entry.source}`)
      process.exit(1)
    }
    console.log(
      `built actions/${name}/${entry.out}/index.js in ${((Date.now() - started) / 1000).toFixed(1)}s`
    )
  }
}

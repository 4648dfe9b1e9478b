// The actions of this repository and their bundle entries, shared by build, check-dist and manifest.
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

export const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '')

/** Every folder under actions/ that has an action.yml, sorted. */
export function actionNames() {
  return readdirSync(join(root, 'actions'), { withFileTypes: true })
    .filter(d => d.isDirectory() && existsSync(join(root, 'actions', d.name, 'action.yml')))
    .map(d => d.name)
    .sort()
}

/** The ncc entries of one action: main always, post when src/post.ts exists. */
export function bundleEntries(name) {
  const dir = join(root, 'actions', name)
  const entries = [{ source: 'src/index.ts', out: 'dist' }]
  if (existsSync(join(dir, 'src', 'post.ts')))
    entries.push({ source: 'src/post.ts', out: 'dist/post' })
  return entries
}

/** Every file under `dir`, relative to it, sorted; none when `dir` does not exist. */
export function filesUnder(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath ?? entry.path, entry.name)))
    .sort()
}

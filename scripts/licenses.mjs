// The third-party packages an action's bundles contain, and their licences: dist/licenses.txt.
// build.mjs writes it; check-dist.mjs checks that it names every package the bundles contain.
//
// What a bundle contains is read from its source maps: their `sources` list every file webpack
// put into it, lazily loaded chunks included. (ncc's own `--license` lost most of them: its
// licence plugin writes one file per chunk under the same name, so the last lazily loaded chunk
// overwrote the list of the entry chunk, which holds the AWS SDK, @actions/core and undici.)
// Packages are found under node_modules; the repository's own workspace packages are not listed.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { filesUnder } from './actions.mjs'

export const LICENCES_FILE = 'licenses.txt'
const BLOCK = '='.repeat(80)
const RULE = '-'.repeat(80)
const OWN_SCOPE = '@fargate-promote/'

/** Every source map under `distDir` (post/ included), relative to it, sorted. */
export function mapFiles(distDir) {
  return filesUnder(distDir).filter(file => file.endsWith('.map'))
}

function jsFiles(distDir) {
  return filesUnder(distDir).filter(file => file.endsWith('.js'))
}

/** `…/node_modules/@scope/name/lib/x.js` → `…/node_modules/@scope/name`; others: undefined. */
export function packageDirOf(source) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(source)
  return match === null ? undefined : match[1]
}

/**
 * The folders of the packages the bundles in `distDir` contain, as absolute paths, sorted. A
 * package in two versions (nested node_modules) is two folders. Sources are relative to their
 * map as it lies in `repoDistDir`, the dist/ folder in the repository (a build with --out-root
 * writes elsewhere).
 */
export function bundledPackageDirs(distDir, repoDistDir = distDir) {
  const dirs = new Set()
  for (const file of mapFiles(distDir)) {
    const map = JSON.parse(readFileSync(join(distDir, file), 'utf8'))
    for (const source of map.sources) {
      const dir = packageDirOf(source)
      if (dir !== undefined) dirs.add(join(repoDistDir, dirname(file), dir))
    }
  }
  return [...dirs].sort()
}

/** `license` of a package.json, or the legacy `licenses: [{ type }]`. */
function licenceId(manifest, dir) {
  const { license, licenses } = manifest
  if (typeof license === 'string') return license
  if (license && typeof license.type === 'string') return license.type
  if (Array.isArray(licenses) && licenses.length > 0)
    return licenses.map(entry => entry.type).join(' OR ')
  throw new Error(`${dir}/package.json has no "license": say which licence it is under.`)
}

/** The text of the first file named LICENSE*, LICENCE* or COPYING* (or NOTICE*), trimmed. */
function textOf(dir, pattern) {
  const file = readdirSync(dir)
    .sort()
    .find(name => pattern.test(name))
  return file === undefined ? undefined : readFileSync(join(dir, file), 'utf8').trim()
}

/** `git+https://github.com/aws/aws-sdk-js-v3.git` → `github.com/aws/aws-sdk-js-v3`. */
function repositoryOf(manifest) {
  const url =
    typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url
  return url?.replace(/^(git\+)?[a-z]+:\/\/(git@)?/, '').replace(/\.git$/, '')
}

/** Name, version, licence id, licence text and NOTICE text of the package in `dir`. */
export function packageLicence(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  return {
    dir,
    name: manifest.name,
    version: manifest.version,
    licence: licenceId(manifest, dir),
    repository: repositoryOf(manifest),
    text: textOf(dir, /^(licen[cs]e|copying)/i),
    notice: textOf(dir, /^notice/i)
  }
}

/**
 * A package published without its licence file (three of the AWS SDK's are) carries the text of
 * a package from the same repository under the same licence; with none, the build stops.
 */
function borrowMissingTexts(entries) {
  for (const entry of entries.filter(e => e.text === undefined)) {
    const donor = entries.find(
      other =>
        other.text !== undefined &&
        other.repository !== undefined &&
        other.repository === entry.repository &&
        other.licence === entry.licence
    )
    if (donor === undefined) {
      throw new Error(
        `${entry.dir} (${entry.name}, ${entry.licence}) has no LICENSE file and no package of ` +
          `its repository gives one: its bundle cannot carry the licence text. Add the text to ` +
          `scripts/licenses.mjs or bundle another package.`
      )
    }
    entry.text = donor.text
    entry.licence = `${entry.licence}; published without a licence file, text as in ${donor.name}`
  }
}

/** The packages of `dirs` that are not this repository's own (its workspace packages). */
function thirdParty(dirs) {
  const entries = dirs
    .map(packageLicence)
    .filter(entry => !entry.name.startsWith(OWN_SCOPE))
    .sort((a, b) => byCodeUnits(label(a), label(b)))
  borrowMissingTexts(entries)
  return entries
}

/** Sorting by code units: the same order on every machine, whatever its locale. */
function byCodeUnits(a, b) {
  return a < b ? -1 : a > b ? 1 : 0
}

function label(entry) {
  return `${entry.name}@${entry.version} (${entry.licence})`
}

/**
 * dist/licenses.txt of one action (or of `subject`, the CLI package): each licence text once, under the packages that carry it,
 * then each NOTICE file in full (Apache-2.0, section 4d). Only relative facts are written, so
 * the file is the same from any clone.
 */
export function renderLicences(action, dirs, subject = `actions/${action}/dist`) {
  const entries = thirdParty(dirs)
  const byText = new Map()
  for (const entry of entries) byText.set(entry.text, [...(byText.get(entry.text) ?? []), entry])
  const blocks = [...byText].map(([text, group]) => [group.map(label).join('\n'), text])
  const notices = entries
    .filter(entry => entry.notice !== undefined)
    .map(entry => [`NOTICE of ${label(entry)}`, entry.notice])
  const header = [
    `Third-party software in ${subject}: the npm packages bundled into its JavaScript, with`,
    'their licences and NOTICE files. Written by the build from what the bundles contain; do',
    'not edit.',
    'Fargate Promote itself is under the MIT licence: see LICENSE at the repository root.'
  ].join('\n')
  const body = [...blocks.sort((a, b) => byCodeUnits(a[0], b[0])), ...notices]
    .map(([title, text]) => `${BLOCK}\n${title}\n${RULE}\n${text}\n`)
    .join('\n')
  return `${header}\n\n${body}`
}

/** `name@version` of every package listed in a licenses.txt (the lines of each block's title). */
export function listedPackages(text) {
  const listed = new Set()
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== BLOCK) continue
    for (i++; i < lines.length && lines[i] !== RULE; i++) {
      const match = /^(@?[^@\s]+)@(\S+) \(.+\)$/.exec(lines[i] ?? '')
      if (match) listed.add(`${match[1]}@${match[2]}`)
    }
  }
  return listed
}

/**
 * What is wrong with the licences of the action whose dist/ is `distDir`: one line per bundled
 * third-party package that its licenses.txt does not list, naming the package and the action.
 * `repoDistDir` as for bundledPackageDirs.
 */
export function licenceProblems(action, distDir, repoDistDir = distDir) {
  const file = join(distDir, LICENCES_FILE)
  if (!existsSync(file)) return [`actions/${action}/dist/${LICENCES_FILE} is missing`]
  const listed = listedPackages(readFileSync(file, 'utf8'))
  // What a bundle holds is known only from its map; index.js files are the loaders.
  const problems = jsFiles(distDir)
    .filter(js => basename(js) !== 'index.js' && !existsSync(join(distDir, `${js}.map`)))
    .map(js => `actions/${action}/dist/${js} has no source map: what it bundles is unknown`)
  for (const dir of bundledPackageDirs(distDir, repoDistDir)) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    if (manifest.name.startsWith(OWN_SCOPE)) continue
    const id = `${manifest.name}@${manifest.version}`
    if (!listed.has(id))
      problems.push(`actions/${action} bundles ${id}, which dist/${LICENCES_FILE} does not list`)
  }
  return problems
}

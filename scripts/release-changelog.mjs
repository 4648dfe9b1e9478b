// Adds a published release's section to CHANGELOG.md; run by .github/workflows/release.yml.
// Usage: TAG=v1.2.3 PUBLISHED_AT=2026-12-07T10:00:00Z BODY='…' [NEWEST=false] \
//          node scripts/release-changelog.mjs [FILE]
//
// The release's values come from the environment, never from the command line or a script's
// text: a release body is anyone-with-write's text and must stay text. The new section
// `## vX.Y.Z — YYYY-MM-DD` goes under `## Unreleased`, which is emptied: it holds the release
// notes (BODY) and the Unreleased notes that were not already in them. Run again for the same
// tag, it changes nothing. A release older than the newest (NEWEST=false: a patch to an older
// line) was not cut from the default branch: its section goes in version order, and Unreleased
// keeps its entries.
import { readFileSync, writeFileSync } from 'node:fs'

const UNRELEASED = '## Unreleased'
const NOTHING_YET = '_Nothing yet._'

/** Lines outside fenced code blocks, with their index. */
function* proseLines(lines) {
  let fenced = false
  for (const [index, line] of lines.entries()) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    else if (!fenced) yield [index, line]
  }
}

/** The release notes one level under their section: `## What's Changed` → `#### What's Changed`. */
function demoteHeadings(text) {
  const lines = text.split('\n')
  for (const [index, line] of proseLines(lines)) {
    const heading = /^(#{1,6})(\s.*)$/.exec(line)
    if (heading) lines[index] = `${'#'.repeat(Math.min(6, heading[1].length + 2))}${heading[2]}`
  }
  return lines.join('\n')
}

/** [major, minor, patch] of a `## vX.Y.Z …` heading, else undefined. */
function headingVersion(line) {
  const match = /^## v(\d+)\.(\d+)\.(\d+)(\s|$)/.exec(line)
  return match ? match.slice(1, 4).map(Number) : undefined
}

function older(a, b) {
  const at = a.findIndex((part, i) => part !== b[i])
  return at !== -1 && a[at] < b[at]
}

/** An older release's section, before the first release heading older than it. */
function insertInOrder(lines, headings, { tag, date, section }) {
  const version = headingVersion(`## ${tag}`)
  const before = headings.find(([, line]) => {
    const other = headingVersion(line)
    return other !== undefined && older(other, version)
  })
  const at = before?.[0] ?? lines.length
  const added = [`## ${tag} — ${date}`, '', section, '']
  if (before === undefined && lines.at(-1) !== '') added.unshift('')
  return [...lines.slice(0, at), ...added, ...lines.slice(at)].join('\n')
}

/** The changelog with the release's section; unchanged when it has one already. */
export function addRelease(changelog, { tag, date, body, newest = true }) {
  if (!/^v\d+\.\d+\.\d+$/.test(tag)) throw new Error(`TAG '${tag}' is not of the form vX.Y.Z.`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`the date '${date}' is not YYYY-MM-DD.`)
  const lines = changelog.replace(/\r\n/g, '\n').split('\n')
  const headings = [...proseLines(lines)].filter(([, line]) => line.startsWith('## '))
  if (headings.some(([, line]) => line === `## ${tag}` || line.startsWith(`## ${tag} `)))
    return changelog
  const at = headings.findIndex(([, line]) => line.trim() === UNRELEASED)
  const start = at === -1 ? (headings[0]?.[0] ?? lines.length) : (headings[at]?.[0] ?? 0)
  const end = at === -1 ? start : (headings[at + 1]?.[0] ?? lines.length)
  const unreleased = lines
    .slice(at === -1 ? start : start + 1, end)
    .join('\n')
    .trim()
  const notes = demoteHeadings(body.replace(/\r\n/g, '\n').trim())
  if (!newest) return insertInOrder(lines, headings, { tag, date, section: notes || '_No notes._' })
  const pending = unreleased === NOTHING_YET || notes.includes(unreleased) ? '' : unreleased
  const section = [notes, pending].filter(text => text !== '').join('\n\n') || '_No notes._'
  const added = [UNRELEASED, '', NOTHING_YET, '', `## ${tag} — ${date}`, '', section, '']
  return [...lines.slice(0, start), ...added, ...lines.slice(end)].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? 'CHANGELOG.md'
  const { TAG = '', PUBLISHED_AT = '', BODY = '', NEWEST = 'true' } = process.env
  try {
    const before = readFileSync(file, 'utf8')
    const date = PUBLISHED_AT.slice(0, 10)
    const after = addRelease(before, { tag: TAG, date, body: BODY, newest: NEWEST !== 'false' })
    if (after === before) console.log(`${file} already has ${TAG}.`)
    else {
      writeFileSync(file, after)
      console.log(`${file}: added ${TAG}.`)
    }
  } catch (error) {
    console.error(`release-changelog: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}

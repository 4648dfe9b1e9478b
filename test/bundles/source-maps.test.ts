/**
 * The source maps of every committed bundle (scripts/build.mjs): each bundle and chunk has one,
 * its sources are relative (the same bytes from any clone, check-dist compares them) and name
 * files of this repository, and the runner's entries are loaders that turn Node's maps on.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import { repoRoot } from '../e2e/run-action.js'

interface SourceMap {
  version: number
  file: string
  sources: string[]
  sourcesContent?: unknown
  mappings: string
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]
  )
}

const actions = readdirSync(join(repoRoot, 'actions')).filter(name =>
  existsSync(join(repoRoot, 'actions', name, 'action.yml'))
)

describe.each(actions)('actions/%s/dist', action => {
  const dist = join(repoRoot, 'actions', action, 'dist')
  const scripts = files(dist).filter(path => path.endsWith('.js'))

  it('starts each entry of action.yml with the loader that turns source maps on', () => {
    const { runs } = parse(readFileSync(join(repoRoot, 'actions', action, 'action.yml'), 'utf8'))
    const entries = [runs.main, runs.post].filter((entry): entry is string => Boolean(entry))
    for (const entry of entries) {
      // The first lines only: a bundle in its place would fill the failure message.
      const loader = readFileSync(join(repoRoot, 'actions', action, entry), 'utf8').slice(0, 300)
      expect(loader).toMatch(
        /^process\.setSourceMapsEnabled\(true\)\nawait import\('\.\/bundle\.js'\)$/m
      )
      expect(existsSync(join(dirname(join(repoRoot, 'actions', action, entry)), 'bundle.js'))).toBe(
        true
      )
    }
  })

  it('has a relative source map, without source texts, for every bundle and chunk', () => {
    const bundles = scripts.filter(path => !path.endsWith('/index.js'))
    expect(bundles.length).toBeGreaterThan(0)
    for (const script of bundles) {
      const name = relative(dist, script)
      expect(readFileSync(script, 'utf8')).toContain(
        `//# sourceMappingURL=${name.split('/').pop()}.map`
      )
      const map = JSON.parse(readFileSync(`${script}.map`, 'utf8')) as SourceMap
      expect(map).toMatchObject({ version: 3, file: name.split('/').pop() })
      expect(map.sourcesContent).toBeUndefined()
      const files = map.sources.filter(source => !source.startsWith('webpack:///'))
      const absolute = files.filter(source => source.startsWith('/') || /^[a-z]+:/.test(source))
      expect(absolute).toEqual([])
      const missing = files.filter(source => !existsSync(resolve(dirname(script), source)))
      expect(missing).toEqual([])
    }
  })

  it('maps the TypeScript of the entry and of the packages', () => {
    const map = JSON.parse(readFileSync(join(dist, 'bundle.js.map'), 'utf8')) as SourceMap
    expect(map.sources).toContain('../src/index.ts')
    expect(
      map.sources.some(source => /^\.\.\/\.\.\/\.\.\/packages\/[a-z]+\/src\/.+\.ts$/.test(source))
    ).toBe(true)
  })

  it('maps a lazily loaded chunk too: Node reads its map when the bundle imports it', () => {
    const chunk = scripts.find(path => /\/\d+\.index\.js$/.test(path)) ?? 'no chunk'
    // As bundle.js loads a chunk once the loader ran: an import after maps are on. Its first
    // module, called without webpack's arguments, throws from its own first lines.
    const script = [
      'process.setSourceMapsEnabled(true)',
      `const { modules } = await import(${JSON.stringify(pathToFileURL(chunk).href)})`,
      'try { Object.values(modules)[0]() } catch (error) { console.log(error.stack) }'
    ].join('\n')
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8'
    })
    const frame = run.stdout.split('\n').find(line => line.trimStart().startsWith('at '))
    const map = JSON.parse(readFileSync(`${chunk}.map`, 'utf8')) as SourceMap
    const sources = map.sources.map(source => resolve(dirname(chunk), source))
    expect(sources.some(source => frame?.includes(`${source}:`))).toBe(true)
  })
})

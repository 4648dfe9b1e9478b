/**
 * dist/inputs.sha256 (scripts/dist-inputs.mjs): what a dist/ was built from and what it holds.
 * check-dist rebuilds an action only when it says something changed, so every change that could
 * change a bundle must show, and changes that cannot must not. (check-dist itself checks the
 * committed records: a stale one fails it.)
 */
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { repoRoot } from '../e2e/run-action.js'
import { useTempDir } from '../support/temp-dir.js'

interface DistInputs {
  INPUTS_FILE: string
  renderInputs(name: string, distDir: string, repoDistDir?: string, repo?: string): string
  staleInputs(name: string, distDir: string, repo?: string): string[]
}

const inputs = (await import(join(repoRoot, 'scripts', 'dist-inputs.mjs'))) as DistInputs

const tempDir = useTempDir('dist-inputs-')

function write(path: string, text: string): void {
  mkdirSync(dirname(join(tempDir(), path)), { recursive: true })
  writeFileSync(join(tempDir(), path), text)
}

/** A repository with one action whose bundle contains packages/lib and a node_modules file. */
function craftedRepository(): { dist: string; stale: () => string[] } {
  for (const path of ['package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.json'])
    write(path, `{"file":"${path}"}`)
  for (const name of ['build', 'licenses', 'actions', 'dist-inputs'])
    write(`scripts/${name}.mjs`, `// ${name}`)
  write('actions/app/package.json', '{"name":"app"}')
  write('actions/app/src/index.ts', "import { a } from '@demo/lib'\na()\n")
  write('packages/lib/package.json', '{"name":"@demo/lib"}')
  write('packages/lib/src/a.ts', 'export const a = () => 1\n')
  write('packages/unused/src/b.ts', 'export const b = 2\n')
  write('node_modules/left-pad/index.js', 'module.exports = 1\n')
  const sources = [
    '../src/index.ts',
    '../../../packages/lib/src/a.ts',
    '../../../node_modules/left-pad/index.js',
    'webpack:///webpack/runtime'
  ]
  write('actions/app/dist/bundle.js', 'console.log(1)\n')
  write('actions/app/dist/bundle.js.map', JSON.stringify({ version: 3, sources, mappings: '' }))
  write('actions/app/dist/post/bundle.js.map', JSON.stringify({ version: 3, sources: [] }))
  const dist = join(tempDir(), 'actions/app/dist')
  writeFileSync(join(dist, inputs.INPUTS_FILE), inputs.renderInputs('app', dist, dist, tempDir()))
  return { dist, stale: () => inputs.staleInputs('app', dist, tempDir()) }
}

describe('dist/inputs.sha256 on a crafted repository', () => {
  it('records inputs and outputs, and finds nothing changed right after the build', () => {
    const { dist, stale } = craftedRepository()
    const text = inputs.renderInputs('app', dist, dist, tempDir())
    const paths = text
      .split('\n')
      .filter(line => /^(input|output) /.test(line))
      .map(line => line.replace(/ [0-9a-f]{64} /, ' '))
    expect(paths).toEqual([
      'input actions/app/package.json',
      'input actions/app/src/index.ts',
      'input package-lock.json',
      'input package.json',
      'input packages/lib/package.json',
      'input packages/lib/src/a.ts',
      'input scripts/actions.mjs',
      'input scripts/build.mjs',
      'input scripts/dist-inputs.mjs',
      'input scripts/licenses.mjs',
      'input tsconfig.base.json',
      'output bundle.js',
      'output bundle.js.map',
      'output post/bundle.js.map'
    ])
    expect(stale()).toEqual([])
  })

  it.each([
    ['a bundled source', 'packages/lib/src/a.ts', 'export const a = () => 2\n'],
    ['a new file beside the bundled ones', 'packages/lib/src/new.ts', 'export {}\n'],
    ['the action’s own source', 'actions/app/src/index.ts', '// changed\n'],
    ['the lock file (node_modules)', 'package-lock.json', '{"changed":true}'],
    ['a workspace manifest', 'packages/lib/package.json', '{"name":"@demo/lib","main":"x"}'],
    ['a build script', 'scripts/build.mjs', '// changed'],
    ['the shared tsconfig', 'tsconfig.base.json', '{"changed":true}'],
    // packages/common/src/version.ts bundles the root's version.
    ['the root package.json', 'package.json', '{"version":"2.0.0"}'],
    ['the record’s own writer', 'scripts/dist-inputs.mjs', '// changed'],
    ['an added tsconfig', 'actions/app/tsconfig.json', '{}'],
    ['a bundle edited by hand', 'actions/app/dist/bundle.js', 'console.log(2)\n'],
    ['a file added to dist/', 'actions/app/dist/extra.js', '1']
  ])('names %s as changed', (_what, path, text) => {
    const { stale } = craftedRepository()
    write(path, text)
    expect(stale()).toEqual([path])
  })

  it('names a deleted source and a deleted bundle file', () => {
    const { stale } = craftedRepository()
    rmSync(join(tempDir(), 'packages/lib/src/a.ts'))
    rmSync(join(tempDir(), 'actions/app/dist/bundle.js'))
    expect(stale()).toEqual(['actions/app/dist/bundle.js', 'packages/lib/src/a.ts'])
  })

  it('ignores a package the bundle does not contain, node_modules (the lock stands for it) and files ncc cannot bundle', () => {
    const { stale } = craftedRepository()
    write('packages/unused/src/b.ts', 'export const b = 3\n')
    // node_modules is pinned by package-lock.json: npm ci checks each package's integrity.
    write('node_modules/left-pad/index.js', 'module.exports = 2\n')
    write('packages/lib/src/.DS_Store', 'x')
    write('packages/lib/src/a.ts.orig', 'x')
    write('packages/lib/src/.a.ts.swp', 'x')
    write('tsconfig.json', '{"include":["test"]}')
    expect(stale()).toEqual([])
  })

  it('says so when the record is missing', () => {
    const { dist, stale } = craftedRepository()
    rmSync(join(dist, inputs.INPUTS_FILE))
    expect(stale()).toEqual([`actions/app/dist/${inputs.INPUTS_FILE} is missing`])
  })
})

describe('the repository’s own bundles', () => {
  // A relative import that leaves its package's src/ (a JSON module like the root package.json)
  // reaches a bundle without being in a map: each must be a recorded input.
  it('record every file outside src/ that their sources import', () => {
    const record = readFileSync(
      join(repoRoot, 'actions', 'deploy-fargate', 'dist', inputs.INPUTS_FILE),
      'utf8'
    )
    const recorded = new Set(
      record
        .split('\n')
        .filter(line => line.startsWith('input '))
        .map(line => line.split(' ')[2])
    )
    const outside: string[] = []
    for (const dir of ['packages', 'actions']) {
      for (const file of readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })) {
        if (!/^[^/]+\/src\/.*\.ts$/.test(file)) continue
        const text = readFileSync(join(repoRoot, dir, file), 'utf8')
        for (const [, target] of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
          const path = relative(repoRoot, resolve(dirname(join(repoRoot, dir, file)), target!))
          if (!/^(packages|actions)\/[^/]+\/src\//.test(path)) outside.push(path)
        }
      }
    }
    expect(outside).toContain('package.json')
    expect(outside.filter(path => !recorded.has(path))).toEqual([])
  })
})

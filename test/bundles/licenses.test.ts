/**
 * dist/licenses.txt (scripts/licenses.mjs): written from what the bundles' source maps say they
 * contain, and checked by check-dist. Here on a crafted dist/ with its own node_modules, then on
 * every committed actions/<name>/dist.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { repoRoot } from '../e2e/run-action.js'

interface Licences {
  bundledPackageDirs(distDir: string): string[]
  renderLicences(action: string, dirs: string[]): string
  listedPackages(text: string): Set<string>
  licenceProblems(action: string, distDir: string): string[]
}

const licensesModule = join(repoRoot, 'scripts', 'licenses.mjs')
const licences = (await import(licensesModule)) as Licences

const APACHE = 'Apache License\nVersion 2.0, January 2004\n(the full text)'
let root: string
let dist: string

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), text)
}

function pkg(dir: string, manifest: object, files: Record<string, string> = {}): void {
  write(`${dir}/package.json`, JSON.stringify(manifest))
  for (const [name, text] of Object.entries(files)) write(`${dir}/${name}`, text)
}

/** A bundle and its map, as scripts/build.mjs leaves them (sources relative to the map). */
function bundle(path: string, sources: string[]): void {
  write(path, `console.log(1)\n//# sourceMappingURL=${path.split('/').pop()}.map\n`)
  write(`${path}.map`, JSON.stringify({ version: 3, sources, names: [], mappings: 'AAAA' }))
}

function renderInto(): string {
  const text = licences.renderLicences('demo', licences.bundledPackageDirs(dist))
  writeFileSync(join(dist, 'licenses.txt'), text)
  return text
}

const aws = { type: 'git', url: 'git+https://github.com/aws/aws-sdk-js-v3.git' }

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'licences-'))
  dist = join(root, 'actions/demo/dist')
  pkg(
    'node_modules/left-pad',
    { name: 'left-pad', version: '1.3.0', license: 'WTFPL' },
    {
      'LICENSE.md': 'DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE\n'
    }
  )
  pkg(
    'node_modules/@aws-sdk/core',
    { name: '@aws-sdk/core', version: '3.9.0', license: 'Apache-2.0', repository: aws },
    { LICENSE: APACHE, NOTICE: 'AWS SDK for JavaScript\nCopyright Amazon.com, Inc.' }
  )
  // Published without a LICENSE file, as three AWS SDK packages are.
  pkg('node_modules/@aws-sdk/nested-clients', {
    name: '@aws-sdk/nested-clients',
    version: '3.8.0',
    license: 'Apache-2.0',
    repository: aws
  })
  // The same name in a second version, nested: both are bundled, both are listed.
  pkg(
    'node_modules/@aws-sdk/core/node_modules/left-pad',
    { name: 'left-pad', version: '2.0.0', license: 'MIT' },
    { LICENSE: 'MIT License\nCopyright (c) left-pad' }
  )
  pkg(
    'node_modules/only-in-post',
    { name: 'only-in-post', version: '0.1.0', license: 'ISC' },
    {
      LICENSE: 'ISC License'
    }
  )
  pkg('packages/common', { name: '@fargate-promote/common', version: '1.0.0', license: 'MIT' })
  bundle('actions/demo/dist/bundle.js', [
    '../src/index.ts',
    '../../../packages/common/src/index.ts',
    '../../../node_modules/left-pad/index.js',
    '../../../node_modules/@aws-sdk/core/dist-cjs/index.js',
    'webpack:///webpack/bootstrap'
  ])
  // A lazily loaded chunk and the post bundle, one folder down.
  bundle('actions/demo/dist/143.index.js', [
    '../../../node_modules/@aws-sdk/nested-clients/dist-cjs/index.js',
    '../../../node_modules/@aws-sdk/core/node_modules/left-pad/index.js'
  ])
  bundle('actions/demo/dist/post/bundle.js', [
    '../../../../node_modules/only-in-post/index.js',
    '../../../../node_modules/@fargate-promote/common/src/index.ts'
  ])
  pkg('node_modules/@fargate-promote/common', {
    name: '@fargate-promote/common',
    version: '1.0.0',
    license: 'MIT'
  })
  write('actions/demo/dist/index.js', "await import('./bundle.js')\n")
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('dist/licenses.txt of a crafted action', () => {
  it('lists every third-party package of every bundle and chunk, with version and licence', () => {
    const text = renderInto()
    expect([...licences.listedPackages(text)].sort()).toEqual([
      '@aws-sdk/core@3.9.0',
      '@aws-sdk/nested-clients@3.8.0',
      'left-pad@1.3.0',
      'left-pad@2.0.0',
      'only-in-post@0.1.0'
    ])
    expect(text).not.toContain('@fargate-promote/')
    expect(text).not.toContain(root)
  })

  it('carries each licence text in full, and the NOTICE file Apache-2.0 asks for', () => {
    const text = renderInto()
    expect(text).toContain('left-pad@1.3.0 (WTFPL)\n' + '-'.repeat(80))
    expect(text).toContain('DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE')
    expect(text).toContain(
      `@aws-sdk/core@3.9.0 (Apache-2.0)\n@aws-sdk/nested-clients@3.8.0 (Apache-2.0; published ` +
        `without a licence file, text as in @aws-sdk/core)\n${'-'.repeat(80)}\n${APACHE}\n`
    )
    expect(text).toContain(
      `NOTICE of @aws-sdk/core@3.9.0 (Apache-2.0)\n${'-'.repeat(80)}\nAWS SDK for JavaScript`
    )
  })

  it('is the same text from a second rendering (check-dist compares bytes)', () => {
    expect(renderInto()).toBe(renderInto())
  })

  it('passes the check when complete', () => {
    renderInto()
    expect(licences.licenceProblems('demo', dist)).toEqual([])
  })

  it('fails the check, naming the action and the package, when a bundled package is missing', () => {
    const text = renderInto().replace('only-in-post@0.1.0 (ISC)\n', '')
    writeFileSync(join(dist, 'licenses.txt'), text)
    expect(licences.licenceProblems('demo', dist)).toEqual([
      'actions/demo bundles only-in-post@0.1.0, which dist/licenses.txt does not list'
    ])
  })

  it('fails the check for a bundle without a source map, and without licenses.txt', () => {
    renderInto()
    write('actions/demo/dist/768.index.js', 'export const id = 768\n')
    try {
      expect(licences.licenceProblems('demo', dist)).toEqual([
        'actions/demo/dist/768.index.js has no source map: what it bundles is unknown'
      ])
      rmSync(join(dist, 'licenses.txt'))
      expect(licences.licenceProblems('demo', dist)).toEqual([
        'actions/demo/dist/licenses.txt is missing'
      ])
    } finally {
      rmSync(join(dist, '768.index.js'), { force: true })
    }
  })

  it('stops when a package has no licence text and no package of its repository has one', () => {
    pkg('node_modules/bare', { name: 'bare', version: '1.0.0', license: 'MIT' })
    bundle('actions/demo/dist/9.index.js', ['../../../node_modules/bare/index.js'])
    try {
      expect(() => renderInto()).toThrow(/node_modules\/bare \(bare, MIT\) has no LICENSE file/)
    } finally {
      rmSync(join(dist, '9.index.js'))
      rmSync(join(dist, '9.index.js.map'))
    }
  })
})

const actions = readdirSync(join(repoRoot, 'actions')).filter(name =>
  existsSync(join(repoRoot, 'actions', name, 'action.yml'))
)

describe('the committed actions/<name>/dist', () => {
  it.each(actions)('%s: licenses.txt lists every bundled package', action => {
    expect(licences.licenceProblems(action, join(repoRoot, 'actions', action, 'dist'))).toEqual([])
  })
})

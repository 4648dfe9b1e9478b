/**
 * The layering the design asks for, checked on the source itself so a change that breaks it
 * fails here with the file named: adapters are thin and never call AWS or GitHub themselves,
 * library packages never read the runner's inputs or environment, the sim stands alone, and no
 * module imports itself through a cycle.
 *
 * Imports are read with a regular expression over `import … from '…'`, `export … from '…'` and
 * `import('…')`; that is enough for this code base, which has no require() and no computed
 * specifiers (a dependency-graph tool would be a large install for these few rules).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { repoRoot } from './e2e/run-action.js'

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s(type\s)?[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

interface Import {
  specifier: string
  /** `import type` / `export type`: erased when compiled, so it cannot make a runtime cycle. */
  typeOnly: boolean
}

function importsIn(text: string): Import[] {
  return [...text.matchAll(IMPORT)].map(match => ({
    specifier: (match[2] ?? match[3]) as string,
    typeOnly: match[1] !== undefined
  }))
}

function specifiers(file: string): string[] {
  return importsIn(readFileSync(file, 'utf8')).map(found => found.specifier)
}

/** The file a specifier names, for the project's own modules; undefined for npm packages. */
function resolveLocal(from: string, specifier: string): string | undefined {
  const workspace = /^@fargate-promote\/([^/]+)$/.exec(specifier)
  if (workspace) return join(repoRoot, 'packages', workspace[1] as string, 'src/index.ts')
  // JSON imports are data (the project's version from package.json), not modules with imports.
  if (!specifier.startsWith('.') || specifier.endsWith('.json')) return undefined
  return resolve(dirname(from), specifier.replace(/\.js$/, '.ts'))
}

const packages = ['cli', 'common', 'ecs', 'health', 'promotion', 'rehearsal', 'runner', 'sim']
const actions = readdirSync(join(repoRoot, 'actions')).filter(name =>
  statSync(join(repoRoot, 'actions', name, 'src')).isDirectory()
)
const productFiles = [
  ...packages.flatMap(name => sourceFiles(join(repoRoot, 'packages', name, 'src'))),
  ...actions.flatMap(name => sourceFiles(join(repoRoot, 'actions', name, 'src')))
]
const name = (file: string) => relative(repoRoot, file)

/** Each cycle found by a depth-first walk, as the path that closes it. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const visit = (file: string, path: string[]): void => {
    state.set(file, 'open')
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') cycles.push([...path.slice(path.indexOf(target)), target])
      else if (!state.has(target)) visit(target, [...path, target])
    }
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file, [file])
  return cycles
}

describe('adapters', () => {
  test.each(actions)('actions/%s/src/main.ts is at most 80 lines', action => {
    const lines = readFileSync(join(repoRoot, 'actions', action, 'src/main.ts'), 'utf8').split('\n')
    expect(
      lines.filter((line, index) => index < lines.length - 1 || line !== '').length
    ).toBeLessThanOrEqual(80)
  })

  test.each(actions)('actions/%s/src imports no AWS SDK, Octokit or the sim', action => {
    const offending = sourceFiles(join(repoRoot, 'actions', action, 'src')).flatMap(file =>
      specifiers(file)
        .filter(spec =>
          /^@aws-sdk\/|^@octokit\/|^@actions\/github$|^@fargate-promote\/sim$/.test(spec)
        )
        .map(spec => `${name(file)} imports ${spec}`)
    )
    expect(offending).toEqual([])
  })
})

describe('library packages', () => {
  test.each(['cli', 'common', 'ecs', 'health', 'promotion', 'rehearsal'])(
    'packages/%s never reads the runner: no @actions/* (but exec), no process.env',
    pkg => {
      const offending = sourceFiles(join(repoRoot, 'packages', pkg, 'src')).flatMap(file => {
        const text = readFileSync(file, 'utf8')
        const found = specifiers(file)
          // @actions/exec runs a process (health's command checks); GitHub's workflow parser and
          // expression engine read workflow files (the rehearsal). None knows of the runner.
          .filter(
            spec =>
              (spec.startsWith('@actions/') &&
                spec !== '@actions/exec' &&
                !/^@actions\/(workflow-parser|expressions)(\/|$)/.test(spec)) ||
              spec === '@fargate-promote/runner'
          )
          .map(spec => `${name(file)} imports ${spec}`)
        if (/process\.env\b/.test(text)) found.push(`${name(file)} reads process.env`)
        return found
      })
      expect(offending).toEqual([])
    }
  )

  test('packages/sim imports none of the product packages, and none of them imports it', () => {
    const simFiles = sourceFiles(join(repoRoot, 'packages/sim/src'))
    const fromSim = simFiles.flatMap(file =>
      specifiers(file)
        .filter(spec => spec.startsWith('@fargate-promote/'))
        .map(spec => `${name(file)} imports ${spec}`)
    )
    const toSim = productFiles
      .filter(file => !simFiles.includes(file))
      .flatMap(file =>
        specifiers(file)
          .filter(spec => spec === '@fargate-promote/sim')
          .map(spec => `${name(file)} imports ${spec}`)
      )
    expect([...fromSim, ...toSim]).toEqual([])
  })
})

describe('imports', () => {
  test('the import reader sees static, re-export and dynamic imports', () => {
    const file = join(repoRoot, 'packages/common/src/settings/structured.ts')
    expect(specifiers(file).length).toBeGreaterThan(0)
    const text = [
      "import a from './a.js'",
      "export { b } from '../b.js'",
      "const c = await import('yaml')",
      "import type {\n  D\n} from './d.js'"
    ].join('\n')
    expect(importsIn(text)).toEqual([
      { specifier: './a.js', typeOnly: false },
      { specifier: '../b.js', typeOnly: false },
      { specifier: 'yaml', typeOnly: false },
      { specifier: './d.js', typeOnly: true }
    ])
  })

  test('the cycle finder reports a cycle and its path', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []]
    ])
    expect(findCycles(graph)).toEqual([['a', 'b', 'c', 'a']])
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', []]
        ])
      )
    ).toEqual([])
  })

  test('no import cycles in the product source (type-only imports aside)', () => {
    const graph = new Map(
      productFiles.map(file => [
        file,
        importsIn(readFileSync(file, 'utf8'))
          .filter(found => !found.typeOnly)
          .map(found => resolveLocal(file, found.specifier))
          .filter((target): target is string => target !== undefined)
      ])
    )
    const unresolved = [...graph].flatMap(([file, targets]) =>
      targets.filter(target => !graph.has(target)).map(target => `${name(file)} → ${name(target)}`)
    )
    expect(unresolved).toEqual([])

    expect(findCycles(graph).map(cycle => cycle.map(name).join(' → '))).toEqual([])
  })
})

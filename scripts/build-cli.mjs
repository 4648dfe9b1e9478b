// Builds what the published @fargate-promote/cli runs: the dist/ folder of the package that
// scripts/pack-cli.mjs stages outside the working tree and packs.
// Usage: node scripts/build-cli.mjs --out DIR   (or import { buildCli })
//
// The CLI's sources and the workspace packages it imports are bundled with esbuild into
// dist/index.js: they export TypeScript source, which a package installed from the registry
// cannot run (the repository's bin runs them through tsx). ncc, which builds the actions, type
// checks the whole tree through its own tsconfig, fails on the CLI and takes minutes; esbuild
// takes a second.
//
// dist/ is laid out as this repository is, because the CLI finds what it needs beside its own
// sources (`new URL('../../../../workflows-templates/', import.meta.url)`): the bundle stands in
// for packages/*/src, and dist/ holds the files those paths reach — the workflow templates
// (init), the simulator's bin, the actions' action.yml and committed dist/ and the rehearsal's
// tool shims (rehearse). Each module's import.meta.url is rewritten to its place in that layout.
import { build } from 'esbuild'
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { actionNames, root } from './actions.mjs'
import { LICENCES_FILE, packageDirOf, renderLicences } from './licenses.mjs'

/** The product root in the bundle: dist/, the folder of the bundle's own file. */
const BANNER = [
  "import { createRequire as __fpCreateRequire } from 'node:module'",
  // Bundled CommonJS dependencies require() Node's modules.
  'const require = __fpCreateRequire(import.meta.url)',
  "const __fpProductRoot = new URL('./', import.meta.url)"
].join('\n')

/** Each source module of this repository sees import.meta.url as its place under dist/. */
const productPaths = {
  name: 'product-paths',
  setup(builder) {
    builder.onLoad({ filter: /\.[cm]?[jt]s$/ }, async ({ path }) => {
      const rel = relative(root, path)
      if (rel.startsWith('..') || rel.includes('node_modules')) return undefined
      const text = await readFile(path, 'utf8')
      if (!text.includes('import.meta.url')) return undefined
      const here = `new URL(${JSON.stringify(rel)}, __fpProductRoot).href`
      const loader = /\.[cm]?ts$/.test(path) ? 'ts' : 'js'
      return { contents: text.replaceAll('import.meta.url', here), loader }
    })
  }
}

async function bundle(entry, outfile, format = 'esm') {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format,
    // The published artefacts target Node 22+, but an install on Node 20 must still run.
    target: 'node20',
    banner: { js: format === 'esm' ? BANNER : '' },
    plugins: [productPaths],
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning'
  })
  return Object.keys(result.metafile.inputs)
}

/**
 * Builds the package's dist/ into `out` (emptied first). The actions' source maps stay out:
 * they double as much again as their bundles (5 MB of 22 MB installed) and only turn a stack
 * trace of an action that crashed in a rehearsal from bundle.js lines into .ts lines.
 */
export async function buildCli(out) {
  const copy = from =>
    cpSync(join(root, from), join(out, from), {
      recursive: true,
      filter: source => !source.endsWith('.map')
    })
  rmSync(out, { recursive: true, force: true })
  const inputs = [
    ...(await bundle('packages/cli/src/index.ts', join(out, 'index.js'))),
    // rehearse starts <product root>/packages/sim/bin/fargate-sim.mjs as a child process.
    ...(await bundle('packages/sim/src/bin.ts', join(out, 'packages/sim/bin/fargate-sim.mjs')))
  ]
  copy('workflows-templates')
  // The rehearsal's PATH shims: bash wrappers that run node on their .cjs (which require yaml).
  const tools = 'packages/rehearsal/tools'
  for (const name of readdirSync(join(root, tools))) {
    if (name.endsWith('.cjs'))
      inputs.push(...(await bundle(`${tools}/${name}`, join(out, tools, name), 'cjs')))
    else copy(`${tools}/${name}`)
  }
  for (const name of actionNames()) {
    if (!existsSync(join(root, 'actions', name, 'dist/index.js')))
      throw new Error(`actions/${name}/dist/index.js is missing: run npm run build first.`)
    copy(`actions/${name}/action.yml`)
    copy(`actions/${name}/dist`)
  }
  // One licence renderer for the actions and the CLI (NOTICE files included); the actions' own
  // bundles, copied above, carry their licenses.txt in their dist folders.
  const packageDirs = [...new Set(inputs.map(packageDirOf).filter(dir => dir !== undefined))]
  writeFileSync(
    join(out, LICENCES_FILE),
    renderLicences('cli', packageDirs.map(dir => join(root, dir)).sort(), '@fargate-promote/cli')
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  const outFlag = args.indexOf('--out')
  if (outFlag === -1 || args[outFlag + 1] === undefined) {
    console.error('Usage: node scripts/build-cli.mjs --out DIR')
    process.exit(2)
  }
  const out = resolve(args[outFlag + 1])
  const started = Date.now()
  try {
    await buildCli(out)
  } catch (error) {
    console.error(`build-cli: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
  console.error(`built ${relative(process.cwd(), out) || '.'} in ${Date.now() - started} ms`)
}

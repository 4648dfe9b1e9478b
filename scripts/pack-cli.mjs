// Packs @fargate-promote/cli as it is published: the one way to make its tarball, used by the
// release workflow and by test/e2e/cli-pack.test.ts.
// Usage: node scripts/pack-cli.mjs --destination DIR
//   stdout: `npm pack --json`'s document (the tarball DIR/fargate-promote-cli-X.Y.Z.tgz).
//
// The package is staged in a temporary folder — never in the working tree, so two runs cannot
// race and a killed one leaves nothing in packages/cli — from packages/cli's bin/, README.md and
// a manifest made for the registry (publishedManifest), with dist/ built by scripts/build-cli.mjs.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { root } from './actions.mjs'
import { buildCli } from './build-cli.mjs'

const PACKAGE = join(root, 'packages/cli')

/**
 * The workspace manifest as the registry gets it. In this repository `exports` names the
 * TypeScript source (how the workspace packages link); the tarball has no source, so the
 * published package exports its bundle. It installs nothing: every dependency is bundled.
 * `private` guards the workspace copy against an `npm publish` that skips this script.
 */
export function publishedManifest(manifest) {
  const published = { ...manifest }
  for (const field of ['private', 'scripts', 'devDependencies', 'dependencies'])
    delete published[field]
  published.exports = { '.': './dist/index.js', './package.json': './package.json' }
  return published
}

/** Stages the package in a temporary folder, packs it into `destination`, returns npm's result. */
export async function packCli(destination) {
  const stage = mkdtempSync(join(tmpdir(), 'fargate-promote-cli-'))
  try {
    await buildCli(join(stage, 'dist'))
    for (const name of ['bin', 'README.md'])
      cpSync(join(PACKAGE, name), join(stage, name), { recursive: true })
    const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'))
    writeFileSync(
      join(stage, 'package.json'),
      `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`
    )
    mkdirSync(destination, { recursive: true })
    const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', destination], {
      cwd: stage,
      encoding: 'utf8'
    })
    if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`)
    return JSON.parse(pack.stdout)
  } finally {
    rmSync(stage, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  const flag = args.indexOf('--destination')
  if (flag === -1 || args[flag + 1] === undefined) {
    console.error('Usage: node scripts/pack-cli.mjs --destination DIR')
    process.exit(2)
  }
  try {
    process.stdout.write(`${JSON.stringify(await packCli(resolve(args[flag + 1])), null, 2)}\n`)
  } catch (error) {
    console.error(`pack-cli: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}

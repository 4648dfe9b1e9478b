/**
 * The files the bad-input corpus points at: a workspace of its own (valid config, task
 * definition and checks; files too large; symlinks to files elsewhere) and a directory outside
 * it holding valid files, so a refused path is refused for where it leads, not for its content.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import type { Entry } from './corpus.js'

export interface Workspace {
  /** The step's GITHUB_WORKSPACE (and the CLI's working directory). */
  root: string
  /** A directory beside it: neither the workspace nor the runner's temp directory. */
  outside: string
  /** `{outside}`, `{outside-rel}` and `{listener}` in an entry's values, filled in. */
  fill(text: string): string
  /** The config file of an entry that brings its own, relative to the workspace. */
  configOf(entry: Entry): string | undefined
  remove(): void
}

/** A config file over the e2e scenario (test/fixtures/e2e.yml): staging is cluster `staging`. */
export const VALID_CONFIG = `version: 1
application: shop
environments:
  staging:
    region: eu-west-1
    cluster: staging
    services:
      - name: web
        containers: [web]
    checks: checks.yml
`

const VALID_TASK_DEFINITION = JSON.stringify({
  family: 'web',
  containerDefinitions: [{ name: 'web', image: 'registry.example.com/shop/web:1.1.0' }]
})

const checksFor = (listener: string) => `- name: web\n  http: { url: "${listener}/" }\n`

/** About `bytes` of text that stays the given format: a long string inside it. */
export function hugeFiles(bytes: number): Record<string, string> {
  const filler = 'x'.repeat(bytes)
  return {
    'huge-td.json': JSON.stringify({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'nginx:1', command: [filler] }]
    }),
    'huge-checks.yml': `- name: ${filler}\n  http: { url: "http://127.0.0.1:1/" }\n`,
    'huge-config.yml': `${VALID_CONFIG}# ${filler}\n`.replace(
      'application: shop',
      `application: ${filler}`
    )
  }
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), text)
}

export function createWorkspace(entries: readonly Entry[], listener: string): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'bad-inputs-workspace-'))
  const outside = mkdtempSync(join(tmpdir(), 'bad-inputs-outside-'))
  const checks = checksFor(listener)
  for (const [path, text] of Object.entries({
    'td.json': VALID_TASK_DEFINITION,
    'checks.yml': checks,
    'config.yml': VALID_CONFIG
  })) {
    write(outside, path, text)
    write(root, path, text)
  }
  write(root, '.github/fargate-promote.yml', VALID_CONFIG)
  for (const [path, text] of Object.entries(hugeFiles(1024 * 1024))) write(root, path, text)
  for (const name of ['td.json', 'checks.yml', 'config.yml']) {
    symlinkSync(join(outside, name), join(root, `link-${name}`))
  }
  symlinkSync(outside, join(root, 'linkdir'))
  const fill = (text: string) =>
    text
      .replaceAll('{outside-rel}', `../${basename(outside)}`)
      .replaceAll('{outside}', outside)
      .replaceAll('{listener}', listener)
  const configs = new Map<string, string>()
  for (const entry of entries) {
    if (entry.config === undefined) continue
    const path = `configs/${entry.id}.yml`
    write(root, path, fill(entry.config))
    configs.set(entry.id, path)
  }
  return {
    root,
    outside,
    fill,
    configOf: entry => configs.get(entry.id),
    remove() {
      rmSync(root, { recursive: true, force: true })
      rmSync(outside, { recursive: true, force: true })
    }
  }
}

import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync
} from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The templates shipped beside this CLI (this repository's workflows-templates/). */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(
  new URL('../../../../workflows-templates/', import.meta.url)
)

/** The example config: its text is the documentation, its first line the editor's schema link. */
const EXAMPLE_CONFIG = 'fargate-promote.yml'

/**
 * Templates that are not workflows: Dependabot reads only .github/dependabot.yml (its header
 * says so), and in .github/workflows/ GitHub would try to run it as a workflow.
 */
const NOT_WORKFLOWS: Record<string, string> = { 'dependabot.yml': '.github/dependabot.yml' }

/** A file init writes: where, relative to the application repository, and what. */
export interface PlannedFile {
  path: string
  text: string
}

/** Without following a symbolic link: a link in the repository counts as there. */
const present = (path: string) => lstatSync(path, { throwIfNoEntry: false }) !== undefined
const isFile = (path: string) => lstatSync(path, { throwIfNoEntry: false })?.isFile() === true

/**
 * The workflow templates to copy: every `*.yml` at the top (the set changes as templates are
 * added) except the example config, into `.github/workflows/` (Dependabot's file to .github/);
 * `health/*` into `.github/health/`.
 */
export function templateFiles(templatesDir: string): PlannedFile[] {
  if (!existsSync(templatesDir)) {
    throw new Error(`No workflow templates at ${templatesDir}; give --templates DIR.`)
  }
  const workflows = readdirSync(templatesDir)
    .filter(
      name => name.endsWith('.yml') && name !== EXAMPLE_CONFIG && isFile(join(templatesDir, name))
    )
    .map(name => ({
      path: NOT_WORKFLOWS[name] ?? `.github/workflows/${name}`,
      text: readFileSync(join(templatesDir, name), 'utf8')
    }))
  const healthDir = join(templatesDir, 'health')
  const health = existsSync(healthDir)
    ? readdirSync(healthDir)
        .filter(name => isFile(join(healthDir, name)))
        .map(name => ({
          path: `.github/health/${name}`,
          text: readFileSync(join(healthDir, name), 'utf8')
        }))
    : []
  return [...workflows, ...health].sort((a, b) => a.path.localeCompare(b.path))
}

/** The `# yaml-language-server: $schema=…` line of the example config, so editors check the file. */
export function schemaLine(templatesDir: string): string | undefined {
  const path = join(templatesDir, EXAMPLE_CONFIG)
  if (!existsSync(path)) return undefined
  const first = readFileSync(path, 'utf8').split('\n', 1)[0] ?? ''
  return first.startsWith('# yaml-language-server:') ? first : undefined
}

/** Paths among `files` that exist in `dir` already. */
export function existingFiles(dir: string, files: readonly PlannedFile[]): string[] {
  return files.map(file => file.path).filter(path => present(join(dir, path)))
}

/**
 * Writes the files. An existing one is removed first (callers only get here with --force), so
 * a symbolic link in the repository is replaced, never followed to a file elsewhere.
 */
export function writeFiles(dir: string, files: readonly PlannedFile[]): string[] {
  return files.map(file => {
    const target = join(dir, file.path)
    mkdirSync(dirname(target), { recursive: true })
    if (present(target)) unlinkSync(target)
    writeFileSync(target, file.text, { flag: 'wx' })
    return relative(dir, target)
  })
}

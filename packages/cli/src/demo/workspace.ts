import { execFile } from 'node:child_process'
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The shipped templates an application repository copies (all but the optional ones). */
export const TEMPLATES = [
  'test-suite.yml',
  'build.yml',
  'deploy.yml',
  'dev.yml',
  'staging.yml',
  'production.yml',
  'rollback.yml',
  'monitor.yml'
]

/**
 * The changes a Node team makes to the copied templates, as their header comments tell them
 * to: `language: node` in the test-suite calls, and the app's own test command (it enforces
 * its coverage floor itself). Everything else is the shipped file.
 */
export function adaptTemplate(name: string, text: string): string {
  if (name !== 'dev.yml' && name !== 'staging.yml') return text
  return text
    .replace(
      /^(\s+)language: python\n(\s+coverage-threshold: 80\n)/gm,
      '$1language: node\n$2$1test-command: npm test\n'
    )
    .replace(/^(\s+)language: python\n/gm, '$1language: node\n')
}

export interface Git {
  (...args: string[]): Promise<string>
}

export function gitIn(dir: string, path: string): Git {
  return async (...args) => {
    const { stdout } = await run('git', args, {
      cwd: dir,
      env: {
        PATH: path,
        HOME: dir,
        GIT_AUTHOR_NAME: 'Dana Developer',
        GIT_AUTHOR_EMAIL: 'dana@example.com',
        GIT_COMMITTER_NAME: 'Dana Developer',
        GIT_COMMITTER_EMAIL: 'dana@example.com',
        GIT_CONFIG_NOSYSTEM: '1'
      }
    })
    return stdout.trim()
  }
}

/**
 * An application repository for the demo: the sample app and its config file committed on
 * main, and the shipped workflow templates in .github/workflows (on disk, where the rehearsal
 * reads them; the sample app's .gitignore keeps them out of its commits).
 */
export async function createWorkspace(
  productRoot: string,
  dir: string,
  path: string
): Promise<Git> {
  await cp(join(productRoot, 'examples/sample-app'), dir, { recursive: true })
  await mkdir(join(dir, '.github/workflows'), { recursive: true })
  for (const name of TEMPLATES) {
    const text = await readFile(join(productRoot, 'workflows-templates', name), 'utf8')
    await writeFile(join(dir, '.github/workflows', name), adaptTemplate(name, text))
  }
  const git = gitIn(dir, path)
  await git('init', '-q', '-b', 'main')
  await git('add', '-A')
  await git('commit', '-q', '-m', 'shop-web 1.0.0')
  return git
}

/** Sets the Dockerfile's rehearsal behaviour label (the image build stand-in reads it). */
export async function setBehaviour(dir: string, behaviour: string): Promise<void> {
  const file = join(dir, 'Dockerfile')
  const text = await readFile(file, 'utf8')
  await writeFile(
    file,
    text.replace(/(LABEL fargate-promote\.rehearsal\.behaviour=)"[^"]*"/, `$1"${behaviour}"`)
  )
}

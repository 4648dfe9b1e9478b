import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { runContextFromEnv, type RunContext } from '@fargate-promote/common'
import type { CliIo } from './io.js'

/*
 * The RunContext of a command line: what a workflow step learns from GITHUB_* variables, taken
 * from this run's environment where they are set (another CI system can set them too), else from
 * the checkout in the working directory (its HEAD commit and branch), with `--repo` for the
 * repository. The working directory is the workspace: file options resolve against it.
 */

const SHA = /^[0-9a-f]{40}$/

/** The git directory of a checkout: `.git`, or the directory a worktree's `.git` file names. */
function gitDirectory(cwd: string): string | undefined {
  const dotGit = join(cwd, '.git')
  if (!existsSync(dotGit)) return undefined
  if (statSync(dotGit).isDirectory()) return dotGit
  const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))
  return pointer ? resolve(cwd, (pointer[1] as string).trim()) : undefined
}

/** The commit a ref points at: its loose file, else packed-refs (of the common directory too). */
function resolveRef(gitDir: string, ref: string): string | undefined {
  const common = existsSync(join(gitDir, 'commondir'))
    ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim())
    : gitDir
  for (const dir of [gitDir, common]) {
    const loose = join(dir, ref)
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim()
    const packed = join(dir, 'packed-refs')
    if (!existsSync(packed)) continue
    const line = readFileSync(packed, 'utf8')
      .split('\n')
      .find(entry => entry.endsWith(` ${ref}`))
    if (line !== undefined) return line.split(' ')[0]
  }
  return undefined
}

/** HEAD of the checkout at `cwd`: its commit and, unless detached, its branch ref. */
export function gitHead(cwd: string): { sha?: string; ref?: string } {
  try {
    const gitDir = gitDirectory(cwd)
    if (gitDir === undefined) return {}
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim()
    const symbolic = /^ref:\s*(\S+)$/.exec(head)
    if (symbolic === null) return SHA.test(head) ? { sha: head } : {}
    const ref = symbolic[1] as string
    const sha = resolveRef(gitDir, ref)
    return sha !== undefined && SHA.test(sha) ? { sha, ref } : { ref }
  } catch {
    // An unreadable checkout is no checkout: the commit is then simply unknown.
    return {}
  }
}

/** The context the use cases read their defaults from (the commit, the actor, the run). */
export function cliRunContext(io: CliIo, repository: string | undefined): RunContext {
  // The checkout's HEAD only when GITHUB_SHA does not say which commit this is.
  const head = io.env.GITHUB_SHA?.trim() ? {} : gitHead(io.cwd)
  // The working directory is the workspace, whatever GITHUB_WORKSPACE says.
  return {
    ...runContextFromEnv(io.env, { workspace: io.cwd, repository, ...head }),
    workspace: io.cwd
  }
}

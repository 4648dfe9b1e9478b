import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliRunContext, gitHead } from '../src/run-context.js'
import { testIo } from './support.js'

const SHA = 'a'.repeat(40)
const OTHER = 'b'.repeat(40)
const made: string[] = []

function checkout(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fp-head-'))
  made.push(dir)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('gitHead', () => {
  it('reads a branch from its loose ref', () => {
    const dir = checkout({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/refs/heads/main': `${SHA}\n`
    })
    expect(gitHead(dir)).toEqual({ sha: SHA, ref: 'refs/heads/main' })
  })

  it('reads a branch from packed-refs', () => {
    const dir = checkout({
      '.git/HEAD': 'ref: refs/heads/release/1\n',
      '.git/packed-refs': `# pack-refs with: peeled\n${OTHER} refs/heads/main\n${SHA} refs/heads/release/1\n`
    })
    expect(gitHead(dir)).toEqual({ sha: SHA, ref: 'refs/heads/release/1' })
  })

  it('reads a detached HEAD, and a branch without commits as its ref only', () => {
    expect(gitHead(checkout({ '.git/HEAD': `${SHA}\n` }))).toEqual({ sha: SHA })
    expect(gitHead(checkout({ '.git/HEAD': 'ref: refs/heads/new\n' }))).toEqual({
      ref: 'refs/heads/new'
    })
    expect(gitHead(checkout({ '.git/HEAD': 'garbage\n' }))).toEqual({})
  })

  it('follows a worktree: its .git file, its own HEAD, the common directory for refs', () => {
    const main = checkout({
      '.git/refs/heads/feature': `${SHA}\n`,
      '.git/worktrees/wt/HEAD': 'ref: refs/heads/feature\n',
      '.git/worktrees/wt/commondir': '../..\n'
    })
    const tree = checkout({ '.git': `gitdir: ${join(main, '.git/worktrees/wt')}\n` })
    expect(gitHead(tree)).toEqual({ sha: SHA, ref: 'refs/heads/feature' })
    expect(gitHead(checkout({ '.git': 'not a pointer\n' }))).toEqual({})
  })

  it('knows nothing outside a checkout, or of one it cannot read', () => {
    expect(gitHead(checkout({}))).toEqual({})
    expect(gitHead(checkout({ '.git/config': '' }))).toEqual({})
  })
})

describe('cliRunContext', () => {
  it('takes the GITHUB_* variables where set, the working directory as workspace', () => {
    const io = testIo({
      cwd: '/work/app',
      env: {
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_SHA: SHA,
        GITHUB_REF: 'refs/heads/main',
        GITHUB_ACTOR: 'alice',
        GITHUB_RUN_ID: '42',
        GITHUB_SERVER_URL: 'https://github.example.com/',
        GITHUB_API_URL: 'https://github.example.com/api/v3/',
        RUNNER_TEMP: '/tmp/runner'
      }
    })
    expect(cliRunContext(io, undefined)).toMatchObject({
      repository: 'acme/shop',
      sha: SHA,
      ref: 'refs/heads/main',
      actor: 'alice',
      serverUrl: 'https://github.example.com',
      apiUrl: 'https://github.example.com/api/v3',
      workspace: '/work/app',
      runnerTemp: '/tmp/runner',
      runUrl: 'https://github.example.com/acme/shop/actions/runs/42'
    })
  })

  it('--repo wins; without GITHUB_SHA the checkout gives the commit and branch', () => {
    const dir = checkout({ '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': SHA })
    const context = cliRunContext(
      testIo({ cwd: dir, env: { GITHUB_REPOSITORY: 'acme/other', GITHUB_ACTOR: ' ' } }),
      'acme/shop'
    )
    expect(context).toMatchObject({
      repository: 'acme/shop',
      sha: SHA,
      ref: 'refs/heads/main',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com'
    })
    expect(context.actor).toBeUndefined()
    expect(context.runUrl).toBeUndefined()
  })
})

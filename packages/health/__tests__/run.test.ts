import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import * as YAML from 'yaml'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeServicesCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { FakeClock, formatDuration, MemoryLogger } from '@fargate-promote/common'
import {
  ChecksSchema,
  reportToJson,
  runHealthChecks,
  type CheckSpec,
  type RunHealthChecksDeps,
  type RunHealthChecksOptions
} from '../src/index.js'
import { startServer, type TestServer } from './helpers/server.js'

const ecsMock = mockClient(ECSClient)
const elbMock = mockClient(ElasticLoadBalancingV2Client)
const cwMock = mockClient(CloudWatchClient)
const ecs = new ECSClient({ region: 'eu-west-1' })
const elb = new ElasticLoadBalancingV2Client({ region: 'eu-west-1' })
const cloudwatch = new CloudWatchClient({ region: 'eu-west-1' })

beforeEach(() => {
  ecsMock.reset()
  elbMock.reset()
  cwMock.reset()
})

const checks = (yaml: string): CheckSpec[] => ChecksSchema.parse(YAML.parse(yaml))

const SVC = '- name: svc\n  ecs-service: { cluster: prod, service: web }\n'
const TG =
  "- name: tg\n  target-group: { target-group: 'arn:aws:elasticloadbalancing:r:1:targetgroup/web/1' }\n"
const ALARMS = '- name: alarms\n  cloudwatch-alarm: { alarms: [web-5xx] }\n'

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

function rollingService() {
  ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      {
        status: 'ACTIVE',
        desiredCount: 2,
        runningCount: 3,
        deployments: [
          {
            id: 'ecs-svc/2',
            status: 'PRIMARY',
            rolloutState: 'IN_PROGRESS',
            desiredCount: 2,
            runningCount: 1
          },
          {
            id: 'ecs-svc/1',
            status: 'ACTIVE',
            rolloutState: 'COMPLETED',
            desiredCount: 2,
            runningCount: 2
          }
        ]
      }
    ]
  })
}

function base(overrides: Partial<RunHealthChecksOptions>): RunHealthChecksOptions {
  return {
    checks: [],
    mode: 'verify',
    timeoutMs: 60_000,
    intervalMs: 5_000,
    consecutiveSuccesses: 2,
    ...overrides
  }
}

describe('runHealthChecks: verify', () => {
  let server: TestServer
  let flaps: number[] = []

  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/flap') {
        res.writeHead(flaps.shift() ?? 200)
        res.end('body that must not be kept')
      } else {
        res.writeHead(Number(req.url?.slice(1)) || 200)
        res.end()
      }
    })
  })

  afterAll(async () => {
    await server.close()
  })

  it('passes a flapping endpoint only after consecutive successes, logging state changes', async () => {
    flaps = [503, 200, 503, 200, 200, 200, 503]
    const clock = new FakeClock()
    const log = new MemoryLogger()
    const report = await runHealthChecks(
      base({
        checks: checks(`- name: api\n  http: { url: '${server.url}/flap' }`),
        consecutiveSuccesses: 3,
        intervalMs: 1_000
      }),
      { clock, log }
    )
    expect(report).toMatchObject({ healthy: true, mode: 'verify', failedChecks: [] })
    expect(report.reason).toBeUndefined()
    expect(report.checks).toEqual([
      expect.objectContaining({
        name: 'api',
        type: 'http',
        target: `GET ${server.url}/flap`,
        ok: true,
        attempts: 6,
        passes: 4,
        failures: 2,
        consecutive: 3
      })
    ])
    expect(report.samples.map(s => [s.at - report.startedAt, s.status])).toEqual([
      [0, 503],
      [1000, 200],
      [2000, 503],
      [3000, 200],
      [4000, 200],
      [5000, 200]
    ])
    expect(report.finishedAt - report.startedAt).toBe(5000)
    expect(log.lines.map(l => l.message.replace(/ in \d+ ms/, ''))).toEqual([
      '✗ api failing: expected status 2xx, got 503 Service Unavailable',
      '✓ api passing: 200 OK',
      '✗ api failing: expected status 2xx, got 503 Service Unavailable',
      '✓ api passing: 200 OK',
      '✓ api healthy: 3 passing rounds in a row'
    ])
    expect(report.latency?.count).toBe(6)
    expect(report.latency?.errorRate).toBeCloseTo(2 / 6)
    expect(report.checks[0]?.p50Ms).toBeGreaterThan(0)
    // Samples are small records: no bodies, no headers.
    for (const sample of report.samples) {
      expect(Object.keys(sample).sort()).toEqual(
        ['at', 'check', 'detail', 'latencyMs', 'ok', 'status', 'type'].sort()
      )
    }
    expect(JSON.stringify(report)).not.toContain('must not be kept')
  })

  it('a throttled or failing AWS read counts neither way; access denied fails the round', async () => {
    const throttled = () =>
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 }
      })
    cwMock.reset()
    cwMock
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: 'OK' }] })
      .rejectsOnce(throttled())
      .rejectsOnce(
        Object.assign(new Error('Service Unavailable'), {
          name: 'ServiceUnavailable',
          $metadata: { httpStatusCode: 503 }
        })
      )
      .resolves({ MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: 'OK' }] })
    const clock = new FakeClock()
    const log = new MemoryLogger()
    const report = await runHealthChecks(
      base({ checks: checks(ALARMS), consecutiveSuccesses: 3, intervalMs: 1_000 }),
      { clock, log, cloudwatch }
    )
    expect(report.healthy).toBe(true)
    // Pass, unread, unread, pass, pass: the two reads that failed broke no streak.
    expect(report.checks[0]).toMatchObject({ attempts: 5, passes: 3, failures: 0, unreadable: 2 })
    expect(log.lines.map(line => line.message)).toContain(
      '? alarms not read this round, counted neither way: DescribeAlarms failed: ThrottlingException: Rate exceeded'
    )

    // AWS never readable until the deadline: unhealthy, and the reason says why.
    cwMock.reset()
    cwMock.on(DescribeAlarmsCommand).rejects(throttled())
    const unread = await runHealthChecks(
      base({ checks: checks(ALARMS), timeoutMs: 10_000, intervalMs: 1_000 }),
      { clock: new FakeClock(), log: new MemoryLogger(), cloudwatch }
    )
    expect(unread.healthy).toBe(false)
    expect(unread.reason).toContain('(0 of 11 passed, 11 could not read AWS)')

    // Access denied is an answer: the round fails.
    cwMock.reset()
    cwMock.on(DescribeAlarmsCommand).rejects(
      Object.assign(new Error('not allowed'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 }
      })
    )
    const denied = await runHealthChecks(
      base({ checks: checks(ALARMS), timeoutMs: 3_000, intervalMs: 1_000 }),
      { clock: new FakeClock(), log: new MemoryLogger(), cloudwatch }
    )
    expect(denied.checks[0]).toMatchObject({ passes: 0, failures: 4 })
    expect(denied.checks[0]?.unreadable).toBeUndefined()
  })

  it('gives up at the deadline, on the fake clock, and says why', async () => {
    rollingService()
    const clock = new FakeClock()
    const report = await runHealthChecks(base({ checks: checks(SVC) }), {
      clock,
      log: new MemoryLogger(),
      ecs,
      elb
    })
    expect(report.healthy).toBe(false)
    expect(report.failedChecks).toEqual(['svc'])
    expect(report.checks[0]).toMatchObject({
      attempts: 13,
      passes: 0,
      failures: 13,
      consecutive: 0
    })
    expect(report.finishedAt - report.startedAt).toBe(60_000)
    expect(report.samples.map(s => s.at - report.startedAt)).toEqual(
      Array.from({ length: 13 }, (_, i) => i * 5000)
    )
    expect(report.reason).toBe(
      'svc did not pass 2 rounds in a row within 1m (0 of 13 passed); last: 2 deployments, a rollout is under way: PRIMARY ecs-svc/2 ((unknown task definition), IN_PROGRESS, 1/2 tasks running); ACTIVE ecs-svc/1 ((unknown task definition), COMPLETED, 2/2 tasks running)'
    )
    expect(report.latency).toBeUndefined()
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeServicesCommand, 13)
  })

  it('runs checks concurrently: a hung check delays neither the rounds nor the verdict of another', async () => {
    stableService()
    let release: () => void = () => undefined
    const hung = new Promise<void>(resolve => (release = resolve))
    elbMock.on(DescribeTargetHealthCommand).callsFake(async () => {
      await hung
      return {
        TargetHealthDescriptions: [
          { Target: { Id: '10.0.0.1', Port: 80 }, TargetHealth: { State: 'healthy' } }
        ]
      }
    })
    let ecsCalls = 0
    ecsMock.on(DescribeServicesCommand).callsFake(() => {
      ecsCalls++
      // Only once svc has passed its three rounds does the target group answer.
      if (ecsCalls === 3) setImmediate(release)
      return {
        services: [
          {
            status: 'ACTIVE',
            desiredCount: 1,
            runningCount: 1,
            deployments: [
              {
                id: 'd',
                status: 'PRIMARY',
                rolloutState: 'COMPLETED',
                desiredCount: 1,
                runningCount: 1
              }
            ]
          }
        ]
      }
    })
    const clock = new FakeClock()
    const report = await runHealthChecks(
      base({ checks: checks(SVC + TG), consecutiveSuccesses: 3 }),
      { clock, log: new MemoryLogger(), ecs, elb }
    )
    const times = (name: string) =>
      report.samples.filter(s => s.check === name).map(s => s.at - report.startedAt)
    expect(times('svc')).toEqual([0, 5000, 10000])
    expect(times('tg')[0]).toBe(0)
    expect(report.healthy).toBe(true)
    expect(report.samples[0]?.check).toBe('svc')
  })
})

describe('runHealthChecks: every check type in one run', () => {
  const sqsMock = mockClient(SQSClient)
  afterAll(() => sqsMock.restore())

  it('names each check target and passes when every probe does', async () => {
    stableService()
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: '10.0.0.1', Port: 80 }, TargetHealth: { State: 'healthy' } }
      ]
    })
    cwMock
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: 'OK' }] })
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { ApproximateNumberOfMessages: '0' } })
    const report = await runHealthChecks(
      base({
        checks: checks(
          SVC +
            TG +
            "- name: prefix\n  cloudwatch-alarm: { prefix: 'web-' }\n" +
            "- name: q\n  sqs-queue: { queue: 'https://sqs.r.amazonaws.com/1/orders' }\n"
        ),
        consecutiveSuccesses: 1
      }),
      {
        clock: new FakeClock(),
        log: new MemoryLogger(),
        ecs,
        elb,
        cloudwatch,
        sqs: new SQSClient({})
      }
    )
    expect(report.checks.map(c => [c.name, c.type, c.target, c.ok])).toEqual([
      ['svc', 'ecs-service', 'prod/web', true],
      ['tg', 'target-group', 'arn:aws:elasticloadbalancing:r:1:targetgroup/web/1', true],
      ['prefix', 'cloudwatch-alarm', 'web-*', true],
      ['q', 'sqs-queue', 'https://sqs.r.amazonaws.com/1/orders', true]
    ])
    expect(report.healthy).toBe(true)
  })

  it('fails a single request that is slower than the p95 threshold', async () => {
    const server = await startServer((_req, res) => setTimeout(() => res.end('ok'), 5))
    try {
      const report = await runHealthChecks(
        base({
          checks: checks(`- name: api\n  http: { url: '${server.url}/' }`),
          timeoutMs: 5_000,
          intervalMs: 5_000,
          consecutiveSuccesses: 1,
          thresholds: { p95Ms: 1 }
        }),
        { clock: new FakeClock(), log: new MemoryLogger() }
      )
      expect(report.healthy).toBe(false)
      expect(report.checks[0]?.lastDetail).toMatch(
        /^200 OK in \d+ ms; p95 latency \d+ ms exceeds 1 ms$/
      )
      expect(report.reason).toMatch(
        /^api did not pass 1 round in a row within 5s \(0 of 2 passed\)/
      )
    } finally {
      await server.close()
    }
  })
})

describe('runHealthChecks: monitor', () => {
  it('fails as soon as a check has failed failureLimit + 1 rounds, and stops early', async () => {
    stableService()
    const states = ['OK', 'ALARM', 'OK', 'ALARM', 'ALARM', 'OK']
    cwMock.on(DescribeAlarmsCommand).callsFake(() => ({
      MetricAlarms: [
        { AlarmName: 'web-5xx', StateValue: states.shift() ?? 'OK', StateReason: '5xx > 5' }
      ]
    }))
    const clock = new FakeClock()
    const log = new MemoryLogger()
    const report = await runHealthChecks(
      base({
        checks: checks(SVC + ALARMS),
        mode: 'monitor',
        intervalMs: 10_000,
        durationMs: 600_000,
        failureLimit: 2
      }),
      { clock, log, ecs, elb, cloudwatch }
    )
    expect(report.healthy).toBe(false)
    expect(report.failedChecks).toEqual(['alarms'])
    expect(report.checks.find(c => c.name === 'alarms')).toMatchObject({
      attempts: 5,
      failures: 3,
      ok: false
    })
    expect(report.checks.find(c => c.name === 'svc')?.ok).toBe(true)
    // Far short of the 10 minutes asked for; the exact time depends on how the two loops
    // share the one fake clock, so only "early" is asserted.
    expect(report.finishedAt - report.startedAt).toBeLessThan(120_000)
    expect(report.reason).toBe(
      `alarms failed 3 of 5 rounds, more than the failure limit 2; last: web-5xx in ALARM: 5xx > 5 (stopped early after ${formatDuration(report.finishedAt - report.startedAt)})`
    )
    expect(log.text()).toContain(
      '✗ alarms failed 3 rounds, more than the failure limit 2: stopping'
    )
    expect(log.lines.filter(l => l.message.startsWith('✗ alarms failing'))).toHaveLength(2)
  })

  it('a window AWS mostly could not read fails, saying so; a few unread rounds do not', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 }
    })
    const monitor = (seconds: number) =>
      base({
        checks: checks(ALARMS),
        mode: 'monitor',
        intervalMs: 10_000,
        durationMs: seconds * 1000
      })
    cwMock.reset()
    cwMock.on(DescribeAlarmsCommand).rejects(throttled)
    const never = await runHealthChecks(monitor(60), {
      clock: new FakeClock(),
      log: new MemoryLogger(),
      cloudwatch
    })
    expect(never.healthy).toBe(false)
    expect(never.checks[0]).toMatchObject({ attempts: 7, failures: 0, unreadable: 7, ok: false })
    expect(never.reason).toContain(
      'alarms could not read AWS in 7 of 7 rounds: the window observed too little to pass'
    )

    cwMock.reset()
    cwMock
      .on(DescribeAlarmsCommand)
      .rejectsOnce(throttled)
      .resolves({ MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: 'OK' }] })
    const once = await runHealthChecks(monitor(60), {
      clock: new FakeClock(),
      log: new MemoryLogger(),
      cloudwatch
    })
    expect(once.healthy).toBe(true)
    expect(once.checks[0]).toMatchObject({ attempts: 7, failures: 0, unreadable: 1, ok: true })
  })

  it('passes with failures up to the limit and samples for the whole duration', async () => {
    // One check: FakeClock time is shared, so with several loops one sleeper moves time for
    // all; the exact schedule is asserted where only one loop runs.
    const states = ['ALARM', 'OK', 'ALARM']
    cwMock.on(DescribeAlarmsCommand).callsFake(() => ({
      MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: states.shift() ?? 'OK' }]
    }))
    const clock = new FakeClock()
    const report = await runHealthChecks(
      base({
        checks: checks(ALARMS),
        mode: 'monitor',
        intervalMs: 10_000,
        durationMs: 60_000,
        failureLimit: 2
      }),
      { clock, log: new MemoryLogger(), cloudwatch }
    )
    expect(report.healthy).toBe(true)
    expect(report.checks.map(c => [c.name, c.attempts, c.failures, c.ok])).toEqual([
      ['alarms', 7, 2, true]
    ])
    expect(report.samples.map(s => s.at - report.startedAt)).toEqual([
      0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000
    ])
    expect(report.finishedAt - report.startedAt).toBe(60_000)
  })

  describe('with load and thresholds', () => {
    let server: TestServer
    let served = 0
    let failing = new Set<number>()

    beforeAll(async () => {
      server = await startServer((_req, res) => {
        served++
        res.writeHead(failing.has(served) ? 500 : 200)
        res.end()
      })
    })

    afterAll(async () => {
      await server.close()
    })

    const run = (maxErrorRate: number, failureLimit: number) =>
      runHealthChecks(
        base({
          checks: checks(`- name: api\n  http: { url: '${server.url}/' }`),
          mode: 'monitor',
          intervalMs: 10_000,
          durationMs: 10_000,
          failureLimit,
          load: { requests: 4, concurrency: 2 },
          thresholds: { maxErrorRate }
        }),
        { clock: new FakeClock(), log: new MemoryLogger() }
      )

    it('judges each round by its error rate and the whole run by the thresholds', async () => {
      served = 0
      failing = new Set([5, 6])
      const report = await run(0.2, 1)
      expect(report.samples).toHaveLength(8)
      expect(report.checks[0]).toMatchObject({ attempts: 2, passes: 1, failures: 1, ok: true })
      expect(report.checks[0]?.lastDetail).toMatch(
        /^4 requests, 2 failed \(50%\): error rate 50% exceeds 20%; first failure: expected status 2xx, got 500/
      )
      expect(report.latency).toMatchObject({ count: 8, errorRate: 0.25 })
      expect(report.healthy).toBe(false)
      expect(report.failedChecks).toEqual([])
      expect(report.reason).toBe('over all HTTP requests: error rate 25% exceeds 20%')
    })

    it('passes rounds within the error budget', async () => {
      served = 0
      failing = new Set([4])
      const report = await run(0.3, 0)
      expect(report.healthy).toBe(true)
      expect(report.checks[0]).toMatchObject({ attempts: 2, passes: 2, failures: 0 })
      expect(report.checks[0]?.lastDetail).toMatch(
        /^4 requests, 0 failed \(0%\), p50 \d+ ms, p95 \d+ ms$/
      )
    })
  })
})

describe('runHealthChecks: the clients the checks need', () => {
  const deps: RunHealthChecksDeps = { clock: new FakeClock(), log: new MemoryLogger() }

  it.each<[string, string]>([
    [SVC, 'the checks need an ECS client (deps.ecs), but none was given'],
    [TG, 'the checks need an Elastic Load Balancing v2 client (deps.elb)'],
    [ALARMS, 'the checks need a CloudWatch client (deps.cloudwatch)'],
    ['- name: q\n  sqs-queue: { queue: q }', 'the checks need an SQS client (deps.sqs)']
  ])('a front end that forgot one is told before any request: %s', async (yaml, message) => {
    await expect(runHealthChecks(base({ checks: checks(yaml) }), deps)).rejects.toThrow(message)
    expect(ecsMock.calls()).toHaveLength(0)
  })

  it('an ECS service check needs Elastic Load Balancing too (its target health), and SQS max-age CloudWatch', async () => {
    await expect(runHealthChecks(base({ checks: checks(SVC) }), { ...deps, ecs })).rejects.toThrow(
      '(deps.elb)'
    )
    const ageCheck = checks('- name: q\n  sqs-queue: { queue: q, max-age: 5m }')
    const sqs = new SQSClient({ region: 'eu-west-1' })
    await expect(runHealthChecks(base({ checks: ageCheck }), { ...deps, sqs })).rejects.toThrow(
      '(deps.cloudwatch)'
    )
  })
})

describe('reportToJson', () => {
  it('writes every sample with its time in ISO 8601', async () => {
    stableService()
    const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5))
    const report = await runHealthChecks(base({ checks: checks(SVC) }), {
      clock,
      log: new MemoryLogger(),
      ecs,
      elb
    })
    const json = JSON.parse(reportToJson(report))
    expect(json).toMatchObject({
      healthy: true,
      mode: 'verify',
      startedAt: '2026-01-02T03:04:05.000Z',
      finishedAt: '2026-01-02T03:04:10.000Z',
      failedChecks: [],
      checks: [{ name: 'svc', target: 'prod/web', ok: true, attempts: 2 }]
    })
    expect(json.samples).toEqual([
      {
        check: 'svc',
        type: 'ecs-service',
        time: '2026-01-02T03:04:05.000Z',
        ok: true,
        detail: 'deployment ecs-svc/1 COMPLETED with 2/2 tasks of (unknown task definition) running'
      },
      {
        check: 'svc',
        type: 'ecs-service',
        time: '2026-01-02T03:04:10.000Z',
        ok: true,
        detail: 'deployment ecs-svc/1 COMPLETED with 2/2 tasks of (unknown task definition) running'
      }
    ])
    const withLatency = reportToJson({
      ...report,
      samples: [
        {
          check: 'a',
          type: 'http',
          at: 0,
          ok: true,
          latencyMs: 12.3456,
          status: 200,
          detail: '200 OK'
        }
      ]
    })
    expect(JSON.parse(withLatency).samples[0]).toEqual({
      check: 'a',
      type: 'http',
      time: '1970-01-01T00:00:00.000Z',
      ok: true,
      latencyMs: 12.3,
      status: 200,
      detail: '200 OK'
    })
  })
})

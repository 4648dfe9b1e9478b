import { beforeEach, describe, expect, it } from '@jest/globals'
import * as YAML from 'yaml'
import { mockClient } from 'aws-sdk-client-mock'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeServicesCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { FakeClock, MemoryLogger, type Clock } from '@fargate-promote/common'
import {
  ChecksSchema,
  runHealthChecks,
  type CheckSpec,
  type RunHealthChecksOptions
} from '../src/index.js'

const cwMock = mockClient(CloudWatchClient)
const ecsMock = mockClient(ECSClient)
const cloudwatch = new CloudWatchClient({ region: 'eu-west-1' })
const ecs = new ECSClient({ region: 'eu-west-1' })
const elb = new ElasticLoadBalancingV2Client({ region: 'eu-west-1' })
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0)

const checks = (yaml: string): CheckSpec[] => ChecksSchema.parse(YAML.parse(yaml))
const ALARMS = '- name: alarms\n  cloudwatch-alarm: { alarms: [web-5xx] }\n'
const SVC = '- name: svc\n  ecs-service: { cluster: prod, service: web }\n'

beforeEach(() => {
  cwMock.reset()
  ecsMock.reset()
})

function alarmState(state: 'OK' | 'ALARM') {
  cwMock.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: state, StateReason: '5xx > 5' }]
  })
}

/** A logger that notes the clock's time of each line, in seconds since T0. */
function timedLog(clock: Clock) {
  const log = new MemoryLogger()
  const lines: { at: number; message: string }[] = []
  const info = log.info.bind(log)
  log.info = (message: string) => {
    lines.push({ at: (clock.now() - T0) / 1000, message })
    info(message)
  }
  return { log, lines }
}

function options(overrides: Partial<RunHealthChecksOptions>): RunHealthChecksOptions {
  return {
    checks: checks(ALARMS),
    mode: 'monitor',
    timeoutMs: 60_000,
    intervalMs: 10_000,
    consecutiveSuccesses: 2,
    durationMs: 600_000,
    ...overrides
  }
}

function beatsOf(lines: { at: number; message: string }[]) {
  const beats = lines.filter(line => line.message.startsWith('Waiting for'))
  const times = beats.map(beat => beat.at)
  const gaps = times.slice(1).map((time, index) => time - (times[index] as number))
  return { beats, first: times[0], longestGap: Math.max(...gaps) }
}

describe('runHealthChecks: the heartbeat', () => {
  it('a 10-minute monitoring window where nothing changes says every 30 s what it waits for, elapsed and left', async () => {
    alarmState('OK')
    const clock = new FakeClock(T0)
    const { log, lines } = timedLog(clock)
    const report = await runHealthChecks(options({}), { clock, log, cloudwatch })
    expect(report.healthy).toBe(true)
    const { beats, first, longestGap } = beatsOf(lines)
    expect(beats.length).toBeGreaterThanOrEqual(20)
    expect(first).toBeLessThanOrEqual(30)
    expect(longestGap).toBeLessThanOrEqual(30)
    expect(beats[0]?.message).toBe(
      'Waiting for the 10m monitoring window of 1 health check to end: 30s elapsed, 9m 30s left — alarms: 3 of 3 rounds passed'
    )
    expect(beats[6]?.message).toBe(
      'Waiting for the 10m monitoring window of 1 health check to end: 3m 30s elapsed, 6m 30s left — alarms: 21 of 21 rounds passed'
    )
    // Besides the heartbeat, only the one change: the check passing.
    expect(lines.length).toBe(beats.length + 1)
  })

  it('rounds further apart than the heartbeat: the wait between them still speaks every 30 s', async () => {
    alarmState('OK')
    const clock = new FakeClock(T0)
    const { log, lines } = timedLog(clock)
    await runHealthChecks(options({ intervalMs: 120_000, durationMs: 360_000 }), {
      clock,
      log,
      cloudwatch
    })
    const { beats, longestGap } = beatsOf(lines)
    expect(beats.map(beat => beat.at)).toEqual([
      30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330, 360
    ])
    expect(longestGap).toBe(30)
  })

  it('verify: each check’s rounds passed and in a row, until it reaches its verdict', async () => {
    alarmState('ALARM')
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        {
          status: 'ACTIVE',
          desiredCount: 1,
          runningCount: 1,
          deployments: [
            {
              id: 'ecs-svc/1',
              status: 'PRIMARY',
              rolloutState: 'COMPLETED',
              desiredCount: 1,
              runningCount: 1
            }
          ]
        }
      ]
    })
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const clock = new FakeClock(T0)
    const { log, lines } = timedLog(clock)
    const report = await runHealthChecks(
      options({ mode: 'verify', checks: checks(ALARMS + SVC), timeoutMs: 120_000 }),
      { clock, log, cloudwatch, ecs, elb }
    )
    expect(report.healthy).toBe(false)
    const { beats } = beatsOf(lines)
    expect(beats.length).toBeGreaterThan(0)
    for (const beat of beats) {
      expect(beat.message).toMatch(
        /^Waiting for 2 health checks to pass: .+ elapsed, .+ left — alarms: 0 of \d+ rounds passed, 0\/2 in a row; svc: passed$/
      )
    }
  })

  it('a check whose first round is still under way says so', async () => {
    const clock = new FakeClock(T0)
    let calls = 0
    cwMock.on(DescribeAlarmsCommand).callsFake(async () => {
      // The first answer takes 40 s of the clock: the other check's wait speaks meanwhile.
      if (calls++ === 0) await clock.sleep(40_000)
      return { MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: 'OK' }] }
    })
    const { log, lines } = timedLog(clock)
    const second = ALARMS.replace('name: alarms', 'name: second')
    await runHealthChecks(options({ checks: checks(second + ALARMS), durationMs: 60_000 }), {
      clock,
      log,
      cloudwatch
    })
    expect(beatsOf(lines).beats[0]?.message).toContain('second: first round under way; alarms:')
  })
})

import { describe, expect, it } from '@jest/globals'
import { albMinutes, statistic } from '../src/cloudwatch/alb-metrics.js'
import { evaluateAlarm } from '../src/cloudwatch/alarm-evaluation.js'
import { createCloudWatchModule } from '../src/cloudwatch/index.js'
import { parseAlarmConfig } from '../src/cloudwatch/alarm-config.js'
import type { SimClock } from '../src/contract.js'
import { TrafficLog } from '../src/elbv2/traffic-log.js'

/** The traffic log and the ALB metrics on a hand-moved virtual clock. */
function fakeClock(start: number) {
  let now = start
  const clock: SimClock = {
    scale: 1,
    virtual: true,
    now: () => now,
    sleep: () => Promise.resolve(),
    setTimer: () => () => undefined,
    setInterval: () => () => undefined
  }
  return { clock, advance: (ms: number) => (now += ms) }
}

const LB = 'app/shop/0123456789abcdef'
const TG = 'targetgroup/shop-a/0123456789abcdef'
const dims = (tg?: string) => [
  { Name: 'TargetGroup', Value: tg ?? TG },
  { Name: 'LoadBalancer', Value: LB }
]

describe('ALB metrics from the traffic log', () => {
  const { clock, advance } = fakeClock(1_700_000_040_000)
  const log = new TrafficLog(clock)
  const port = { albTraffic: (lb: string, tg?: string) => log.minutes(lb, tg) }
  log.record(LB, { kind: 'target', targetGroupSuffix: TG, status: 200, responseTimeMs: 2 })
  log.record(LB, { kind: 'target', targetGroupSuffix: TG, status: 500, responseTimeMs: 402 })
  log.record(LB, { kind: 'target', targetGroupSuffix: TG, status: 404, responseTimeMs: 2 })
  log.record(LB, { kind: 'target-failed', targetGroupSuffix: TG, status: 502 })
  log.record(LB, { kind: 'no-target', status: 503 })
  advance(60_000)
  log.record(LB, { kind: 'target', targetGroupSuffix: TG, status: 302, responseTimeMs: 10 })

  const read = (metricName: string, dimensions = dims(), unit?: string) =>
    albMinutes({ namespace: 'AWS/ApplicationELB', metricName, dimensions, unit }, port)

  it('counts per minute, per group and for the whole load balancer', () => {
    expect(read('RequestCount')?.map(m => statistic('Sum', m.samples))).toEqual([4, 1])
    expect(read('HTTPCode_Target_5XX_Count')?.length).toBe(1)
    expect(read('HTTPCode_Target_3XX_Count')?.length).toBe(1)
    expect(read('HTTPCode_Target_4XX_Count')?.length).toBe(1)
    expect(read('HTTPCode_Target_2XX_Count')?.length).toBe(1)
    const lbOnly = [{ Name: 'LoadBalancer', Value: LB }]
    expect(read('HTTPCode_ELB_5XX_Count', lbOnly)?.map(m => statistic('Sum', m.samples))).toEqual([
      2
    ])
    expect(read('HTTPCode_ELB_503_Count', lbOnly)?.map(m => statistic('Sum', m.samples))).toEqual([
      1
    ])
    expect(read('HTTPCode_ELB_502_Count', lbOnly)?.length).toBe(1)
    // The load balancer's own codes have no TargetGroup dimension; nor does any other set work.
    expect(read('HTTPCode_ELB_5XX_Count')).toBeUndefined()
    expect(read('RequestCount', [{ Name: 'TargetGroup', Value: TG }])).toBeUndefined()
    expect(read('RequestCount', dims(), 'Seconds')).toBeUndefined()
    expect(read('ActiveConnectionCount')).toBeUndefined()
    expect(read('RequestCount', dims('targetgroup/other/1'))).toEqual([])
  })

  it('computes response-time statistics in seconds', () => {
    const [first] = read('TargetResponseTime') ?? []
    const samples = first?.samples ?? []
    expect(statistic('Average', samples)).toBeCloseTo(0.406 / 3)
    expect(statistic('Minimum', samples)).toBe(0.002)
    expect(statistic('Maximum', samples)).toBe(0.402)
    expect(statistic('SampleCount', samples)).toBe(3)
    expect(statistic('p50', samples)).toBe(0.002)
    expect(statistic('p99', samples)).toBe(0.402)
    expect(statistic('p50', [])).toBe(0)
  })

  it('evaluates an alarm on the datapoints of whole periods', () => {
    const alarm = (extra: Record<string, unknown>) =>
      parseAlarmConfig({
        AlarmName: 'a',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: dims(),
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        ...extra
      })
    const sources = { clock, loadBalancers: port }
    // Now is in the second minute: the first minute (one 5XX) is the last whole period.
    expect(evaluateAlarm(alarm({}), 'OK', sources).state).toBe('ALARM')
    expect(
      evaluateAlarm(alarm({ ComparisonOperator: 'LessThanThreshold' }), 'OK', sources).state
    ).toBe('OK')
    advance(60_000)
    // The second minute had no 5XX: no datapoint.
    expect(evaluateAlarm(alarm({}), 'OK', sources).state).toBe('INSUFFICIENT_DATA')
    expect(evaluateAlarm(alarm({ TreatMissingData: 'ignore' }), 'ALARM', sources).state).toBe(
      'ALARM'
    )
    expect(evaluateAlarm(alarm({ TreatMissingData: 'notBreaching' }), 'ALARM', sources).state).toBe(
      'OK'
    )
    expect(evaluateAlarm(alarm({ TreatMissingData: 'breaching' }), 'OK', sources).state).toBe(
      'ALARM'
    )
    expect(
      evaluateAlarm(alarm({ EvaluationPeriods: 2, DatapointsToAlarm: 1 }), 'OK', sources).state
    ).toBe('ALARM')
  })

  it('drops minutes older than 15 days and forgets everything on clear', () => {
    advance(16 * 24 * 3_600_000)
    log.record(LB, { kind: 'target', targetGroupSuffix: TG, status: 200, responseTimeMs: 2 })
    expect(log.minutes(LB, TG)).toHaveLength(1)
    log.clear()
    expect(log.minutes(LB)).toEqual([])
  })
})

describe('alarm states set by hand', () => {
  const context = (operation: string) => ({
    service: 'cloudwatch' as const,
    operation,
    region: 'eu-west-1',
    accountId: '123456789012',
    requestId: 'r'
  })

  async function setup() {
    const { clock, advance } = fakeClock(Date.UTC(2026, 0, 1, 12, 0, 0))
    const cw = createCloudWatchModule({ clock })
    await cw.handle(context('PutMetricAlarm'), {
      AlarmName: 'web-5xx',
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Dimensions: dims(),
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold'
    })
    return { cw, advance }
  }

  it('SetAlarmState holds until the next period, then the metric decides', async () => {
    const { cw, advance } = await setup()
    await cw.handle(context('SetAlarmState'), {
      AlarmName: 'web-5xx',
      StateValue: 'ALARM',
      StateReason: 'drill'
    })
    expect(cw.alarmState('web-5xx')).toBe('ALARM')
    advance(61_000)
    expect(cw.alarmState('web-5xx')).toBe('INSUFFICIENT_DATA')
  })

  it('a state set through the control API lasts, whatever periods pass', async () => {
    const { cw, advance } = await setup()
    cw.setAlarmState('web-5xx', 'ALARM', 'scenario: 5xx above 5%')
    advance(10 * 60_000)
    expect(cw.alarmState('web-5xx')).toBe('ALARM')
    // SetAlarmState, the AWS API, ends the pin: evaluation applies again after its period.
    await cw.handle(context('SetAlarmState'), {
      AlarmName: 'web-5xx',
      StateValue: 'OK',
      StateReason: 'reset'
    })
    advance(61_000)
    expect(cw.alarmState('web-5xx')).toBe('INSUFFICIENT_DATA')
  })
})

import { describe, expect, it } from '@jest/globals'
import { AwsError } from '../src/contract.js'
import type { RequestContext, SimClock } from '../src/contract.js'
import { createCloudWatchModule } from '../src/cloudwatch/index.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read deep into untyped results
type Loose = Record<string, any>

function fakeClock(start = Date.UTC(2026, 0, 1)): SimClock & { advance(ms: number): void } {
  let now = start
  return {
    scale: 1,
    now: () => now,
    sleep: () => Promise.resolve(),
    setTimer: () => () => undefined,
    setInterval: () => () => undefined,
    advance(ms) {
      now += ms
    }
  }
}

const ctx = (operation: string): RequestContext => ({
  service: 'cloudwatch',
  operation,
  region: 'eu-west-1',
  accountId: '123456789012',
  requestId: 'req-1'
})

const alarmInput = (name: string, extra: Record<string, unknown> = {}) => ({
  AlarmName: name,
  MetricName: 'HTTPCode_Target_5XX_Count',
  Namespace: 'AWS/ApplicationELB',
  Statistic: 'Sum',
  Period: 60,
  EvaluationPeriods: 2,
  Threshold: 5,
  ComparisonOperator: 'GreaterThanThreshold',
  Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/web/abc' }],
  ...extra
})

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AwsError)
    return (error as AwsError).code
  }
  throw new Error('expected the call to fail')
}

function setup() {
  const clock = fakeClock()
  const cw = createCloudWatchModule({ clock })
  const call = (operation: string, input: Record<string, unknown>) =>
    cw.handle(ctx(operation), input) as Promise<Loose>
  return { clock, cw, call }
}

describe('cloudwatch PutMetricAlarm', () => {
  it('stores a new alarm in INSUFFICIENT_DATA with its ARN and timestamps', async () => {
    const { cw, call, clock } = setup()
    await expect(call('PutMetricAlarm', alarmInput('web-5xx'))).resolves.toEqual({})
    const out = await call('DescribeAlarms', { AlarmNames: ['web-5xx'] })
    expect(out.MetricAlarms).toHaveLength(1)
    const alarm = out.MetricAlarms[0]
    expect(alarm).toMatchObject({
      AlarmName: 'web-5xx',
      AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-5xx',
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/web/abc' }],
      ActionsEnabled: true,
      EvaluationPeriods: 2,
      Threshold: 5
    })
    expect(alarm.StateUpdatedTimestamp).toEqual(new Date(clock.now()))
    expect(cw.alarmState('web-5xx')).toBe('INSUFFICIENT_DATA')
    expect(cw.alarmState('nope')).toBeUndefined()
  })

  it('updates the configuration of an existing alarm but keeps its state', async () => {
    const { cw, call, clock } = setup()
    await call('PutMetricAlarm', alarmInput('a'))
    cw.setAlarmState('a', 'ALARM', 'drill')
    clock.advance(5000)
    await call('PutMetricAlarm', alarmInput('a', { Threshold: 50 }))
    const [alarm] = (await call('DescribeAlarms', {})).MetricAlarms
    expect(alarm).toMatchObject({ Threshold: 50, StateValue: 'ALARM', StateReason: 'drill' })
    expect(alarm.AlarmConfigurationUpdatedTimestamp).toEqual(new Date(clock.now()))
  })

  it('accepts a metric-math alarm with Metrics and ThresholdMetricId', async () => {
    const { call } = setup()
    await call('PutMetricAlarm', {
      AlarmName: 'math',
      EvaluationPeriods: 1,
      ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
      ThresholdMetricId: 'ad1',
      Metrics: [{ Id: 'm1', ReturnData: true }]
    })
    const [alarm] = (await call('DescribeAlarms', {})).MetricAlarms
    expect(alarm.Metrics).toEqual([{ Id: 'm1', ReturnData: true }])
    expect(alarm.Threshold).toBeUndefined()
  })

  it.each([
    [{ AlarmName: undefined }, 'MissingParameter'],
    [{ AlarmName: '' }, 'MissingParameter'],
    [{ AlarmName: 'x'.repeat(256) }, 'InvalidParameterValue'],
    [{ AlarmName: 7 }, 'InvalidParameterValue'],
    [{ EvaluationPeriods: undefined }, 'MissingParameter'],
    [{ EvaluationPeriods: 0 }, 'InvalidParameterValue'],
    [{ EvaluationPeriods: 1.5 }, 'InvalidParameterValue'],
    [{ EvaluationPeriods: '2' }, 'InvalidParameterValue'],
    [{ ComparisonOperator: undefined }, 'MissingParameter'],
    [{ ComparisonOperator: 'Bigger' }, 'InvalidParameterValue'],
    [{ MetricName: undefined }, 'MissingParameter'],
    [{ Namespace: undefined }, 'MissingParameter'],
    [{ Statistic: undefined }, 'MissingParameter'],
    [{ Statistic: 'Median' }, 'InvalidParameterValue'],
    [{ ExtendedStatistic: 'p99' }, 'InvalidParameterCombination'],
    [{ Period: undefined }, 'MissingParameter'],
    [{ Period: 45 }, 'InvalidParameterValue'],
    [{ Threshold: undefined }, 'MissingParameter'],
    [{ DatapointsToAlarm: 3 }, 'InvalidParameterValue'],
    [{ TreatMissingData: 'sometimes' }, 'InvalidParameterValue'],
    [{ Unit: 'Parsecs' }, 'InvalidParameterValue'],
    [{ Dimensions: 'x' }, 'InvalidParameterValue'],
    [{ Dimensions: ['x'] }, 'InvalidParameterValue'],
    [{ Dimensions: [{ Name: 'a' }] }, 'MissingParameter'],
    [
      { Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `n${i}`, Value: 'v' })) },
      'InvalidParameterValue'
    ],
    [{ AlarmActions: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'InvalidParameterValue'],
    [{ AlarmActions: [1] }, 'InvalidParameterValue'],
    [{ ActionsEnabled: 'yes' }, 'InvalidParameterValue'],
    [{ Metrics: { Id: 'm1' } }, 'InvalidParameterValue'],
    [{ Metrics: [{ Id: 'm1' }] }, 'InvalidParameterCombination']
  ])('rejects %j with %s', async (change, code) => {
    const { call } = setup()
    await expect(codeOf(call('PutMetricAlarm', alarmInput('bad', change)))).resolves.toBe(code)
    expect((await call('DescribeAlarms', {})).MetricAlarms).toEqual([])
  })

  it('accepts ExtendedStatistic alone and the sub-minute periods', async () => {
    const { call } = setup()
    await call(
      'PutMetricAlarm',
      alarmInput('p99', { Statistic: undefined, ExtendedStatistic: 'p99', Period: 10 })
    )
    const [alarm] = (await call('DescribeAlarms', {})).MetricAlarms
    expect(alarm).toMatchObject({ ExtendedStatistic: 'p99', Period: 10 })
  })
})

describe('cloudwatch DescribeAlarms', () => {
  async function seeded() {
    const s = setup()
    for (const name of ['web-5xx', 'web-latency', 'worker-age', 'api-errors']) {
      await s.call(
        'PutMetricAlarm',
        alarmInput(
          name,
          name === 'worker-age'
            ? { AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:pager'] }
            : {}
        )
      )
    }
    s.cw.setAlarmState('web-latency', 'ALARM', 'threshold crossed')
    return s
  }

  it('filters by names, prefix, state and action prefix, sorted by name', async () => {
    const { call } = await seeded()
    const names = async (input: Record<string, unknown>) =>
      ((await call('DescribeAlarms', input)).MetricAlarms as { AlarmName: string }[]).map(
        a => a.AlarmName
      )
    expect(await names({})).toEqual(['api-errors', 'web-5xx', 'web-latency', 'worker-age'])
    expect(await names({ AlarmNames: ['worker-age', 'missing', 'web-5xx'] })).toEqual([
      'web-5xx',
      'worker-age'
    ])
    expect(await names({ AlarmNamePrefix: 'web-' })).toEqual(['web-5xx', 'web-latency'])
    expect(await names({ StateValue: 'ALARM' })).toEqual(['web-latency'])
    expect(await names({ AlarmNamePrefix: 'web-', StateValue: 'OK' })).toEqual([])
    expect(await names({ ActionPrefix: 'arn:aws:sns:eu-west-1:123456789012:pa' })).toEqual([
      'worker-age'
    ])
    expect(await names({ AlarmTypes: ['MetricAlarm'] })).toHaveLength(4)
    expect(await names({ AlarmTypes: ['CompositeAlarm'] })).toEqual([])
    expect(await names({ ParentsOfAlarmName: 'web-5xx' })).toEqual([])
    const out = await call('DescribeAlarms', { AlarmTypes: ['CompositeAlarm'] })
    expect(out.CompositeAlarms).toEqual([])
  })

  it('pages with MaxRecords and NextToken', async () => {
    const { call } = await seeded()
    const first = await call('DescribeAlarms', { MaxRecords: 3 })
    expect((first.MetricAlarms as { AlarmName: string }[]).map(a => a.AlarmName)).toEqual([
      'api-errors',
      'web-5xx',
      'web-latency'
    ])
    expect(typeof first.NextToken).toBe('string')
    const second = await call('DescribeAlarms', { MaxRecords: 3, NextToken: first.NextToken })
    expect((second.MetricAlarms as { AlarmName: string }[]).map(a => a.AlarmName)).toEqual([
      'worker-age'
    ])
    expect(second.NextToken).toBeUndefined()
  })

  it.each([
    [{ AlarmNames: ['a'], AlarmNamePrefix: 'a' }, 'InvalidParameterCombination'],
    [{ AlarmNames: Array.from({ length: 101 }, (_, i) => `a${i}`) }, 'InvalidParameterValue'],
    [{ StateValue: 'BROKEN' }, 'InvalidParameterValue'],
    [{ AlarmTypes: ['LogAlarm'] }, 'InvalidParameterValue'],
    [{ MaxRecords: 0 }, 'InvalidParameterValue'],
    [{ MaxRecords: 101 }, 'InvalidParameterValue'],
    [{ NextToken: 'garbage' }, 'InvalidNextToken']
  ])('rejects %j with %s', async (input, code) => {
    const { call } = setup()
    await expect(codeOf(call('DescribeAlarms', input))).resolves.toBe(code)
  })
})

describe('cloudwatch SetAlarmState and DeleteAlarms', () => {
  it('moves the state, records the reason and the transition time', async () => {
    const { cw, call, clock } = setup()
    await call('PutMetricAlarm', alarmInput('a'))
    clock.advance(1000)
    await call('SetAlarmState', {
      AlarmName: 'a',
      StateValue: 'ALARM',
      StateReason: 'drill',
      StateReasonData: '{"x":1}'
    })
    expect(cw.alarmState('a')).toBe('ALARM')
    const transitioned = clock.now()
    clock.advance(1000)
    await call('SetAlarmState', { AlarmName: 'a', StateValue: 'ALARM', StateReason: 'still' })
    const [alarm] = (await call('DescribeAlarms', {})).MetricAlarms
    expect(alarm).toMatchObject({ StateValue: 'ALARM', StateReason: 'still' })
    expect(alarm.StateReasonData).toBeUndefined()
    expect(alarm.StateUpdatedTimestamp).toEqual(new Date(clock.now()))
    expect(alarm.StateTransitionedTimestamp).toEqual(new Date(transitioned))
    expect(cw.dump()).toMatchObject({ alarms: [{ AlarmName: 'a', StateValue: 'ALARM' }] })
  })

  it.each([
    [{ AlarmName: 'nope', StateValue: 'OK', StateReason: 'r' }, 'ResourceNotFound'],
    [{ AlarmName: 'a', StateValue: 'GREEN', StateReason: 'r' }, 'InvalidParameterValue'],
    [{ AlarmName: 'a', StateReason: 'r' }, 'InvalidParameterValue'],
    [{ AlarmName: 'a', StateValue: 'OK' }, 'MissingParameter'],
    [{ AlarmName: 'a', StateValue: 'OK', StateReason: 'x'.repeat(1024) }, 'InvalidParameterValue'],
    [
      { AlarmName: 'a', StateValue: 'OK', StateReason: 'r', StateReasonData: '{not json' },
      'InvalidFormat'
    ]
  ])('rejects %j with %s', async (input, code) => {
    const { call } = setup()
    await call('PutMetricAlarm', alarmInput('a'))
    await expect(codeOf(call('SetAlarmState', input))).resolves.toBe(code)
  })

  it('reports ResourceNotFound with status 404 to the sim API too', () => {
    const { cw } = setup()
    expect(() => cw.setAlarmState('ghost', 'OK', 'r')).toThrow(
      expect.objectContaining({ code: 'ResourceNotFound', status: 404 })
    )
  })

  it('deletes all named alarms or none', async () => {
    const { cw, call } = setup()
    await call('PutMetricAlarm', alarmInput('a'))
    await call('PutMetricAlarm', alarmInput('b'))
    await expect(codeOf(call('DeleteAlarms', { AlarmNames: ['a', 'ghost'] }))).resolves.toBe(
      'ResourceNotFound'
    )
    expect(cw.alarmState('a')).toBe('INSUFFICIENT_DATA')
    await call('DeleteAlarms', { AlarmNames: ['a'] })
    expect(cw.alarmState('a')).toBeUndefined()
    expect(cw.alarmState('b')).toBe('INSUFFICIENT_DATA')
  })

  it('marks mutating operations, refuses unknown ones and forgets everything on reset', async () => {
    const { cw, call } = setup()
    expect(cw.isMutating('PutMetricAlarm')).toBe(true)
    expect(cw.isMutating('SetAlarmState')).toBe(true)
    expect(cw.isMutating('DescribeAlarms')).toBe(false)
    await expect(codeOf(call('GetMetricWidgetImage', {}))).resolves.toBe('InvalidAction')
    await call('PutMetricAlarm', alarmInput('a'))
    await cw.reset()
    expect(cw.alarmState('a')).toBeUndefined()
    expect(cw.dump()).toEqual({ alarms: [] })
  })
})

import { AwsError, SIM_ACCOUNT_ID } from '../contract.js'
import type { CloudWatchDeps, CloudWatchModule, RequestContext } from '../contract.js'
import { parseAlarmConfig } from './alarm-config.js'
import type { AlarmConfig } from './alarm-config.js'
import { evaluateAlarm, isEvaluated } from './alarm-evaluation.js'
import { simMsPerClockMs } from '../clock.js'
import { getMetricData } from './metric-data.js'
import { parseMetricDataRequest } from './metric-query.js'
import {
  decodeToken,
  encodeToken,
  invalid,
  optionalEnum,
  optionalNumber,
  optionalString,
  optionalStringList,
  requiredString
} from './params.js'

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'
const STATE_VALUES: readonly AlarmStateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA']
const ALARM_TYPES = ['CompositeAlarm', 'MetricAlarm'] as const

interface StoredAlarm {
  config: AlarmConfig
  arn: string
  configUpdatedAt: number
  state: AlarmStateValue
  stateReason: string
  stateReasonData?: string
  stateUpdatedAt: number
  stateTransitionedAt: number
  /** When SetAlarmState (or creation) last set it: that state holds until the next period. */
  manualAt?: number
  /**
   * Set through the control API (/_sim/alarms): a scenario's stand-in for a metric condition
   * that lasts, so evaluation never overrides it (tests would otherwise depend on whether a
   * period boundary passes). SetAlarmState, the AWS API, clears it.
   */
  pinned?: boolean
}

const MUTATING = new Set(['PutMetricAlarm', 'SetAlarmState', 'DeleteAlarms'])

/**
 * CloudWatch metric alarms (created by PutMetricAlarm, moved only by SetAlarmState or the sim)
 * and GetMetricData over the AWS/SQS metrics the sim's queues publish (metric-data.ts).
 */
export function createCloudWatchModule(deps: CloudWatchDeps): CloudWatchModule {
  const { clock } = deps
  const alarms = new Map<string, StoredAlarm>()

  const view = (alarm: StoredAlarm) => ({
    ...alarm.config,
    AlarmArn: alarm.arn,
    AlarmConfigurationUpdatedTimestamp: new Date(alarm.configUpdatedAt),
    StateValue: alarm.state,
    StateReason: alarm.stateReason,
    StateReasonData: alarm.stateReasonData,
    StateUpdatedTimestamp: new Date(alarm.stateUpdatedAt),
    StateTransitionedTimestamp: new Date(alarm.stateTransitionedAt)
  })

  const update = (
    alarm: StoredAlarm,
    state: AlarmStateValue,
    reason: string,
    reasonData?: string
  ): void => {
    const now = clock.now()
    if (alarm.state !== state) alarm.stateTransitionedAt = now
    alarm.state = state
    alarm.stateReason = reason
    alarm.stateReasonData = reasonData
    alarm.stateUpdatedAt = now
  }

  const changeState = (
    name: string,
    state: AlarmStateValue,
    reason: string,
    reasonData?: string,
    pinned = false
  ): void => {
    const alarm = alarms.get(name)
    if (!alarm) throw new AwsError('ResourceNotFound', `Alarm ${name} does not exist.`, 404)
    update(alarm, state, reason, reasonData)
    alarm.manualAt = clock.now()
    alarm.pinned = pinned
  }

  /** Re-evaluates an alarm on a metric the sim computes (alarm-evaluation.ts). */
  const refresh = (alarm: StoredAlarm): StoredAlarm => {
    if (!isEvaluated(alarm.config) || alarm.pinned === true) return alarm
    const periodMs = (alarm.config.Period ?? 60) * 1000
    const period = (at: number) => Math.floor((at * simMsPerClockMs(clock)) / periodMs)
    // SetAlarmState's state lasts until the next evaluation (CloudWatch API reference).
    if (alarm.manualAt !== undefined && period(alarm.manualAt) === period(clock.now())) {
      return alarm
    }
    const next = evaluateAlarm(alarm.config, alarm.state, deps)
    if (next.state !== alarm.state || next.reason !== alarm.stateReason) {
      update(alarm, next.state, next.reason)
    }
    return alarm
  }

  const putMetricAlarm = (ctx: RequestContext, input: Record<string, unknown>) => {
    const config = parseAlarmConfig(input)
    const now = clock.now()
    const existing = alarms.get(config.AlarmName)
    if (existing) {
      // An update replaces the configuration but leaves the state alone (AWS re-evaluates later).
      existing.config = config
      existing.configUpdatedAt = now
      return {}
    }
    alarms.set(config.AlarmName, {
      config,
      arn: `arn:aws:cloudwatch:${ctx.region}:${SIM_ACCOUNT_ID}:alarm:${config.AlarmName}`,
      configUpdatedAt: now,
      state: 'INSUFFICIENT_DATA',
      stateReason: 'Unchecked: Initial alarm creation',
      stateUpdatedAt: now,
      stateTransitionedAt: now,
      // The first evaluation comes with the next period, like a state set by SetAlarmState.
      manualAt: now
    })
    return {}
  }

  const describeAlarms = (input: Record<string, unknown>) => {
    const names = optionalStringList(input, 'AlarmNames', 100)
    const prefix = optionalString(input, 'AlarmNamePrefix', 255)
    if (names !== undefined && prefix !== undefined) {
      throw new AwsError(
        'InvalidParameterCombination',
        'AlarmNames and AlarmNamePrefix cannot both be specified.'
      )
    }
    const stateValue = optionalEnum(input, 'StateValue', STATE_VALUES)
    const types = optionalStringList(input, 'AlarmTypes')
    for (const type of types ?? []) {
      if (!(ALARM_TYPES as readonly string[]).includes(type)) {
        throw invalid('AlarmTypes', type, `Must be one of: ${ALARM_TYPES.join(', ')}.`)
      }
    }
    const actionPrefix = optionalString(input, 'ActionPrefix', 1024)
    const children = optionalString(input, 'ChildrenOfAlarmName')
    const parents = optionalString(input, 'ParentsOfAlarmName')
    const maxRecords =
      optionalNumber(input, 'MaxRecords', { min: 1, max: 100, integer: true }) ?? 50
    const start = decodeToken(optionalString(input, 'NextToken'))

    // Composite alarms do not exist here, so a filter that names or needs one matches nothing.
    const wantsMetric = types === undefined || types.includes('MetricAlarm')
    const matching = [...alarms.values()]
      .map(refresh)
      .filter(() => wantsMetric && children === undefined && parents === undefined)
      .filter(a => names === undefined || names.includes(a.config.AlarmName))
      .filter(a => prefix === undefined || a.config.AlarmName.startsWith(prefix))
      .filter(a => stateValue === undefined || a.state === stateValue)
      .filter(
        a =>
          actionPrefix === undefined ||
          [
            ...a.config.AlarmActions,
            ...a.config.OKActions,
            ...a.config.InsufficientDataActions
          ].some(action => action.startsWith(actionPrefix))
      )
      .sort((a, b) => (a.config.AlarmName < b.config.AlarmName ? -1 : 1))
    const page = matching.slice(start, start + maxRecords)
    const next = start + maxRecords < matching.length ? encodeToken(start + maxRecords) : undefined
    return { MetricAlarms: page.map(view), CompositeAlarms: [], NextToken: next }
  }

  const setAlarmStateOp = (input: Record<string, unknown>) => {
    const name = requiredString(input, 'AlarmName', 255)
    const state = optionalEnum(input, 'StateValue', STATE_VALUES)
    if (state === undefined) throw invalid('StateValue', null, 'StateValue is required.')
    const reason = requiredString(input, 'StateReason', 1023)
    const reasonData = optionalString(input, 'StateReasonData', 4000)
    if (reasonData !== undefined) {
      try {
        JSON.parse(reasonData)
      } catch {
        throw new AwsError('InvalidFormat', 'StateReasonData is not valid JSON.')
      }
    }
    changeState(name, state, reason, reasonData)
    return {}
  }

  const deleteAlarms = (input: Record<string, unknown>) => {
    const names = optionalStringList(input, 'AlarmNames', 100) ?? []
    const unknown = names.filter(name => !alarms.has(name))
    // CloudWatch deletes nothing when one name is unknown.
    if (unknown.length > 0) {
      throw new AwsError('ResourceNotFound', `Alarms not found: ${unknown.join(', ')}`, 404)
    }
    for (const name of names) alarms.delete(name)
    return {}
  }

  const dispatch = (ctx: RequestContext, input: Record<string, unknown>): unknown => {
    switch (ctx.operation) {
      case 'PutMetricAlarm':
        return putMetricAlarm(ctx, input)
      case 'DescribeAlarms':
        return describeAlarms(input)
      case 'SetAlarmState':
        return setAlarmStateOp(input)
      case 'DeleteAlarms':
        return deleteAlarms(input)
      case 'GetMetricData':
        return getMetricData(parseMetricDataRequest(input), deps)
      default:
        throw new AwsError(
          'InvalidAction',
          `The action ${ctx.operation} is not valid for this web service (not simulated).`
        )
    }
  }

  return {
    // Validation throws synchronously; run it inside the promise so callers always get a rejection.
    handle: (ctx, input) => Promise.resolve().then(() => dispatch(ctx, input)),
    isMutating: operation => MUTATING.has(operation),
    reset() {
      alarms.clear()
      return Promise.resolve()
    },
    dump: () => ({ alarms: [...alarms.values()].map(view) }),
    alarmState: name => {
      const alarm = alarms.get(name)
      return alarm && refresh(alarm).state
    },
    setAlarmState(name, state, reason) {
      changeState(name, state, reason, undefined, true)
    }
  }
}

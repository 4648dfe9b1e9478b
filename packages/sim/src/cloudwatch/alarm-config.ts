import { AwsError } from '../contract.js'
import {
  invalid,
  missing,
  optionalBoolean,
  optionalEnum,
  optionalNumber,
  optionalString,
  optionalStringList,
  requiredString
} from './params.js'

/** PutMetricAlarm's input, validated the way CloudWatch does before storing anything. */

export const COMPARISON_OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold'
] as const
export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const
export const TREAT_MISSING_DATA = ['breaching', 'notBreaching', 'ignore', 'missing'] as const
export const UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None'
] as const

export interface Dimension {
  Name: string
  Value: string
}

/** Everything the caller configures; state members are kept apart in the store. */
export interface AlarmConfig {
  AlarmName: string
  AlarmDescription?: string
  ActionsEnabled: boolean
  OKActions: string[]
  AlarmActions: string[]
  InsufficientDataActions: string[]
  MetricName?: string
  Namespace?: string
  Statistic?: string
  ExtendedStatistic?: string
  Dimensions: Dimension[]
  Period?: number
  Unit?: string
  EvaluationPeriods: number
  DatapointsToAlarm?: number
  Threshold?: number
  ComparisonOperator: string
  TreatMissingData?: string
  EvaluateLowSampleCountPercentile?: string
  Metrics?: unknown[]
  ThresholdMetricId?: string
}

function dimensions(input: Record<string, unknown>): Dimension[] {
  const value = input.Dimensions
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw invalid('Dimensions', value, 'Must be a list.')
  if (value.length > 30) throw invalid('Dimensions', value.length, 'At most 30 dimensions.')
  return value.map((item: unknown, i) => {
    const member = `Dimensions.member.${i + 1}`
    if (item === null || typeof item !== 'object')
      throw invalid(member, item, 'Must be a structure.')
    const d = item as Record<string, unknown>
    return {
      Name: requiredString(d, 'Name', 255),
      Value: requiredString(d, 'Value', 1024)
    }
  })
}

function validPeriod(period: number): boolean {
  return period === 10 || period === 20 || period === 30 || period % 60 === 0
}

export function parseAlarmConfig(input: Record<string, unknown>): AlarmConfig {
  const AlarmName = requiredString(input, 'AlarmName', 255)
  const EvaluationPeriods = optionalNumber(input, 'EvaluationPeriods', { min: 1, integer: true })
  if (EvaluationPeriods === undefined) throw missing('EvaluationPeriods')
  const ComparisonOperator = optionalEnum(input, 'ComparisonOperator', COMPARISON_OPERATORS)
  if (ComparisonOperator === undefined) throw missing('ComparisonOperator')

  const MetricName = optionalString(input, 'MetricName', 255)
  const Namespace = optionalString(input, 'Namespace', 255)
  const Statistic = optionalEnum(input, 'Statistic', STATISTICS)
  const ExtendedStatistic = optionalString(input, 'ExtendedStatistic')
  const Period = optionalNumber(input, 'Period', { min: 1, integer: true })
  const Metrics = input.Metrics
  if (Metrics !== undefined && Metrics !== null && !Array.isArray(Metrics)) {
    throw invalid('Metrics', Metrics, 'Must be a list.')
  }

  if (Metrics !== undefined && Metrics !== null) {
    if (MetricName !== undefined || Namespace !== undefined || Statistic !== undefined) {
      throw new AwsError(
        'InvalidParameterCombination',
        'Metrics cannot be combined with MetricName, Namespace, Statistic or ExtendedStatistic.'
      )
    }
  } else {
    if (MetricName === undefined) throw missing('MetricName')
    if (Namespace === undefined) throw missing('Namespace')
    if (Statistic === undefined && ExtendedStatistic === undefined) {
      throw new AwsError(
        'MissingParameter',
        'One of the parameters Statistic or ExtendedStatistic is required.'
      )
    }
    if (Period === undefined) throw missing('Period')
  }
  if (Statistic !== undefined && ExtendedStatistic !== undefined) {
    throw new AwsError(
      'InvalidParameterCombination',
      'Statistic and ExtendedStatistic cannot both be specified.'
    )
  }
  if (Period !== undefined && !validPeriod(Period)) {
    throw invalid('Period', Period, 'Must be 10, 20, 30 or a multiple of 60.')
  }

  const ThresholdMetricId = optionalString(input, 'ThresholdMetricId')
  const Threshold = optionalNumber(input, 'Threshold')
  if (Threshold === undefined && ThresholdMetricId === undefined) throw missing('Threshold')

  const DatapointsToAlarm = optionalNumber(input, 'DatapointsToAlarm', { min: 1, integer: true })
  if (DatapointsToAlarm !== undefined && DatapointsToAlarm > EvaluationPeriods) {
    throw invalid('DatapointsToAlarm', DatapointsToAlarm, 'Must not exceed EvaluationPeriods.')
  }

  return {
    AlarmName,
    AlarmDescription: optionalString(input, 'AlarmDescription', 1024),
    ActionsEnabled: optionalBoolean(input, 'ActionsEnabled') ?? true,
    OKActions: optionalStringList(input, 'OKActions', 5) ?? [],
    AlarmActions: optionalStringList(input, 'AlarmActions', 5) ?? [],
    InsufficientDataActions: optionalStringList(input, 'InsufficientDataActions', 5) ?? [],
    MetricName,
    Namespace,
    Statistic,
    ExtendedStatistic,
    Dimensions: dimensions(input),
    Period,
    Unit: optionalEnum(input, 'Unit', UNITS),
    EvaluationPeriods,
    DatapointsToAlarm,
    Threshold,
    ComparisonOperator,
    TreatMissingData: optionalEnum(input, 'TreatMissingData', TREAT_MISSING_DATA),
    EvaluateLowSampleCountPercentile: optionalEnum(input, 'EvaluateLowSampleCountPercentile', [
      'evaluate',
      'ignore'
    ]),
    Metrics: Array.isArray(Metrics) ? (Metrics as unknown[]) : undefined,
    ThresholdMetricId
  }
}

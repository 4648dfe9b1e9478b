import { simMsPerClockMs } from '../clock.js'
import type { AlarmConfig } from './alarm-config.js'
import { ALB_NAMESPACE } from './alb-metrics.js'
import { getMetricData } from './metric-data.js'
import type { MetricDataRequest } from './metric-query.js'

type Sources = Parameters<typeof getMetricData>[1]
export type EvaluatedState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

/**
 * Metric alarms on the AWS/ApplicationELB metrics the sim computes from proxied traffic are
 * evaluated from the same datapoints GetMetricData returns, as CloudWatch does
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html,
 * "Evaluating an alarm"; "Configuring how CloudWatch alarms treat missing data"): the last
 * EvaluationPeriods whole periods; ALARM when at least DatapointsToAlarm (default all) of them
 * breach, missing periods counting as TreatMissingData says (default `missing`: they neither
 * breach nor clear); all missing gives INSUFFICIENT_DATA (`missing`), OK (`notBreaching`) or the
 * current state (`ignore`). Alarms on other metrics move only by SetAlarmState and the control
 * API, as before. Deviations: evaluated when read (DescribeAlarms, ECS deployment alarms) rather
 * than each minute, with no delay; M-of-N with missing data uses the simple rule above.
 */
export function isEvaluated(config: AlarmConfig): boolean {
  return (
    config.Namespace === ALB_NAMESPACE &&
    config.MetricName !== undefined &&
    config.Period !== undefined
  )
}

function breaches(config: AlarmConfig, value: number): boolean {
  const threshold = config.Threshold ?? 0
  switch (config.ComparisonOperator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold
    case 'GreaterThanThreshold':
      return value > threshold
    case 'LessThanThreshold':
      return value < threshold
    case 'LessThanOrEqualToThreshold':
      return value <= threshold
    default:
      // Anomaly-detection operators need a band the sim does not compute.
      return false
  }
}

export function evaluateAlarm(
  config: AlarmConfig,
  current: EvaluatedState,
  sources: Sources
): { state: EvaluatedState; reason: string } {
  const clock = sources.clock
  const scale = simMsPerClockMs(clock)
  const periodMs = (config.Period ?? 60) * 1000
  const n = config.EvaluationPeriods
  // The periods that are over, the last one ending at the latest whole period.
  const simEnd = Math.floor((clock.now() * scale) / periodMs) * periodMs
  const request: MetricDataRequest = {
    queries: [
      {
        id: 'm',
        returnData: true,
        namespace: config.Namespace ?? '',
        metricName: config.MetricName ?? '',
        dimensions: config.Dimensions,
        period: config.Period ?? 60,
        stat: config.Statistic ?? config.ExtendedStatistic ?? 'Average',
        unit: config.Unit
      }
    ],
    startMs: (simEnd - n * periodMs) / scale,
    endMs: simEnd / scale,
    scanBy: 'TimestampAscending',
    maxDatapoints: n,
    page: { offset: 0 }
  }
  const result = getMetricData(request, sources).MetricDataResults[0]
  const values = result?.Values ?? []
  const missing = n - values.length
  const treat = config.TreatMissingData ?? 'missing'
  const breaching = values.filter(v => breaches(config, v)).length
  const needed = config.DatapointsToAlarm ?? n
  const counted = breaching + (treat === 'breaching' ? missing : 0)
  const shown = `[${values.join(', ')}]`
  if (counted >= needed) {
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: ${counted} out of the last ${n} datapoints ${shown} breached the threshold (${config.Threshold ?? 0}).`
    }
  }
  if (values.length === 0 && treat !== 'notBreaching') {
    const state = treat === 'ignore' ? current : 'INSUFFICIENT_DATA'
    return { state, reason: `Insufficient Data: ${n} datapoints were unknown.` }
  }
  return {
    state: 'OK',
    reason: `Threshold Crossed: ${counted} out of the last ${n} datapoints ${shown} breached the threshold (${config.Threshold ?? 0}) (minimum ${needed} for ALARM).`
  }
}

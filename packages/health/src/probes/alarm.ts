import { loadCloudWatch, type CloudWatchReader } from '../aws-clients.js'
import type { Clock } from '@fargate-promote/common'
import type { AlarmCheckSpec, Sample } from '../types.js'
import { awsFailure, unlessTransient } from './aws-error.js'

export interface AlarmProbeDeps {
  cloudwatch: CloudWatchReader
  clock: Clock
}

interface AlarmState {
  name: string
  state: string
  reason: string
}

/** DescribeAlarms takes at most 100 names per call. */
const NAMES_PER_CALL = 100

async function describeAll(
  spec: AlarmCheckSpec,
  cloudwatch: CloudWatchReader
): Promise<AlarmState[]> {
  const found: AlarmState[] = []
  const batches: (string[] | undefined)[] = []
  if (spec.alarms !== undefined) {
    for (let i = 0; i < spec.alarms.length; i += NAMES_PER_CALL) {
      batches.push(spec.alarms.slice(i, i + NAMES_PER_CALL))
    }
  } else {
    batches.push(undefined)
  }
  const { DescribeAlarmsCommand } = await loadCloudWatch()
  for (const names of batches) {
    let nextToken: string | undefined
    do {
      const page = await cloudwatch.send(
        new DescribeAlarmsCommand({
          ...(names ? { AlarmNames: names } : { AlarmNamePrefix: spec.prefix }),
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          NextToken: nextToken
        })
      )
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        found.push({
          name: alarm.AlarmName ?? '?',
          state: alarm.StateValue ?? 'unknown',
          reason: alarm.StateReason ?? ''
        })
      }
      nextToken = page.NextToken
    } while (nextToken !== undefined)
  }
  return found
}

/**
 * Any alarm in ALARM fails; INSUFFICIENT_DATA fails only when asked. Names that do not exist
 * fail too: a typo must not pass as "no alarm firing". So does a prefix that matches nothing.
 */
export async function probeAlarms(spec: AlarmCheckSpec, deps: AlarmProbeDeps): Promise<Sample> {
  const at = deps.clock.now()
  const sample = (ok: boolean, detail: string): Sample => ({
    check: spec.name,
    type: 'cloudwatch-alarm',
    at,
    ok,
    detail
  })
  let alarms: AlarmState[]
  try {
    alarms = await describeAll(spec, deps.cloudwatch)
  } catch (error) {
    return unlessTransient(error, sample(false, awsFailure('DescribeAlarms', error)))
  }
  const problems: string[] = []
  if (spec.alarms !== undefined) {
    const known = new Set(alarms.map(alarm => alarm.name))
    for (const name of spec.alarms) {
      if (!known.has(name)) problems.push(`alarm ${name} does not exist`)
    }
  } else if (alarms.length === 0) {
    problems.push(`no alarm name starts with '${spec.prefix ?? ''}'`)
  }
  for (const alarm of alarms) {
    if (alarm.state === 'ALARM') problems.push(`${alarm.name} in ALARM: ${alarm.reason}`)
    if (alarm.state === 'INSUFFICIENT_DATA' && spec.failOnInsufficientData) {
      problems.push(`${alarm.name} has INSUFFICIENT_DATA: ${alarm.reason}`)
    }
  }
  if (problems.length > 0) return sample(false, problems.join('; '))
  const insufficient = alarms.filter(alarm => alarm.state === 'INSUFFICIENT_DATA').length
  const note = insufficient > 0 ? ` (${insufficient} with INSUFFICIENT_DATA, not failing)` : ''
  return sample(true, `${alarms.length} alarm${alarms.length === 1 ? '' : 's'} OK${note}`)
}

import type { CheckSpec } from './types.js'

/** Which AWS clients a set of checks uses: an adapter creates (and loads) only those. */
export interface ClientsNeeded {
  ecs: boolean
  elb: boolean
  cloudwatch: boolean
  sqs: boolean
}

/** The queue-age limit of an SQS check is read from CloudWatch, like alarms. */
export function clientsNeeded(checks: readonly CheckSpec[]): ClientsNeeded {
  const has = (type: CheckSpec['type']) => checks.some(check => check.type === type)
  return {
    ecs: has('ecs-service'),
    elb: has('target-group'),
    cloudwatch:
      has('cloudwatch-alarm') ||
      checks.some(check => check.type === 'sqs-queue' && check.maxAgeMs !== undefined),
    sqs: has('sqs-queue')
  }
}

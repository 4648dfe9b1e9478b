import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import type { SQSClient } from '@aws-sdk/client-sqs'

/** What the alarm and queue checks ask of CloudWatch and SQS: requests. */
export type CloudWatchReader = Pick<CloudWatchClient, 'send'>
export type SqsReader = Pick<SQSClient, 'send'>

/*
 * CloudWatch and SQS serve only the alarm and queue checks: loaded when such a check first runs,
 * so an action's start-up does not pay for them.
 */
export function loadCloudWatch(): Promise<typeof import('@aws-sdk/client-cloudwatch')> {
  return import('@aws-sdk/client-cloudwatch')
}

export function loadSqs(): Promise<typeof import('@aws-sdk/client-sqs')> {
  return import('@aws-sdk/client-sqs')
}

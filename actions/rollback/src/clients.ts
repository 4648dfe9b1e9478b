import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { CheckSpec } from '@fargate-promote/health'

/**
 * The CloudWatch and SQS clients only the alarm and queue checks need, loaded on demand so a
 * rollback without such checks does not pay for loading them.
 */
export async function checkClients(
  checks: CheckSpec[]
): Promise<{ cloudwatch?: CloudWatchClient; sqs?: SQSClient }> {
  const types = new Set(checks.map(check => check.type))
  const clients: { cloudwatch?: CloudWatchClient; sqs?: SQSClient } = {}
  if (types.has('cloudwatch-alarm') || types.has('sqs-queue')) {
    const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch')
    clients.cloudwatch = new CloudWatchClient({})
  }
  if (types.has('sqs-queue')) {
    const { SQSClient } = await import('@aws-sdk/client-sqs')
    clients.sqs = new SQSClient({})
  }
  return clients
}

import { AWS_CLIENT_CONFIG } from '@fargate-promote/common'
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { clientsNeeded, type CheckSpec } from '@fargate-promote/health'

/**
 * The CloudWatch and SQS clients only the alarm and queue checks need, loaded on demand so a
 * rollback without such checks does not pay for loading them.
 */
export async function checkClients(
  checks: CheckSpec[]
): Promise<{ cloudwatch?: CloudWatchClient; sqs?: SQSClient }> {
  const needed = clientsNeeded(checks)
  const clients: { cloudwatch?: CloudWatchClient; sqs?: SQSClient } = {}
  if (needed.cloudwatch) {
    const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch')
    clients.cloudwatch = new CloudWatchClient(AWS_CLIENT_CONFIG)
  }
  if (needed.sqs) {
    const { SQSClient } = await import('@aws-sdk/client-sqs')
    clients.sqs = new SQSClient(AWS_CLIENT_CONFIG)
  }
  return clients
}

import { loadCloudWatch, loadSqs, type CloudWatchReader, type SqsReader } from '../aws-clients.js'
import { formatDuration, type Clock } from '@fargate-promote/common'
import type { Sample, SqsCheckSpec } from '../types.js'
import { awsFailure, isAwsError, unlessTransient } from './aws-error.js'

export interface SqsProbeDeps {
  sqs: SqsReader
  /** Needed only when max-age is set. */
  cloudwatch?: CloudWatchReader
  clock: Clock
}

/** SQS publishes its metrics every minute; look back far enough to find the latest point. */
const AGE_LOOKBACK_MS = 10 * 60_000

class QueueMissing extends Error {}

function queueNameFromUrl(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1)
}

async function resolveQueueUrl(sqs: SqsReader, name: string, owner?: string): Promise<string> {
  const { GetQueueUrlCommand } = await loadSqs()
  try {
    const found = await sqs.send(
      new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: owner })
    )
    if (found.QueueUrl === undefined) throw new QueueMissing(`queue ${name} does not exist`)
    return found.QueueUrl
  } catch (error) {
    if (isAwsError(error, 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue')) {
      throw new QueueMissing(`queue ${name} does not exist`)
    }
    throw error
  }
}

async function visibleMessages(sqs: SqsReader, url: string, withRedrive: boolean) {
  const { GetQueueAttributesCommand } = await loadSqs()
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: withRedrive
        ? ['ApproximateNumberOfMessages', 'RedrivePolicy']
        : ['ApproximateNumberOfMessages']
    })
  )
  return {
    visible: Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0),
    redrivePolicy: attributes.Attributes?.RedrivePolicy
  }
}

/** `arn:aws:sqs:eu-west-1:123456789012:orders-dlq` → name and owner account. */
function parseQueueArn(arn: string): { name: string; account: string } | undefined {
  const parts = arn.split(':')
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs') return undefined
  return { name: parts[5] as string, account: parts[4] as string }
}

async function oldestMessageAgeSeconds(
  cloudwatch: CloudWatchReader,
  queueName: string,
  now: number
): Promise<number | undefined> {
  const { GetMetricDataCommand } = await loadCloudWatch()
  const data = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(now - AGE_LOOKBACK_MS),
      EndTime: new Date(now),
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'age',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateAgeOfOldestMessage',
              Dimensions: [{ Name: 'QueueName', Value: queueName }]
            },
            Period: 60,
            Stat: 'Maximum'
          }
        }
      ]
    })
  )
  return data.MetricDataResults?.[0]?.Values?.[0]
}

/**
 * Visible messages within max-visible, the dead-letter queue empty, and (when CloudWatch has
 * the metric) the oldest message younger than max-age. A missing age metric is reported, not
 * failed: a new or idle queue has no data points.
 */
export async function probeSqsQueue(spec: SqsCheckSpec, deps: SqsProbeDeps): Promise<Sample> {
  const at = deps.clock.now()
  const sample = (ok: boolean, detail: string): Sample => ({
    check: spec.name,
    type: 'sqs-queue',
    at,
    ok,
    detail
  })
  let call = 'GetQueueUrl'
  try {
    const isUrl = /^https?:\/\//.test(spec.queue)
    const url = isUrl ? spec.queue : await resolveQueueUrl(deps.sqs, spec.queue)
    const queueName = isUrl ? queueNameFromUrl(spec.queue) : spec.queue
    call = 'GetQueueAttributes'
    const main = await visibleMessages(deps.sqs, url, spec.deadLetterEmpty)
    const problems: string[] = []
    const notes = [`${main.visible} visible`]
    if (spec.maxVisible !== undefined && main.visible > spec.maxVisible) {
      problems.push(`${main.visible} visible messages, more than max-visible ${spec.maxVisible}`)
    }
    if (spec.deadLetterEmpty) {
      const target = main.redrivePolicy
        ? (JSON.parse(main.redrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn
        : undefined
      const dlq = target !== undefined ? parseQueueArn(target) : undefined
      if (dlq === undefined) {
        notes.push('no dead-letter queue configured')
      } else {
        call = 'GetQueueUrl/GetQueueAttributes (dead-letter queue)'
        const dlqUrl = await resolveQueueUrl(deps.sqs, dlq.name, dlq.account)
        const dead = await visibleMessages(deps.sqs, dlqUrl, false)
        if (dead.visible > 0) {
          problems.push(`dead-letter queue ${dlq.name} holds ${dead.visible} messages`)
        } else {
          notes.push(`dead-letter queue ${dlq.name} empty`)
        }
      }
    }
    if (spec.maxAgeMs !== undefined) {
      call = 'GetMetricData'
      const age =
        deps.cloudwatch === undefined
          ? undefined
          : await oldestMessageAgeSeconds(deps.cloudwatch, queueName, at)
      if (age === undefined) {
        notes.push('oldest message age not available')
      } else if (age * 1000 > spec.maxAgeMs) {
        problems.push(
          `oldest message is ${formatDuration(age * 1000)} old, more than max-age ${formatDuration(spec.maxAgeMs)}`
        )
      } else {
        notes.push(`oldest message ${formatDuration(age * 1000)} old`)
      }
    }
    if (problems.length > 0) return sample(false, problems.join('; '))
    return sample(true, notes.join(', '))
  } catch (error) {
    if (error instanceof QueueMissing) return sample(false, error.message)
    return unlessTransient(error, sample(false, awsFailure(call, error)))
  }
}

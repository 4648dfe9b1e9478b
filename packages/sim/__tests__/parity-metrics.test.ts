import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CloudWatchClient,
  GetMetricDataCommand,
  InvalidNextToken,
  ValidationException,
  type GetMetricDataCommandInput
} from '@aws-sdk/client-cloudwatch'
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient
} from '@aws-sdk/client-sqs'
import { startSim, type Sim } from '../src/index.js'

/**
 * CloudWatch GetMetricData over the AWS/SQS metrics, with nothing but the real SDK clients:
 * the queue is filled through SQS and read back through CloudWatch, the way a health probe
 * asks for the age of the oldest message.
 */

const credentials = { accessKeyId: 'AKIDPARITY', secretAccessKey: 'parity-secret' }
// 600 sim ms per real ms: SQS publishes a sample every 100 real ms.
const TIME_SCALE = 600
const realSleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** What a probe sends: the last ten (wall-clock) minutes, newest first, 1-minute Maximum. */
function ageQuery(queueName: string, metricName = 'ApproximateAgeOfOldestMessage') {
  const now = Date.now()
  return {
    StartTime: new Date(now - 10 * 60_000),
    EndTime: new Date(now),
    ScanBy: 'TimestampDescending',
    MetricDataQueries: [
      {
        Id: 'age',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/SQS',
            MetricName: metricName,
            Dimensions: [{ Name: 'QueueName', Value: queueName }]
          },
          Period: 60,
          Stat: 'Maximum'
        }
      }
    ]
  } satisfies GetMetricDataCommandInput
}

describe('GetMetricData for SQS queues through the real clients', () => {
  let sim: Sim
  let cloudwatch: CloudWatchClient
  let sqs: SQSClient
  beforeAll(async () => {
    sim = await startSim({ timeScale: TIME_SCALE })
    const config = { endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 }
    cloudwatch = new CloudWatchClient(config)
    sqs = new SQSClient(config)
  })
  afterAll(async () => {
    cloudwatch.destroy()
    sqs.destroy()
    await sim.stop()
  })

  it('a message sent with SQS shows up as a positive, growing ApproximateAgeOfOldestMessage', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'orders' }))
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"order":1}' }))
    await realSleep(450) // about four sim minutes

    const out = await cloudwatch.send(new GetMetricDataCommand(ageQuery('orders')))
    expect(out.$metadata.httpStatusCode).toBe(200)
    expect(out.Messages).toEqual([])
    expect(out.NextToken).toBeUndefined()
    const [result] = out.MetricDataResults ?? []
    expect(result).toMatchObject({
      Id: 'age',
      Label: 'ApproximateAgeOfOldestMessage',
      StatusCode: 'Complete'
    })
    const values = result!.Values ?? []
    const timestamps = result!.Timestamps ?? []
    expect(values.length).toBeGreaterThanOrEqual(3)
    expect(timestamps).toHaveLength(values.length)
    expect(timestamps.every(t => t instanceof Date)).toBe(true)
    // Newest first, one sim minute (100 real ms) apart, none in the future.
    const times = timestamps.map(t => t.getTime())
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(times[0]! - times[1]!).toBe(60_000 / TIME_SCALE)
    expect(times[0]!).toBeLessThanOrEqual(Date.now())
    expect(values[0]).toBeGreaterThan(0)
    expect(values[0]! - values[1]!).toBe(60)
    expect(Number.isInteger(values[0])).toBe(true)

    const visible = await cloudwatch.send(
      new GetMetricDataCommand(ageQuery('orders', 'ApproximateNumberOfMessagesVisible'))
    )
    expect(visible.MetricDataResults?.[0]?.Values?.[0]).toBe(1)

    // Once the message is processed, the newest samples say 0.
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl }))
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl, ReceiptHandle: received.Messages![0]!.ReceiptHandle })
    )
    await realSleep(150)
    const drained = await cloudwatch.send(new GetMetricDataCommand(ageQuery('orders')))
    expect(drained.MetricDataResults?.[0]?.Values?.[0]).toBe(0)
  })

  it('an empty queue reports 0; a queue that does not exist has no datapoints', async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: 'idle' }))
    await realSleep(250)
    const empty = await cloudwatch.send(new GetMetricDataCommand(ageQuery('idle')))
    const values = empty.MetricDataResults?.[0]?.Values ?? []
    expect(values.length).toBeGreaterThanOrEqual(2)
    expect(new Set(values)).toEqual(new Set([0]))

    const missing = await cloudwatch.send(new GetMetricDataCommand(ageQuery('no-such-queue')))
    expect(missing.MetricDataResults).toEqual([
      expect.objectContaining({ Id: 'age', Timestamps: [], Values: [], StatusCode: 'Complete' })
    ])
  })

  it('invalid requests fail the way CloudWatch fails them', async () => {
    const badId = ageQuery('orders')
    badId.MetricDataQueries[0]!.Id = '5xx'
    const error = await cloudwatch.send(new GetMetricDataCommand(badId)).catch((e: unknown) => e)
    // CloudWatch's query code ValidationError is the SDK's modelled ValidationException.
    expect(error).toBeInstanceOf(ValidationException)
    expect(error).toMatchObject({
      name: 'ValidationException',
      Code: 'ValidationError',
      Type: 'Sender',
      message:
        'The value 5xx for parameter MetricDataQueries.member.1.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.',
      $metadata: { httpStatusCode: 400 }
    })

    const badPeriod = ageQuery('orders')
    badPeriod.MetricDataQueries[0]!.MetricStat.Period = 90
    const period = await cloudwatch
      .send(new GetMetricDataCommand(badPeriod))
      .catch((e: unknown) => e)
    expect(period).toBeInstanceOf(ValidationException)

    const token = await cloudwatch
      .send(new GetMetricDataCommand({ ...ageQuery('orders'), NextToken: 'not-a-token' }))
      .catch((e: unknown) => e)
    expect(token).toBeInstanceOf(InvalidNextToken)
  })
})

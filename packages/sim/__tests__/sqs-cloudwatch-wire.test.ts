import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  ResourceNotFound,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch'
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient
} from '@aws-sdk/client-sqs'
import { AwsError } from '../src/contract.js'
import type { AwsServiceName, ServiceModule } from '../src/contract.js'
import { createSimClock } from '../src/clock.js'
import { createCloudWatchModule } from '../src/cloudwatch/index.js'
import { createSqsModule } from '../src/sqs/index.js'
import {
  JSON_1_0,
  decodeJsonBody,
  encodeJsonError,
  encodeJsonResult
} from '../src/protocols/json.js'

/**
 * What the sim's server does for the two awsJson1_0 query-compatible services: route on the
 * x-amz-target prefix, decode, call the module, encode the result or the AwsError.
 */
const clock = createSimClock()
let baseUrl = ''
const cloudwatch = createCloudWatchModule({ clock })
const sqs = createSqsModule({ clock, endpoint: () => baseUrl })
const modules: Record<string, [AwsServiceName, ServiceModule]> = {
  GraniteServiceVersion20100801: ['cloudwatch', cloudwatch],
  AmazonSQS: ['sqs', sqs]
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const [prefix, operation] = String(req.headers['x-amz-target']).split('.')
    const [service, module] = modules[prefix as string]!
    const send = (r: { status: number; headers: Record<string, string>; body: string }) => {
      res.writeHead(r.status, r.headers)
      res.end(r.body)
    }
    Promise.resolve()
      .then(() =>
        module.handle(
          {
            service,
            operation: operation as string,
            region: 'eu-west-1',
            accountId: '123456789012',
            requestId: 'req-1'
          },
          decodeJsonBody(Buffer.concat(chunks).toString('utf8'))
        )
      )
      .then(result => send(encodeJsonResult(result, JSON_1_0, 'req-1')))
      .catch((error: unknown) => {
        if (!(error instanceof AwsError)) throw error
        send(
          encodeJsonError(error, {
            queryCompatible: true,
            contentType: JSON_1_0,
            requestId: 'req-1',
            service
          })
        )
      })
  })
})

const clientConfig = () => ({
  region: 'eu-west-1',
  endpoint: baseUrl,
  maxAttempts: 1,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }
})

beforeAll(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise<void>(resolve => server.close(() => resolve()))
})

describe('CloudWatch over the wire with the real SDK client', () => {
  it('creates, describes and moves an alarm; an unknown alarm is ResourceNotFound', async () => {
    const client = new CloudWatchClient(clientConfig())
    await client.send(
      new PutMetricAlarmCommand({
        AlarmName: 'web-5xx',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Namespace: 'AWS/ApplicationELB',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/123' }]
      })
    )
    await client.send(
      new SetAlarmStateCommand({ AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'drill' })
    )
    const out = await client.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'web-', StateValue: 'ALARM' })
    )
    expect(out.MetricAlarms).toHaveLength(1)
    const alarm = out.MetricAlarms![0]!
    expect(alarm).toMatchObject({
      AlarmName: 'web-5xx',
      AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-5xx',
      StateValue: 'ALARM',
      StateReason: 'drill',
      Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/123' }]
    })
    expect(alarm.StateUpdatedTimestamp).toBeInstanceOf(Date)
    expect(Math.abs(alarm.StateUpdatedTimestamp!.getTime() - Date.now())).toBeLessThan(60_000)

    const error = await client
      .send(new SetAlarmStateCommand({ AlarmName: 'ghost', StateValue: 'OK', StateReason: 'r' }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResourceNotFound)
    expect(error).toMatchObject({ name: 'ResourceNotFound', $metadata: { httpStatusCode: 404 } })

    const invalid = await client
      .send(new DescribeAlarmsCommand({ StateValue: 'BROKEN' as never }))
      .catch((e: unknown) => e)
    expect(invalid).toMatchObject({
      name: 'InvalidParameterValueException',
      $metadata: { httpStatusCode: 400 }
    })
    client.destroy()
  })
})

describe('SQS over the wire with the real SDK client', () => {
  it('creates a queue, sends and receives with valid MD5s, reads attributes', async () => {
    const client = new SQSClient(clientConfig())
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '10' } })
    )
    expect(QueueUrl).toBe(`${baseUrl}/123456789012/orders`)
    expect((await client.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl).toBe(
      QueueUrl
    )
    const sent = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"order":1}' }))
    expect(sent.MessageId).toEqual(expect.any(String))
    const attrs = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'QueueArn', 'CreatedTimestamp']
      })
    )
    expect(attrs.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '1',
      QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:orders'
    })
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['ApproximateReceiveCount']
      })
    )
    expect(received.Messages).toHaveLength(1)
    expect(received.Messages![0]).toMatchObject({
      Body: '{"order":1}',
      Attributes: { ApproximateReceiveCount: '1' }
    })
    await client.send(
      new DeleteMessageCommand({ QueueUrl, ReceiptHandle: received.Messages![0]!.ReceiptHandle })
    )
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined()
    client.destroy()
  })

  it('raises QueueDoesNotExist and QueueNameExists', async () => {
    const client = new SQSClient(clientConfig())
    const missing = await client
      .send(new GetQueueUrlCommand({ QueueName: 'nope' }))
      .catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(QueueDoesNotExist)
    expect(missing).toMatchObject({
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      Type: 'Sender'
    })
    await client.send(
      new CreateQueueCommand({ QueueName: 'dup', Attributes: { DelaySeconds: '1' } })
    )
    const exists = await client
      .send(new CreateQueueCommand({ QueueName: 'dup', Attributes: { DelaySeconds: '2' } }))
      .catch((e: unknown) => e)
    expect(exists).toBeInstanceOf(QueueNameExists)
    const badAttribute = await client
      .send(
        new GetQueueAttributesCommand({
          QueueUrl: `${baseUrl}/123456789012/dup`,
          AttributeNames: ['Colour' as never]
        })
      )
      .catch((e: unknown) => e)
    expect(badAttribute).toMatchObject({ name: 'InvalidAttributeName' })
    client.destroy()
  })

  it('works for a client configured only through AWS_ENDPOINT_URL_SQS', async () => {
    // The SQS client sends to the QueueUrl's host when no endpoint is set in code, so the
    // QueueUrl must name the sim.
    const saved = process.env.AWS_ENDPOINT_URL_SQS
    process.env.AWS_ENDPOINT_URL_SQS = baseUrl
    try {
      const { endpoint: _omitted, ...config } = clientConfig()
      const client = new SQSClient(config)
      const { QueueUrl } = await client.send(
        new CreateQueueCommand({ QueueName: 'env-configured' })
      )
      const attrs = await client.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })
      )
      expect(attrs.Attributes?.QueueArn).toBe('arn:aws:sqs:eu-west-1:123456789012:env-configured')
      client.destroy()
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SQS
      else process.env.AWS_ENDPOINT_URL_SQS = saved
    }
  })
})

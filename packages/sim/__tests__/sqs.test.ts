import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { AwsError } from '../src/contract.js'
import type { RequestContext } from '../src/contract.js'
import { createSqsModule } from '../src/sqs/index.js'
import { createManualClock } from './manual-clock.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read deep into untyped results
type Loose = Record<string, any>

const ctx = (operation: string): RequestContext => ({
  service: 'sqs',
  operation,
  region: 'eu-west-1',
  accountId: '123456789012',
  requestId: 'r'
})

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AwsError)
    return (error as AwsError).code
  }
  throw new Error('expected the call to fail')
}

function setup(options: { scale?: number; virtual?: boolean; endpoint?: string } = {}) {
  const clock = createManualClock({ scale: options.scale, virtual: options.virtual })
  const sqs = createSqsModule({
    clock,
    endpoint: options.endpoint === undefined ? undefined : () => options.endpoint
  })
  const call = (operation: string, input: Record<string, unknown>) =>
    sqs.handle(ctx(operation), input) as Promise<Loose>
  const create = async (name: string, Attributes?: Record<string, string>) =>
    (await call('CreateQueue', { QueueName: name, Attributes })).QueueUrl as string
  const attrs = async (QueueUrl: string, names = ['All']) =>
    (await call('GetQueueAttributes', { QueueUrl, AttributeNames: names })).Attributes as Record<
      string,
      string
    >
  return { clock, sqs, call, create, attrs }
}

describe('sqs queues', () => {
  it('creates a queue with defaults, an ARN and a URL, and finds it by name', async () => {
    const { call, create, attrs, clock } = setup()
    const url = await create('jobs', { VisibilityTimeout: '45' })
    expect(url).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/jobs')
    await expect(call('GetQueueUrl', { QueueName: 'jobs' })).resolves.toEqual({ QueueUrl: url })
    expect(await attrs(url)).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
      CreatedTimestamp: String(Math.floor(clock.now() / 1000)),
      LastModifiedTimestamp: String(Math.floor(clock.now() / 1000)),
      QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:jobs',
      DelaySeconds: '0',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      VisibilityTimeout: '45',
      SqsManagedSseEnabled: 'true'
    })
    expect(await attrs(url, ['QueueArn', 'VisibilityTimeout'])).toEqual({
      QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:jobs',
      VisibilityTimeout: '45'
    })
    await expect(call('GetQueueAttributes', { QueueUrl: url })).resolves.toEqual({})
  })

  it('derives QueueUrls from the sim endpoint when it is known', async () => {
    const { create, call } = setup({ endpoint: 'http://127.0.0.1:4566/' })
    const url = await create('jobs')
    expect(url).toBe('http://127.0.0.1:4566/123456789012/jobs')
    await expect(
      call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['QueueArn'] })
    ).resolves.toBeDefined()
  })

  it('is idempotent for matching attributes and refuses different ones', async () => {
    const { call, create } = setup()
    const url = await create('jobs', { VisibilityTimeout: '45' })
    expect(await create('jobs', { VisibilityTimeout: '45' })).toBe(url)
    expect(await create('jobs')).toBe(url)
    await expect(codeOf(create('jobs', { VisibilityTimeout: '30' }))).resolves.toBe(
      'QueueAlreadyExists'
    )
    expect((await call('ListQueues', {})).QueueUrls).toEqual([url])
  })

  it('stores a RedrivePolicy in its canonical JSON form and checks the target', async () => {
    const { create, attrs } = setup()
    const dlq = await create('jobs-dlq')
    const dlqArn = (await attrs(dlq, ['QueueArn'])).QueueArn as string
    const url = await create('jobs', {
      RedrivePolicy: JSON.stringify({ maxReceiveCount: '3', deadLetterTargetArn: dlqArn })
    })
    expect(JSON.parse((await attrs(url, ['RedrivePolicy'])).RedrivePolicy as string)).toEqual({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: 3
    })
    // Same policy, different spelling: still the same queue.
    expect(
      await create('jobs', {
        RedrivePolicy: `{"deadLetterTargetArn":"${dlqArn}","maxReceiveCount":3}`
      })
    ).toBe(url)
  })

  it.each([
    ['no name', {}, 'MissingParameter'],
    ['bad characters', { QueueName: 'jobs!' }, 'InvalidParameterValue'],
    ['too long', { QueueName: 'q'.repeat(81) }, 'InvalidParameterValue'],
    ['fifo name without FifoQueue', { QueueName: 'jobs.fifo' }, 'InvalidParameterValue'],
    [
      'FifoQueue without .fifo',
      { QueueName: 'jobs', Attributes: { FifoQueue: 'true' } },
      'InvalidParameterValue'
    ],
    [
      'unknown attribute',
      { QueueName: 'jobs', Attributes: { Colour: 'red' } },
      'InvalidAttributeName'
    ],
    [
      'out of range',
      { QueueName: 'jobs', Attributes: { VisibilityTimeout: '50000' } },
      'InvalidAttributeValue'
    ],
    [
      'not a number',
      { QueueName: 'jobs', Attributes: { DelaySeconds: 'soon' } },
      'InvalidAttributeValue'
    ],
    [
      'not a string',
      { QueueName: 'jobs', Attributes: { DelaySeconds: 5 } },
      'InvalidAttributeValue'
    ],
    [
      'bad boolean',
      { QueueName: 'jobs', Attributes: { SqsManagedSseEnabled: 'yes' } },
      'InvalidAttributeValue'
    ],
    [
      'bad enum',
      { QueueName: 'jobs', Attributes: { DeduplicationScope: 'world' } },
      'InvalidAttributeValue'
    ],
    ['attributes not a map', { QueueName: 'jobs', Attributes: ['x'] }, 'InvalidParameterValue'],
    [
      'redrive not JSON',
      { QueueName: 'jobs', Attributes: { RedrivePolicy: '{' } },
      'InvalidParameterValue'
    ],
    [
      'redrive not object',
      { QueueName: 'jobs', Attributes: { RedrivePolicy: '3' } },
      'InvalidParameterValue'
    ],
    [
      'redrive no target',
      { QueueName: 'jobs', Attributes: { RedrivePolicy: '{"maxReceiveCount":3}' } },
      'InvalidParameterValue'
    ],
    [
      'redrive bad count',
      {
        QueueName: 'jobs',
        Attributes: {
          RedrivePolicy:
            '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:dlq","maxReceiveCount":0}'
        }
      },
      'InvalidParameterValue'
    ],
    [
      'redrive unknown target',
      {
        QueueName: 'jobs',
        Attributes: {
          RedrivePolicy:
            '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:dlq","maxReceiveCount":2}'
        }
      },
      'InvalidParameterValue'
    ]
  ])('CreateQueue refuses %s', async (_label, input, code) => {
    const { call } = setup()
    await expect(codeOf(call('CreateQueue', input))).resolves.toBe(code)
  })

  it('reports unknown queues and attribute names with the SQS codes', async () => {
    const { call, create } = setup()
    const url = await create('jobs')
    await expect(codeOf(call('GetQueueUrl', { QueueName: 'nope' }))).resolves.toBe(
      'AWS.SimpleQueueService.NonExistentQueue'
    )
    await expect(
      codeOf(call('GetQueueUrl', { QueueName: 'jobs', QueueOwnerAWSAccountId: '999999999999' }))
    ).resolves.toBe('AWS.SimpleQueueService.NonExistentQueue')
    await expect(
      codeOf(call('GetQueueAttributes', { QueueUrl: url.replace('jobs', 'nope') }))
    ).resolves.toBe('AWS.SimpleQueueService.NonExistentQueue')
    await expect(codeOf(call('GetQueueAttributes', { QueueUrl: 'not a url' }))).resolves.toBe(
      'InvalidAddress'
    )
    await expect(codeOf(call('GetQueueAttributes', {}))).resolves.toBe('MissingParameter')
    await expect(
      codeOf(call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['Colour'] }))
    ).resolves.toBe('InvalidAttributeName')
    await expect(codeOf(call('Frobnicate', {}))).resolves.toBe('InvalidAction')
  })

  it('sets attributes, lists with a prefix and pages, deletes and purges', async () => {
    const { call, create, attrs, clock } = setup()
    const a = await create('app-a')
    const b = await create('app-b')
    await create('other')
    clock.advance(2000)
    await call('SetQueueAttributes', { QueueUrl: a, Attributes: { DelaySeconds: '5' } })
    expect(await attrs(a, ['DelaySeconds', 'LastModifiedTimestamp'])).toEqual({
      DelaySeconds: '5',
      LastModifiedTimestamp: String(Math.floor(clock.now() / 1000))
    })
    await expect(
      codeOf(call('SetQueueAttributes', { QueueUrl: a, Attributes: { FifoQueue: 'true' } }))
    ).resolves.toBe('InvalidAttributeName')
    expect((await call('ListQueues', { QueueNamePrefix: 'app-' })).QueueUrls).toEqual([a, b])
    const first = await call('ListQueues', { MaxResults: 2 })
    expect(first.QueueUrls).toHaveLength(2)
    const second = await call('ListQueues', { MaxResults: 2, NextToken: first.NextToken })
    expect(second).toEqual({ QueueUrls: [expect.stringMatching(/other$/)] })
    await call('SendMessage', { QueueUrl: b, MessageBody: 'x' })
    await call('PurgeQueue', { QueueUrl: b })
    expect((await attrs(b, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe('0')
    await call('DeleteQueue', { QueueUrl: b })
    await expect(codeOf(call('GetQueueUrl', { QueueName: 'app-b' }))).resolves.toBe(
      'AWS.SimpleQueueService.NonExistentQueue'
    )
  })
})

describe('sqs messages', () => {
  it('sends with the MD5 of the body and counts visible, in-flight and delayed messages', async () => {
    const { call, create, attrs, clock, sqs } = setup()
    const url = await create('jobs')
    const sent = await call('SendMessage', { QueueUrl: url, MessageBody: 'héllo' })
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('héllo').digest('hex'))
    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/)
    await call('SendMessage', { QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 })
    clock.advance(10_000)
    expect(sqs.oldestMessageAgeMs('jobs')).toBe(10_000)
    expect(sqs.oldestMessageAgeMs('nope')).toBeUndefined()
    const received = await call('ReceiveMessage', {
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All']
    })
    expect(received.Messages).toHaveLength(1)
    expect(received.Messages[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'héllo',
      MD5OfBody: sent.MD5OfMessageBody
    })
    expect(received.Messages[0].Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      SenderId: '123456789012'
    })
    expect(
      await attrs(url, [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed'
      ])
    ).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1'
    })
    await call('DeleteMessage', {
      QueueUrl: url,
      ReceiptHandle: received.Messages[0].ReceiptHandle
    })
    // A second delete with the same handle succeeds, as in SQS.
    await call('DeleteMessage', {
      QueueUrl: url,
      ReceiptHandle: received.Messages[0].ReceiptHandle
    })
    expect(sqs.oldestMessageAgeMs('jobs')).toBe(0)
    clock.advance(60_000)
    expect((await attrs(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe(
      '1'
    )
  })

  it('scales visibility timeouts and reports ages in sim time', async () => {
    const { call, create, clock, sqs } = setup({ scale: 20 })
    const url = await create('jobs', { VisibilityTimeout: '30' })
    await call('SendMessage', { QueueUrl: url, MessageBody: 'a' })
    const first = await call('ReceiveMessage', {
      QueueUrl: url,
      AttributeNames: ['ApproximateReceiveCount']
    })
    expect(first.Messages[0].Attributes).toEqual({ ApproximateReceiveCount: '1' })
    await expect(call('ReceiveMessage', { QueueUrl: url })).resolves.toEqual({})
    clock.advance(30_000)
    const again = await call('ReceiveMessage', { QueueUrl: url })
    expect(again.Messages[0].Body).toBe('a')
    expect(sqs.oldestMessageAgeMs('jobs')).toBe(30_000)
  })

  it('keeps sim durations with virtual timestamps (no conversion by the scale)', async () => {
    const { call, create, clock, sqs } = setup({ scale: 20, virtual: true })
    const url = await create('jobs', { VisibilityTimeout: '30' })
    const sentAt = clock.now()
    await call('SendMessage', { QueueUrl: url, MessageBody: 'a' })
    await call('ReceiveMessage', { QueueUrl: url })
    clock.advance(29_000)
    await expect(call('ReceiveMessage', { QueueUrl: url })).resolves.toEqual({})
    clock.advance(1_000)
    const again = await call('ReceiveMessage', { QueueUrl: url, AttributeNames: ['All'] })
    expect(again.Messages[0].Attributes.SentTimestamp).toBe(String(sentAt))
    expect(sqs.oldestMessageAgeMs('jobs')).toBe(30_000)
  })

  it('changes visibility of in-flight messages only', async () => {
    const { call, create, clock } = setup()
    const url = await create('jobs')
    await call('SendMessage', { QueueUrl: url, MessageBody: 'a' })
    const { Messages } = await call('ReceiveMessage', { QueueUrl: url, VisibilityTimeout: 100 })
    const handle = Messages[0].ReceiptHandle
    await call('ChangeMessageVisibility', {
      QueueUrl: url,
      ReceiptHandle: handle,
      VisibilityTimeout: 0
    })
    expect(
      (await call('ReceiveMessage', { QueueUrl: url, VisibilityTimeout: 5 })).Messages
    ).toHaveLength(1)
    clock.advance(5000)
    await expect(
      codeOf(
        call('ChangeMessageVisibility', {
          QueueUrl: url,
          ReceiptHandle: handle,
          VisibilityTimeout: 5
        })
      )
    ).resolves.toBe('AWS.SimpleQueueService.MessageNotInflight')
    await expect(
      codeOf(call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: handle }))
    ).resolves.toBe('MissingParameter')
    await expect(
      codeOf(call('DeleteMessage', { QueueUrl: url, ReceiptHandle: 'bogus' }))
    ).resolves.toBe('ReceiptHandleIsInvalid')
    const other = await create('other')
    await expect(
      codeOf(call('DeleteMessage', { QueueUrl: other, ReceiptHandle: handle }))
    ).resolves.toBe('ReceiptHandleIsInvalid')
  })

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const { call, create, attrs } = setup()
    const dlq = await create('jobs-dlq')
    const dlqArn = (await attrs(dlq, ['QueueArn'])).QueueArn as string
    const url = await create('jobs', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 })
    })
    await call('SendMessage', { QueueUrl: url, MessageBody: 'poison' })
    for (let i = 0; i < 2; i++) {
      expect(
        (await call('ReceiveMessage', { QueueUrl: url, VisibilityTimeout: 0 })).Messages
      ).toHaveLength(1)
    }
    await expect(call('ReceiveMessage', { QueueUrl: url })).resolves.toEqual({})
    const moved = await call('ReceiveMessage', {
      QueueUrl: dlq,
      AttributeNames: ['ApproximateReceiveCount']
    })
    expect(moved.Messages[0]).toMatchObject({
      Body: 'poison',
      Attributes: { ApproximateReceiveCount: '1' }
    })
    // Removing the policy stops redrive.
    await call('SetQueueAttributes', { QueueUrl: url, Attributes: { RedrivePolicy: '' } })
    expect((await attrs(url)).RedrivePolicy).toBeUndefined()
  })

  it('drops messages past the retention period', async () => {
    const { call, create, attrs, clock } = setup()
    const url = await create('jobs', { MessageRetentionPeriod: '60' })
    await call('SendMessage', { QueueUrl: url, MessageBody: 'old' })
    clock.advance(61_000)
    expect((await attrs(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe(
      '0'
    )
  })

  it('long-polls until a message arrives or the wait ends', async () => {
    const { call, create, clock } = setup()
    const url = await create('jobs')
    const waiting = call('ReceiveMessage', { QueueUrl: url, WaitTimeSeconds: 20 })
    await new Promise(resolve => setImmediate(resolve))
    await call('SendMessage', { QueueUrl: url, MessageBody: 'wake' })
    expect((await waiting).Messages[0].Body).toBe('wake')
    expect(clock.pending()).toBe(0)
    const empty = call('ReceiveMessage', { QueueUrl: url, WaitTimeSeconds: 5 })
    await new Promise(resolve => setImmediate(resolve))
    clock.advance(5000)
    await expect(empty).resolves.toEqual({})
  })

  it('fails a long poll whose queue disappears on reset', async () => {
    const { call, create, sqs } = setup()
    const url = await create('jobs')
    const waiting = call('ReceiveMessage', { QueueUrl: url, WaitTimeSeconds: 20 })
    await new Promise(resolve => setImmediate(resolve))
    await sqs.reset()
    await expect(codeOf(waiting)).resolves.toBe('AWS.SimpleQueueService.NonExistentQueue')
    expect(sqs.dump()).toEqual({ queues: [] })
  })

  it.each([
    ['no body', {}, 'MissingParameter'],
    ['empty body', { MessageBody: '' }, 'InvalidParameterValue'],
    ['body too big', { MessageBody: 'x'.repeat(1025) }, 'InvalidParameterValue'],
    ['invalid characters', { MessageBody: 'a\u0001b' }, 'InvalidMessageContents'],
    ['delay too long', { MessageBody: 'a', DelaySeconds: 901 }, 'InvalidParameterValue'],
    [
      'message attributes',
      { MessageBody: 'a', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
      'AWS.SimpleQueueService.UnsupportedOperation'
    ]
  ])('SendMessage refuses %s', async (_label, input, code) => {
    const { call, create } = setup()
    const url = await create('jobs', { MaximumMessageSize: '1024' })
    await expect(codeOf(call('SendMessage', { QueueUrl: url, ...input }))).resolves.toBe(code)
  })

  it.each([[0], [11], ['3']])('ReceiveMessage refuses MaxNumberOfMessages %p', async max => {
    const { call, create } = setup()
    const url = await create('jobs')
    await expect(
      codeOf(call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: max }))
    ).resolves.toBe('InvalidParameterValue')
  })

  it('deduplicates FIFO messages and keeps a group in order', async () => {
    const { call, create, clock } = setup()
    const url = await create('jobs.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' })
    const a = await call('SendMessage', { QueueUrl: url, MessageBody: 'a', MessageGroupId: 'g' })
    const dup = await call('SendMessage', { QueueUrl: url, MessageBody: 'a', MessageGroupId: 'g' })
    expect(dup.MessageId).toBe(a.MessageId)
    expect(a.SequenceNumber).toMatch(/^\d{20}$/)
    await call('SendMessage', {
      QueueUrl: url,
      MessageBody: 'b',
      MessageGroupId: 'g',
      MessageDeduplicationId: 'b-1'
    })
    await call('SendMessage', {
      QueueUrl: url,
      MessageBody: 'c',
      MessageGroupId: 'h',
      MessageDeduplicationId: 'c-1'
    })
    const first = await call('ReceiveMessage', {
      QueueUrl: url,
      MessageSystemAttributeNames: ['MessageGroupId']
    })
    expect((first.Messages as { Body: string }[]).map(m => m.Body)).toEqual(['a'])
    // Group g is locked while "a" is in flight; group h is not.
    const second = await call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 })
    expect((second.Messages as { Body: string }[]).map(m => m.Body)).toEqual(['c'])
    clock.advance(301_000)
    const again = await call('SendMessage', {
      QueueUrl: url,
      MessageBody: 'a',
      MessageGroupId: 'g'
    })
    expect(again.MessageId).not.toBe(a.MessageId)
    await expect(codeOf(call('SendMessage', { QueueUrl: url, MessageBody: 'x' }))).resolves.toBe(
      'MissingParameter'
    )
    await expect(
      codeOf(
        call('SendMessage', {
          QueueUrl: url,
          MessageBody: 'x',
          MessageGroupId: 'g',
          DelaySeconds: 1
        })
      )
    ).resolves.toBe('InvalidParameterValue')
    const strict = await create('strict.fifo', { FifoQueue: 'true' })
    await expect(
      codeOf(call('SendMessage', { QueueUrl: strict, MessageBody: 'x', MessageGroupId: 'g' }))
    ).resolves.toBe('InvalidParameterValue')
  })

  it('marks the state-changing operations as mutating', () => {
    const { sqs } = setup()
    expect(sqs.isMutating('SendMessage')).toBe(true)
    expect(sqs.isMutating('CreateQueue')).toBe(true)
    expect(sqs.isMutating('GetQueueAttributes')).toBe(false)
  })
})

import { describe, expect, it } from '@jest/globals'
import { AwsError } from '../src/contract.js'
import type { RequestContext } from '../src/contract.js'
import { createCloudWatchModule } from '../src/cloudwatch/index.js'
import { createSqsModule } from '../src/sqs/index.js'
import { createManualClock } from './manual-clock.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read deep into untyped results
type Loose = Record<string, any>

const T0 = Date.UTC(2026, 0, 1) // a whole minute, at every time scale used here
const MINUTE = 60_000

const ctx = (service: 'sqs' | 'cloudwatch', operation: string): RequestContext => ({
  service,
  operation,
  region: 'eu-west-1',
  accountId: '123456789012',
  requestId: 'r'
})

function setup(scale = 1, virtual = false) {
  const clock = createManualClock({ scale, virtual, start: T0 })
  const sqs = createSqsModule({ clock })
  const cw = createCloudWatchModule({ clock, queues: sqs })
  const sqsCall = (operation: string, input: Record<string, unknown>) =>
    sqs.handle(ctx('sqs', operation), input) as Promise<Loose>
  const create = async (name: string, Attributes?: Record<string, string>) =>
    (await sqsCall('CreateQueue', { QueueName: name, Attributes })).QueueUrl as string
  const send = (QueueUrl: string, MessageBody = 'm') =>
    sqsCall('SendMessage', { QueueUrl, MessageBody })
  const getMetricData = (input: Record<string, unknown>) =>
    cw.handle(ctx('cloudwatch', 'GetMetricData'), input) as Promise<Loose>
  return { clock, sqs, cw, sqsCall, create, send, getMetricData }
}

/** The wire form of a GetMetricData request (JSON timestamps are epoch seconds). */
function request(
  queue: string,
  from: number,
  to: number,
  stat: Record<string, unknown> = {},
  extra: Record<string, unknown> = {}
) {
  return {
    StartTime: from / 1000,
    EndTime: to / 1000,
    MetricDataQueries: [
      {
        Id: 'age',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateAgeOfOldestMessage',
            Dimensions: [{ Name: 'QueueName', Value: queue }]
          },
          Period: 60,
          Stat: 'Maximum',
          ...stat
        }
      }
    ],
    ...extra
  }
}

const seconds = (dates: Date[]) => dates.map(d => (d.getTime() - T0) / 1000)

async function validationError(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AwsError)
    return error as AwsError
  }
  throw new Error('expected the call to fail')
}

describe('GetMetricData for AWS/SQS', () => {
  it('reports the age of the oldest message once a minute, newest first', async () => {
    const { clock, create, send, getMetricData } = setup()
    const url = await create('jobs')
    clock.advance(30_000)
    await send(url)
    clock.advance(4 * MINUTE + 40_000) // now: T0 + 5:10
    const out = await getMetricData(request('jobs', T0 - 10 * MINUTE, clock.now()))
    expect(out.Messages).toEqual([])
    expect(out.NextToken).toBeUndefined()
    expect(out.MetricDataResults).toHaveLength(1)
    const result = out.MetricDataResults[0]
    expect(result).toMatchObject({
      Id: 'age',
      Label: 'ApproximateAgeOfOldestMessage',
      StatusCode: 'Complete'
    })
    // One sample per whole minute since the queue exists (none before it was created).
    expect(seconds(result.Timestamps)).toEqual([300, 240, 180, 120, 60, 0])
    expect(result.Values).toEqual([270, 210, 150, 90, 30, 0])

    const ascending = await getMetricData(
      request('jobs', T0, clock.now(), {}, { ScanBy: 'TimestampAscending' })
    )
    expect(ascending.MetricDataResults[0].Values).toEqual([0, 30, 90, 150, 210, 270])
  })

  it('aggregates the minute samples of a longer Period with the requested Stat', async () => {
    const { clock, create, send, getMetricData } = setup()
    const url = await create('jobs')
    clock.advance(30_000)
    await send(url)
    clock.advance(4 * MINUTE + 40_000)
    const stats: Record<string, number[]> = {}
    for (const Stat of ['Maximum', 'Minimum', 'Average', 'Sum', 'SampleCount']) {
      const out = await getMetricData(request('jobs', T0, clock.now(), { Stat, Period: 300 }))
      expect(seconds(out.MetricDataResults[0].Timestamps)).toEqual([300, 0])
      stats[Stat] = out.MetricDataResults[0].Values
    }
    // Period [0, 300) holds the samples 0, 30, 90, 150, 210; [300, 600) holds 270.
    expect(stats).toEqual({
      Maximum: [270, 210],
      Minimum: [270, 0],
      Average: [270, 96],
      Sum: [270, 480],
      SampleCount: [1, 5]
    })
  })

  it('reports ApproximateNumberOfMessagesVisible from the same samples', async () => {
    const { clock, create, send, sqsCall, getMetricData } = setup()
    const url = await create('jobs', { VisibilityTimeout: '120' })
    await send(url, 'a')
    await send(url, 'b')
    clock.advance(MINUTE)
    await sqsCall('ReceiveMessage', { QueueUrl: url }) // 'a' is in flight for two minutes
    clock.advance(3 * MINUTE)
    const out = await getMetricData(
      request('jobs', T0, clock.now() + 1, {
        Metric: {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: 'jobs' }]
        },
        Unit: 'Count'
      })
    )
    expect(seconds(out.MetricDataResults[0].Timestamps)).toEqual([240, 180, 120, 60, 0])
    expect(out.MetricDataResults[0].Values).toEqual([2, 2, 1, 1, 2])
  })

  it('reports 0 for an empty queue and after the last message is deleted', async () => {
    const { clock, create, send, sqsCall, getMetricData } = setup()
    const url = await create('jobs')
    clock.advance(2 * MINUTE)
    const empty = await getMetricData(request('jobs', T0, clock.now() + 1))
    expect(empty.MetricDataResults[0].Values).toEqual([0, 0, 0])

    await send(url)
    clock.advance(2 * MINUTE)
    const received = await sqsCall('ReceiveMessage', { QueueUrl: url })
    await sqsCall('DeleteMessage', {
      QueueUrl: url,
      ReceiptHandle: received.Messages[0].ReceiptHandle
    })
    clock.advance(MINUTE)
    // Samples are rebuilt from the messages the queue holds now: the deleted one is gone.
    const after = await getMetricData(request('jobs', T0, clock.now() + 1))
    expect(after.MetricDataResults[0].Values).toEqual([0, 0, 0, 0, 0, 0])
  })

  it('leaves delayed messages and poison pills out, and restarts the age in a dead-letter queue', async () => {
    const { clock, create, send, sqsCall, getMetricData } = setup()
    const latest = (queue: string) => getMetricData(request(queue, clock.now(), clock.now() + 1))
    await create('jobs-dlq')
    const url = await create('jobs', {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:jobs-dlq',
        maxReceiveCount: 5
      })
    })
    await sqsCall('SendMessage', { QueueUrl: url, MessageBody: 'later', DelaySeconds: 600 })
    await send(url, 'poison')
    clock.advance(2 * MINUTE)
    const young = await latest('jobs')
    expect(young.MetricDataResults[0].Values).toEqual([120])
    for (let i = 0; i < 3; i++) await sqsCall('ReceiveMessage', { QueueUrl: url })
    // Received three times: no longer counted; the delayed message does not count yet.
    const pill = await latest('jobs')
    expect(pill.MetricDataResults[0].Values).toEqual([0])

    // Two more receives and the next one moves it to the dead-letter queue.
    for (let i = 0; i < 3; i++) await sqsCall('ReceiveMessage', { QueueUrl: url })
    clock.advance(MINUTE)
    const moved = await latest('jobs-dlq')
    expect(moved.MetricDataResults[0].Values).toEqual([60])
  })

  it('measures ages in sim time and takes a sample every sim minute at a time scale', async () => {
    const { clock, create, send, getMetricData } = setup(20)
    const url = await create('jobs')
    await send(url)
    clock.advance(150_000) // 7.5 real seconds
    const out = await getMetricData(request('jobs', T0 - MINUTE, clock.now()))
    // Wall-clock timestamps three real seconds apart, ages in sim seconds.
    expect(seconds(out.MetricDataResults[0].Timestamps)).toEqual([6, 3, 0])
    expect(out.MetricDataResults[0].Values).toEqual([120, 60, 0])
  })

  it('stamps datapoints a sim minute apart with virtual time at a time scale', async () => {
    const { clock, create, send, getMetricData } = setup(20, true)
    const url = await create('jobs')
    await send(url)
    clock.advance(150_000)
    const out = await getMetricData(request('jobs', T0 - MINUTE, clock.now()))
    expect(seconds(out.MetricDataResults[0].Timestamps)).toEqual([120, 60, 0])
    expect(out.MetricDataResults[0].Values).toEqual([120, 60, 0])
  })

  it('has no datapoints for an unknown queue or a metric nobody publishes', async () => {
    const { clock, create, getMetricData } = setup()
    await create('jobs')
    clock.advance(5 * MINUTE)
    const from = T0
    const to = clock.now()
    const queries = [
      request('nope', from, to),
      request('jobs', from, to, {
        Metric: { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [] }
      }),
      request('jobs', from, to, { Unit: 'Count' }),
      request('jobs', from, to, {
        Metric: {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [
            { Name: 'QueueName', Value: 'jobs' },
            { Name: 'Colour', Value: 'red' }
          ]
        }
      })
    ]
    for (const query of queries) {
      const out = await getMetricData(query)
      expect(out.MetricDataResults).toEqual([
        {
          Id: 'age',
          Label: query.MetricDataQueries[0]!.MetricStat.Metric.MetricName,
          Timestamps: [],
          Values: [],
          StatusCode: 'Complete',
          Messages: []
        }
      ])
    }
    const otherAccount = request('jobs', from, to)
    Object.assign(otherAccount.MetricDataQueries[0]!, { AccountId: '999999999999' })
    expect((await getMetricData(otherAccount)).MetricDataResults[0].Values).toEqual([])

    // Without a queue port (no SQS in this world) every SQS metric is empty.
    const alone = createCloudWatchModule({ clock })
    const out = (await alone.handle(
      ctx('cloudwatch', 'GetMetricData'),
      request('jobs', from, to)
    )) as Loose
    expect(out.MetricDataResults[0].Values).toEqual([])
  })

  it('stops publishing for a queue idle six hours, and starts again when it is used', async () => {
    const { clock, create, sqsCall, getMetricData } = setup()
    const url = await create('jobs')
    clock.advance(7 * 60 * MINUTE)
    const range = () => request('jobs', clock.now() - 2 * 60 * MINUTE, clock.now() + 1)
    const idle = await getMetricData(range())
    // Samples from 5:00 to 6:00 after creation, then nothing.
    expect(idle.MetricDataResults[0].Timestamps).toHaveLength(61)
    expect(seconds(idle.MetricDataResults[0].Timestamps)[0]).toBe(6 * 3600)
    await sqsCall('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })
    const used = await getMetricData(range())
    expect(seconds(used.MetricDataResults[0].Timestamps)[0]).toBe(7 * 3600)
  })

  it('rounds StartTime down, aligns Periods on it, and drops sub-minute Periods after three hours', async () => {
    const { clock, create, getMetricData } = setup()
    await create('jobs')
    clock.advance(4 * 60 * MINUTE)
    // 00:01:30 rounds down to 00:01:00; Periods of 120 s then start at odd minutes.
    const aligned = await getMetricData(
      request(
        'jobs',
        T0 + 90_000,
        T0 + 8 * MINUTE,
        { Period: 120 },
        { ScanBy: 'TimestampAscending' }
      )
    )
    expect(seconds(aligned.MetricDataResults[0].Timestamps)).toEqual([60, 180, 300, 420])
    // A 10-second Period on a 1-minute metric: one datapoint per sample.
    const fine = await getMetricData(
      request('jobs', clock.now() - 3 * MINUTE, clock.now(), { Period: 10 })
    )
    expect(fine.MetricDataResults[0].Timestamps).toHaveLength(3)
    const old = await getMetricData(request('jobs', T0, clock.now(), { Period: 10 }))
    expect(old.MetricDataResults[0].Values).toEqual([])
  })

  it('paginates with MaxDatapoints and NextToken, and omits queries with ReturnData false', async () => {
    const { clock, create, send, getMetricData } = setup()
    const url = await create('jobs')
    await send(url)
    clock.advance(3 * MINUTE)
    const base = request('jobs', T0, clock.now() + 1)
    const visible = {
      Id: 'visible',
      Label: 'visible messages',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: 'jobs' }]
        },
        Period: 60,
        Stat: 'Maximum'
      }
    }
    const hidden = { ...visible, Id: 'hidden', ReturnData: false }
    const input = {
      ...base,
      MetricDataQueries: [...base.MetricDataQueries, visible, hidden],
      MaxDatapoints: 3
    }
    const rows = (out: Loose, ...keys: string[]) =>
      (out.MetricDataResults as Loose[]).map(r => keys.map(k => r[k] as unknown))
    const first = await getMetricData(input)
    expect(rows(first, 'Id', 'Values', 'StatusCode')).toEqual([
      ['age', [180, 120, 60], 'PartialData'],
      ['visible', [], 'PartialData']
    ])
    clock.advance(10 * MINUTE) // later pages keep the first page's time
    const second = await getMetricData({ ...input, NextToken: first.NextToken })
    expect(rows(second, 'Label', 'Values', 'StatusCode')).toEqual([
      ['ApproximateAgeOfOldestMessage', [0], 'Complete'],
      ['visible messages', [1, 1], 'PartialData']
    ])
    const third = await getMetricData({ ...input, NextToken: second.NextToken })
    expect(rows(third, 'Values', 'StatusCode')).toEqual([
      [[], 'Complete'],
      [[1, 1], 'Complete']
    ])
    expect(third.NextToken).toBeUndefined()

    const bad = await validationError(getMetricData({ ...input, NextToken: 'garbage' }))
    expect(bad.code).toBe('InvalidNextToken')
  })
})

describe('GetMetricData validation', () => {
  const from = T0 - 10 * MINUTE
  const query = (patch: Record<string, unknown> = {}, stat: Record<string, unknown> = {}) => ({
    ...request('jobs', from, T0, stat).MetricDataQueries[0],
    ...patch
  })
  const withQueries = (queries: unknown[], extra: Record<string, unknown> = {}) => ({
    StartTime: from / 1000,
    EndTime: T0 / 1000,
    MetricDataQueries: queries,
    ...extra
  })

  it('requires MetricDataQueries, StartTime and EndTime', async () => {
    const { getMetricData } = setup()
    for (const [input, message] of [
      [{ StartTime: 1, EndTime: 2 }, 'The parameter MetricDataQueries is required.'],
      [{ MetricDataQueries: [query()], EndTime: 2 }, 'The parameter StartTime is required.'],
      [{ MetricDataQueries: [query()], StartTime: 1 }, 'The parameter EndTime is required.']
    ] as const) {
      const error = await validationError(getMetricData(input))
      expect([error.code, error.message, error.status]).toEqual(['MissingParameter', message, 400])
    }
    const badTime = await validationError(
      getMetricData({ MetricDataQueries: [query()], StartTime: 'yesterday', EndTime: 2 })
    )
    expect(badTime.code).toBe('InvalidParameterValue')
  })

  it('answers ValidationError with one line per problem', async () => {
    const { getMetricData } = setup()
    const cases: [Record<string, unknown>, string][] = [
      [
        withQueries([query()], { StartTime: T0 / 1000 }),
        'The parameter StartTime must not equal parameter EndTime.'
      ],
      [
        withQueries([query()], { StartTime: T0 / 1000 + 60 }),
        'The parameter StartTime must be less than the parameter EndTime.'
      ],
      [withQueries([]), 'The collection MetricDataQueries must not be empty.'],
      [
        withQueries(Array.from({ length: 501 }, (_, i) => query({ Id: `q${i}` }))),
        'The collection MetricDataQueries must not have a size greater than 500.'
      ],
      [
        withQueries([query({ Id: '5xx_errors' })]),
        'The value 5xx_errors for parameter MetricDataQueries.member.1.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.'
      ],
      [
        withQueries([query({ Id: '' })]),
        'The parameter MetricDataQueries.member.1.Id is required.'
      ],
      [
        withQueries([query(), query()]),
        'The value age for parameter MetricDataQueries.member.2.Id is a duplicate: Ids must be unique within one request.'
      ],
      [
        withQueries([query({}, { Period: 45 })]),
        'The value 45 for parameter MetricDataQueries.member.1.MetricStat.Period is not a valid period. Valid values are 1, 5, 10, 20, 30, 60 and any multiple of 60.'
      ],
      [
        withQueries([query({}, { Period: 0 })]),
        'The value 0 for parameter MetricDataQueries.member.1.MetricStat.Period must be an integer of at least 1.'
      ],
      [
        withQueries([query({}, { Period: undefined })]),
        'The parameter MetricDataQueries.member.1.MetricStat.Period is required.'
      ],
      [
        withQueries([query({}, { Stat: 'Median' })]),
        'The value Median for parameter MetricDataQueries.member.1.MetricStat.Stat is not a valid statistic.'
      ],
      [
        withQueries([query({}, { Stat: undefined })]),
        'The parameter MetricDataQueries.member.1.MetricStat.Stat is required.'
      ],
      [
        withQueries([query({}, { Unit: 'Parsecs' })]),
        'The value Parsecs for parameter MetricDataQueries.member.1.MetricStat.Unit is not a valid unit.'
      ],
      [
        withQueries([query({}, { Metric: { Namespace: 'AWS/SQS' } })]),
        'The parameter MetricDataQueries.member.1.MetricStat.Metric.MetricName is required.'
      ],
      [
        withQueries([query({}, { Metric: undefined })]),
        'The parameter MetricDataQueries.member.1.MetricStat.Metric is required.'
      ],
      [
        withQueries([query({ MetricStat: undefined })]),
        'The parameter MetricDataQueries.member.1.MetricStat is required.'
      ],
      [
        withQueries([query({ Expression: 'SUM(METRICS())' })]),
        'The parameters MetricDataQuery Expression and MetricStat are mutually exclusive and you have specified both.'
      ],
      [
        withQueries([query({ MetricStat: undefined, Expression: 'age * 2' })]),
        'The parameter MetricDataQueries.member.1.Expression is valid in CloudWatch, but the simulator does not evaluate metric math or Metrics Insights queries (not simulated).'
      ],
      [
        withQueries([query({}, { Stat: 'tm90' })]),
        'The value tm90 for parameter MetricDataQueries.member.1.MetricStat.Stat is a valid statistic, but the simulator computes only SampleCount, Average, Sum, Minimum, Maximum and percentiles pNN (not simulated).'
      ],
      [
        withQueries([query()], { ScanBy: 'Sideways' }),
        'The value Sideways for parameter ScanBy is not valid. Valid values are TimestampDescending, TimestampAscending.'
      ],
      [
        withQueries([query()], { MaxDatapoints: 0 }),
        'The value 0 for parameter MaxDatapoints must be an integer of at least 1.'
      ],
      [
        withQueries([query({ ReturnData: 'yes' })]),
        'The value yes for parameter MetricDataQueries.member.1.ReturnData is not valid.'
      ],
      [
        withQueries([query({ Period: 0 })]),
        'The value 0 for parameter MetricDataQueries.member.1.Period must be an integer of at least 1.'
      ]
    ]
    for (const [input, message] of cases) {
      const error = await validationError(getMetricData(input))
      expect([error.code, error.message, error.status]).toEqual(['ValidationError', message, 400])
    }

    const several = await validationError(
      getMetricData(withQueries([query({ Id: 'Bad' }), query({ Id: 'ok' }, { Stat: 'Mean' })]))
    )
    expect(several.message.split('\n')).toEqual([
      'The value Bad for parameter MetricDataQueries.member.1.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.',
      'The value Mean for parameter MetricDataQueries.member.2.MetricStat.Stat is not a valid statistic.'
    ])
  })

  it('checks dimensions', async () => {
    const { getMetricData } = setup()
    const metric = (Dimensions: unknown) => ({
      Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions }
    })
    const tooMany = Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'v' }))
    for (const [dimensions, message] of [
      [
        tooMany,
        'The collection MetricDataQueries.member.1.MetricStat.Metric.Dimensions must not have a size greater than 30.'
      ],
      [
        [{ Name: 'QueueName' }],
        'The parameter MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value is required.'
      ],
      [
        'QueueName=jobs',
        'The parameter MetricDataQueries.member.1.MetricStat.Metric.Dimensions must be a list.'
      ],
      [
        ['jobs'],
        'The parameter MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1 must be a structure.'
      ],
      [
        [{ Name: 'QueueName', Value: 'x'.repeat(1025) }],
        `The value ${'x'.repeat(1025)} for parameter MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value must be a string of 1 to 1024 characters.`
      ]
    ] as const) {
      const error = await validationError(
        getMetricData(withQueries([query({}, metric(dimensions))]))
      )
      expect([error.code, error.message]).toEqual(['ValidationError', message])
    }
    const notAStructure = await validationError(
      getMetricData(withQueries(['age', query({ Id: 'b', MetricStat: 'x' })]))
    )
    expect(notAStructure.message.split('\n')).toEqual([
      'The parameter MetricDataQueries.member.1 must be a structure.',
      'The parameter MetricDataQueries.member.2.MetricStat must be a structure.'
    ])
    const notAList = await validationError(
      getMetricData({ ...withQueries([]), MetricDataQueries: {} })
    )
    expect(notAList.code).toBe('InvalidParameterValue')
  })
})

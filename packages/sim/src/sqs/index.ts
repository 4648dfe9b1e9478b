import { AwsError, SIM_ACCOUNT_ID } from '../contract.js'
import type { RequestContext, SimClock, SqsServiceModule } from '../contract.js'
import {
  decodeToken,
  encodeToken,
  invalid,
  missing,
  optionalNumber,
  optionalString,
  optionalStringList,
  requiredString
} from '../cloudwatch/params.js'
import {
  ALL_ATTRIBUTE_NAMES,
  defaults,
  formatRedrivePolicy,
  invalidAttributeName,
  parseRedrivePolicy,
  validateSettable
} from './queue-attributes.js'
import {
  counts,
  expire,
  isActive,
  isFifo,
  metricsSample,
  newMessage,
  newReceiptHandle,
  parseReceiptHandle,
  realMs
} from './queue.js'
import type { Queue, StoredMessage } from './queue.js'

export interface SqsDeps {
  clock: SimClock
  /**
   * The sim's own base URL (`http://127.0.0.1:PORT`). QueueUrls should point at it: the SQS
   * client sends each request to its QueueUrl's host unless `endpoint` is set in code, which a
   * client configured only through AWS_ENDPOINT_URL_SQS is not.
   */
  endpoint?: () => string | undefined
}

export interface SqsModule extends SqsServiceModule {
  /** ApproximateAgeOfOldestMessage now, in sim milliseconds (see `metricsSample`); 0 when empty. */
  oldestMessageAgeMs(queueName: string): number | undefined
}

const MUTATING = new Set([
  'CreateQueue',
  'DeleteQueue',
  'SetQueueAttributes',
  'PurgeQueue',
  'SendMessage',
  'ReceiveMessage',
  'DeleteMessage',
  'ChangeMessageVisibility'
])
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/
const FIFO_DEDUP_WINDOW_S = 300
const MESSAGE_SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'MessageGroupId',
  'MessageDeduplicationId',
  'SequenceNumber'
]
// XML 1.0 characters, which is what SQS accepts in a body.
const VALID_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u

const nonExistent = () =>
  new AwsError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.')

export function createSqsModule(deps: SqsDeps): SqsModule {
  const { clock } = deps
  const queues = new Map<string, Queue>()
  const waiters = new Set<() => void>()
  let sequence = 0

  const wakeWaiters = () => {
    for (const wake of [...waiters]) wake()
  }

  const queueByUrl = (input: Record<string, unknown>): Queue => {
    const url = requiredString(input, 'QueueUrl')
    let path: string[]
    try {
      path = new URL(url).pathname.split('/').filter(Boolean)
    } catch {
      throw new AwsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`)
    }
    const queue =
      path.length === 2 && path[0] === SIM_ACCOUNT_ID ? queues.get(path[1] as string) : undefined
    if (!queue) throw nonExistent()
    expire(queue, clock)
    queue.lastActivityAt = clock.now()
    return queue
  }

  const queueByArn = (arn: string) => [...queues.values()].find(q => q.arn === arn)

  const settableAttributes = (input: Record<string, unknown>, name: string) => {
    const raw = input.Attributes
    if (raw === undefined || raw === null) return {}
    if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(name, raw, 'Must be a map.')
    const attributes = validateSettable(raw as Record<string, unknown>)
    if (attributes.RedrivePolicy !== undefined && attributes.RedrivePolicy !== '') {
      const policy = parseRedrivePolicy(attributes.RedrivePolicy)
      if (!queueByArn(policy.deadLetterTargetArn)) {
        throw new AwsError(
          'InvalidParameterValue',
          `Value ${attributes.RedrivePolicy} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.`
        )
      }
      attributes.RedrivePolicy = formatRedrivePolicy(policy)
    }
    return attributes
  }

  const createQueue = (ctx: RequestContext, input: Record<string, unknown>) => {
    const name = requiredString(input, 'QueueName')
    const attributes = settableAttributes(input, 'Attributes')
    const fifoName = name.endsWith('.fifo')
    const base = fifoName ? name.slice(0, -'.fifo'.length) : name
    if (!QUEUE_NAME.test(base) || name.length > 80) {
      throw invalid(
        'QueueName',
        name,
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.'
      )
    }
    if (fifoName !== (attributes.FifoQueue === 'true')) {
      throw invalid(
        'QueueName',
        name,
        'The name of a FIFO queue must end with .fifo and it needs the attribute FifoQueue=true.'
      )
    }
    const existing = queues.get(name)
    if (existing) {
      const differing = Object.entries(attributes).find(([k, v]) => existing.attributes[k] !== v)
      if (differing) {
        throw new AwsError(
          'QueueAlreadyExists',
          `A queue already exists with the same name and a different value for attribute ${differing[0]}`
        )
      }
      existing.lastActivityAt = clock.now()
      return { QueueUrl: existing.url }
    }
    const now = clock.now()
    const host = deps.endpoint?.() ?? `https://sqs.${ctx.region}.amazonaws.com`
    const tags = input.tags
    queues.set(name, {
      name,
      url: `${host.replace(/\/+$/, '')}/${SIM_ACCOUNT_ID}/${name}`,
      arn: `arn:aws:sqs:${ctx.region}:${SIM_ACCOUNT_ID}:${name}`,
      createdAt: now,
      modifiedAt: now,
      lastActivityAt: now,
      attributes: { ...defaults(), ...attributes },
      tags:
        tags !== null && typeof tags === 'object' ? { ...(tags as Record<string, string>) } : {},
      messages: [],
      dedup: new Map()
    })
    return { QueueUrl: (queues.get(name) as Queue).url }
  }

  const getQueueUrl = (input: Record<string, unknown>) => {
    const name = requiredString(input, 'QueueName')
    const owner = optionalString(input, 'QueueOwnerAWSAccountId')
    const queue = owner === undefined || owner === SIM_ACCOUNT_ID ? queues.get(name) : undefined
    if (!queue) throw nonExistent()
    queue.lastActivityAt = clock.now()
    return { QueueUrl: queue.url }
  }

  const attributeValue = (queue: Queue, name: string): string | undefined => {
    const c = counts(queue, clock)
    switch (name) {
      case 'ApproximateNumberOfMessages':
        return String(c.visible)
      case 'ApproximateNumberOfMessagesNotVisible':
        return String(c.inFlight)
      case 'ApproximateNumberOfMessagesDelayed':
        return String(c.delayed)
      case 'CreatedTimestamp':
        return String(Math.floor(queue.createdAt / 1000))
      case 'LastModifiedTimestamp':
        return String(Math.floor(queue.modifiedAt / 1000))
      case 'QueueArn':
        return queue.arn
      default:
        return queue.attributes[name]
    }
  }

  const getQueueAttributes = (input: Record<string, unknown>) => {
    const queue = queueByUrl(input)
    const requested = optionalStringList(input, 'AttributeNames') ?? []
    for (const name of requested) {
      if (name !== 'All' && !ALL_ATTRIBUTE_NAMES.includes(name)) throw invalidAttributeName(name)
    }
    const names = requested.includes('All') ? ALL_ATTRIBUTE_NAMES : requested
    const attributes: Record<string, string> = {}
    for (const name of names) {
      const value = attributeValue(queue, name)
      if (value !== undefined) attributes[name] = value
    }
    return names.length === 0 ? {} : { Attributes: attributes }
  }

  const setQueueAttributes = (input: Record<string, unknown>) => {
    const queue = queueByUrl(input)
    const attributes = settableAttributes(input, 'Attributes')
    if (attributes.FifoQueue !== undefined && attributes.FifoQueue !== String(isFifo(queue))) {
      throw new AwsError('InvalidAttributeName', 'FifoQueue cannot be changed after creation.')
    }
    Object.assign(queue.attributes, attributes)
    if (attributes.RedrivePolicy === '') delete queue.attributes.RedrivePolicy
    queue.modifiedAt = clock.now()
    return {}
  }

  const listQueues = (input: Record<string, unknown>) => {
    const prefix = optionalString(input, 'QueueNamePrefix') ?? ''
    const max = optionalNumber(input, 'MaxResults', { min: 1, max: 1000, integer: true })
    const start = decodeToken(optionalString(input, 'NextToken'), 'InvalidParameterValue')
    const urls = [...queues.values()]
      .filter(q => q.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map(q => q.url)
    if (max === undefined) return { QueueUrls: urls.slice(0, 1000) }
    const next = start + max < urls.length ? encodeToken(start + max) : undefined
    return { QueueUrls: urls.slice(start, start + max), NextToken: next }
  }

  const sendMessage = (input: Record<string, unknown>) => {
    const queue = queueByUrl(input)
    if (input.MessageBody === undefined || input.MessageBody === null) throw missing('MessageBody')
    const body = optionalString(input, 'MessageBody') as string
    if (body === '') throw invalid('MessageBody', body, 'Message must be at least one character.')
    const maxSize = Number(queue.attributes.MaximumMessageSize)
    if (Buffer.byteLength(body, 'utf8') > maxSize) {
      throw invalid('MessageBody', '…', `Message must be shorter than ${maxSize} bytes.`)
    }
    if (!VALID_BODY.test(body)) {
      throw new AwsError(
        'InvalidMessageContents',
        'Invalid binary character in the message body. Characters outside #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF are not allowed.'
      )
    }
    const attributes = input.MessageAttributes
    if (attributes !== undefined && attributes !== null && Object.keys(attributes).length > 0) {
      // MD5OfMessageAttributes is not computed here; refusing beats answering without it.
      throw new AwsError(
        'AWS.SimpleQueueService.UnsupportedOperation',
        'MessageAttributes are not supported by the simulator.'
      )
    }
    const delay =
      optionalNumber(input, 'DelaySeconds', { min: 0, max: 900, integer: true }) ??
      Number(queue.attributes.DelaySeconds)
    if (!isFifo(queue)) {
      const message = newMessage(clock, body, delay)
      queue.messages.push(message)
      wakeWaiters()
      return { MessageId: message.id, MD5OfMessageBody: message.md5 }
    }
    return sendFifo(queue, input, body)
  }

  const sendFifo = (queue: Queue, input: Record<string, unknown>, body: string) => {
    if (input.DelaySeconds !== undefined && input.DelaySeconds !== null) {
      throw invalid(
        'DelaySeconds',
        input.DelaySeconds,
        'FIFO queues do not support per-message delays.'
      )
    }
    const groupId = requiredString(input, 'MessageGroupId', 128)
    let dedupId = optionalString(input, 'MessageDeduplicationId', 128)
    if (dedupId === undefined) {
      if (queue.attributes.ContentBasedDeduplication !== 'true') {
        throw invalid(
          'MessageDeduplicationId',
          null,
          'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly.'
        )
      }
      dedupId = newMessage(clock, body, 0).md5
    }
    const now = clock.now()
    const window = realMs(clock, FIFO_DEDUP_WINDOW_S)
    for (const [id, [, seenAt]] of queue.dedup) if (now - seenAt >= window) queue.dedup.delete(id)
    const seen = queue.dedup.get(dedupId)
    const md5 = newMessage(clock, body, 0).md5
    if (seen) return { MessageId: seen[0], MD5OfMessageBody: md5 }
    const sequenceNumber = String(++sequence).padStart(20, '0')
    const message = newMessage(clock, body, Number(queue.attributes.DelaySeconds), {
      groupId,
      deduplicationId: dedupId,
      sequenceNumber
    })
    queue.messages.push(message)
    queue.dedup.set(dedupId, [message.id, now])
    wakeWaiters()
    return { MessageId: message.id, MD5OfMessageBody: md5, SequenceNumber: sequenceNumber }
  }

  /** Moves a message that was received maxReceiveCount times to the dead-letter queue. */
  const redrive = (queue: Queue, message: StoredMessage): boolean => {
    const policy = queue.attributes.RedrivePolicy
    if (policy === undefined) return false
    const { deadLetterTargetArn, maxReceiveCount } = parseRedrivePolicy(policy)
    const dlq = queueByArn(deadLetterTargetArn)
    if (!dlq || message.receiveCount < maxReceiveCount) return false
    queue.messages = queue.messages.filter(m => m !== message)
    // The send time is kept: for standard queues retention counts from the original send. The
    // dead-letter queue's age metric counts from the move (enqueuedAt).
    const now = clock.now()
    dlq.messages.push({
      ...message,
      receiveCount: 0,
      firstReceiveAt: undefined,
      lastReceiveAt: undefined,
      handles: new Set(),
      enqueuedAt: now,
      availableAt: now,
      visibleAt: now,
      delayed: false
    })
    return true
  }

  const take = (queue: Queue, max: number, visibilitySeconds: number) => {
    const now = clock.now()
    const busyGroups = new Set(
      queue.messages.filter(m => m.visibleAt > now && !m.delayed).map(m => m.groupId)
    )
    const taken: { message: StoredMessage; handle: string }[] = []
    for (const message of [...queue.messages]) {
      if (taken.length >= max) break
      if (message.visibleAt > now) continue
      if (isFifo(queue) && busyGroups.has(message.groupId)) continue
      if (redrive(queue, message)) continue
      message.receiveCount++
      message.firstReceiveAt ??= now
      message.lastReceiveAt = now
      message.delayed = false
      message.visibleAt = now + realMs(clock, visibilitySeconds)
      const handle = newReceiptHandle(queue, message)
      message.handles.add(handle)
      taken.push({ message, handle })
    }
    return taken
  }

  const waitForMessage = (simSeconds: number) =>
    new Promise<void>(resolve => {
      const done = () => {
        waiters.delete(done)
        cancel()
        resolve()
      }
      const cancel = clock.setTimer(done, simSeconds * 1000)
      waiters.add(done)
    })

  const receiveMessage = async (input: Record<string, unknown>) => {
    const queue = queueByUrl(input)
    const max = input.MaxNumberOfMessages ?? 1
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10) {
      throw invalid('MaxNumberOfMessages', max, 'Must be between 1 and 10, if provided.')
    }
    const visibility =
      optionalNumber(input, 'VisibilityTimeout', { min: 0, max: 43200, integer: true }) ??
      Number(queue.attributes.VisibilityTimeout)
    const wait =
      optionalNumber(input, 'WaitTimeSeconds', { min: 0, max: 20, integer: true }) ??
      Number(queue.attributes.ReceiveMessageWaitTimeSeconds)
    const wanted = [
      ...(optionalStringList(input, 'AttributeNames') ?? []),
      ...(optionalStringList(input, 'MessageSystemAttributeNames') ?? [])
    ]
    let taken = take(queue, max, visibility)
    if (taken.length === 0 && wait > 0) {
      await waitForMessage(wait)
      if (queues.get(queue.name) !== queue) throw nonExistent()
      taken = take(queue, max, visibility)
    }
    if (taken.length === 0) return {}
    const all = wanted.includes('All')
    return {
      Messages: taken.map(({ message, handle }) => {
        const system: Record<string, string | undefined> = {
          SenderId: SIM_ACCOUNT_ID,
          SentTimestamp: String(message.sentAt),
          ApproximateReceiveCount: String(message.receiveCount),
          ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
          MessageGroupId: message.groupId,
          MessageDeduplicationId: message.deduplicationId,
          SequenceNumber: message.sequenceNumber
        }
        const attributes = Object.fromEntries(
          MESSAGE_SYSTEM_ATTRIBUTES.filter(
            n => (all || wanted.includes(n)) && system[n] !== undefined
          ).map(n => [n, system[n]])
        )
        return {
          MessageId: message.id,
          ReceiptHandle: handle,
          MD5OfBody: message.md5,
          Body: message.body,
          ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {})
        }
      })
    }
  }

  const messageByHandle = (queue: Queue, input: Record<string, unknown>) => {
    const handle = requiredString(input, 'ReceiptHandle')
    const parsed = parseReceiptHandle(handle)
    if (!parsed || parsed.queue !== queue.name) {
      throw new AwsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${handle}" is not valid.`
      )
    }
    return { handle, message: queue.messages.find(m => m.id === parsed.messageId) }
  }

  const deleteMessage = (input: Record<string, unknown>) => {
    const queue = queueByUrl(input)
    const { message } = messageByHandle(queue, input)
    // Deleting an already deleted message succeeds, as in SQS.
    if (message) queue.messages = queue.messages.filter(m => m !== message)
    return {}
  }

  const changeMessageVisibility = (input: Record<string, unknown>) => {
    const queue = queueByUrl(input)
    const { message } = messageByHandle(queue, input)
    const timeout = optionalNumber(input, 'VisibilityTimeout', {
      min: 0,
      max: 43200,
      integer: true
    })
    if (timeout === undefined) throw missing('VisibilityTimeout')
    const now = clock.now()
    if (!message || message.visibleAt <= now || message.delayed) {
      throw new AwsError(
        'AWS.SimpleQueueService.MessageNotInflight',
        'The message referred to is not in flight.'
      )
    }
    message.visibleAt = now + realMs(clock, timeout)
    return {}
  }

  const dispatch = (ctx: RequestContext, input: Record<string, unknown>): unknown => {
    switch (ctx.operation) {
      case 'CreateQueue':
        return createQueue(ctx, input)
      case 'GetQueueUrl':
        return getQueueUrl(input)
      case 'GetQueueAttributes':
        return getQueueAttributes(input)
      case 'SetQueueAttributes':
        return setQueueAttributes(input)
      case 'ListQueues':
        return listQueues(input)
      case 'DeleteQueue':
        queues.delete(queueByUrl(input).name)
        return {}
      case 'PurgeQueue':
        queueByUrl(input).messages = []
        return {}
      case 'SendMessage':
        return sendMessage(input)
      case 'ReceiveMessage':
        return receiveMessage(input)
      case 'DeleteMessage':
        return deleteMessage(input)
      case 'ChangeMessageVisibility':
        return changeMessageVisibility(input)
      default:
        throw new AwsError(
          'InvalidAction',
          `The action ${ctx.operation} is not valid for this web service (not simulated).`
        )
    }
  }

  return {
    handle: (ctx, input) => Promise.resolve().then(() => dispatch(ctx, input)),
    isMutating: operation => MUTATING.has(operation),
    reset() {
      wakeWaiters()
      queues.clear()
      return Promise.resolve()
    },
    dump: () => ({
      queues: [...queues.values()].map(q => ({
        name: q.name,
        url: q.url,
        arn: q.arn,
        attributes: q.attributes,
        messages: q.messages.map(m => ({
          id: m.id,
          body: m.body,
          sentAt: m.sentAt,
          receiveCount: m.receiveCount,
          visibleAt: m.visibleAt
        }))
      }))
    }),
    oldestMessageAgeMs(queueName) {
      const queue = queues.get(queueName)
      if (!queue) return undefined
      expire(queue, clock)
      return metricsSample(queue, clock.now(), clock).oldestMessageAgeMs
    },
    queueCreatedAt: queueName => queues.get(queueName)?.createdAt,
    queueMetrics(queueName, at) {
      const queue = queues.get(queueName)
      if (!queue || at < queue.createdAt || at > clock.now()) return undefined
      expire(queue, clock)
      return isActive(queue, at, clock) ? metricsSample(queue, at, clock) : undefined
    }
  }
}

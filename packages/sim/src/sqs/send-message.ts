import { AwsError } from '../contract.js'
import {
  invalid,
  missing,
  optionalNumber,
  optionalString,
  requiredString
} from '../cloudwatch/params.js'
import { isFifo, newMessage, clockMs, type Queue } from './queue.js'
import { queueByUrl, wakeWaiters, type SqsStore } from './store.js'

const FIFO_DEDUP_WINDOW_S = 300
// XML 1.0 characters, which is what SQS accepts in a body.
const VALID_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u

export function sendMessage(store: SqsStore, input: Record<string, unknown>): unknown {
  const queue = queueByUrl(store, input)
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
    const message = newMessage(store.clock, body, delay)
    queue.messages.push(message)
    wakeWaiters(store)
    return { MessageId: message.id, MD5OfMessageBody: message.md5 }
  }
  return sendFifo(store, queue, input, body)
}

function sendFifo(
  store: SqsStore,
  queue: Queue,
  input: Record<string, unknown>,
  body: string
): unknown {
  const { clock } = store
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
  const window = clockMs(clock, FIFO_DEDUP_WINDOW_S)
  for (const [id, [, seenAt]] of queue.dedup) if (now - seenAt >= window) queue.dedup.delete(id)
  const seen = queue.dedup.get(dedupId)
  const md5 = newMessage(clock, body, 0).md5
  if (seen) return { MessageId: seen[0], MD5OfMessageBody: md5 }
  const sequenceNumber = String(++store.sequence).padStart(20, '0')
  const message = newMessage(clock, body, Number(queue.attributes.DelaySeconds), {
    groupId,
    deduplicationId: dedupId,
    sequenceNumber
  })
  queue.messages.push(message)
  queue.dedup.set(dedupId, [message.id, now])
  wakeWaiters(store)
  return { MessageId: message.id, MD5OfMessageBody: md5, SequenceNumber: sequenceNumber }
}

import { SIM_ACCOUNT_ID } from '../contract.js'
import { invalid, optionalNumber, optionalStringList } from '../cloudwatch/params.js'
import { isFifo, newReceiptHandle, clockMs, type Queue, type StoredMessage } from './queue.js'
import { redrive } from './redrive.js'
import { nonExistent, queueByUrl, type SqsStore } from './store.js'

const MESSAGE_SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'MessageGroupId',
  'MessageDeduplicationId',
  'SequenceNumber'
]

interface Received {
  message: StoredMessage
  handle: string
}

function take(store: SqsStore, queue: Queue, max: number, visibilitySeconds: number): Received[] {
  const now = store.clock.now()
  const busyGroups = new Set(
    queue.messages.filter(m => m.visibleAt > now && !m.delayed).map(m => m.groupId)
  )
  const taken: Received[] = []
  for (const message of [...queue.messages]) {
    if (taken.length >= max) break
    if (message.visibleAt > now) continue
    if (isFifo(queue) && busyGroups.has(message.groupId)) continue
    if (redrive(store, queue, message)) continue
    message.receiveCount++
    message.firstReceiveAt ??= now
    message.lastReceiveAt = now
    message.delayed = false
    message.visibleAt = now + clockMs(store.clock, visibilitySeconds)
    const handle = newReceiptHandle(queue, message)
    message.handles.add(handle)
    taken.push({ message, handle })
  }
  return taken
}

function waitForMessage(store: SqsStore, simSeconds: number): Promise<void> {
  return new Promise<void>(resolve => {
    const done = () => {
      store.waiters.delete(done)
      cancel()
      resolve()
    }
    const cancel = store.clock.setTimer(done, simSeconds * 1000)
    store.waiters.add(done)
  })
}

function messageView({ message, handle }: Received, wanted: string[]): unknown {
  const all = wanted.includes('All')
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
}

export async function receiveMessage(
  store: SqsStore,
  input: Record<string, unknown>
): Promise<unknown> {
  const queue = queueByUrl(store, input)
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
  let taken = take(store, queue, max, visibility)
  if (taken.length === 0 && wait > 0) {
    await waitForMessage(store, wait)
    // A queue deleted (or reset away) during the long poll is gone for this request too.
    if (store.queues.get(queue.name) !== queue) throw nonExistent()
    taken = take(store, queue, max, visibility)
  }
  if (taken.length === 0) return {}
  return { Messages: taken.map(received => messageView(received, wanted)) }
}

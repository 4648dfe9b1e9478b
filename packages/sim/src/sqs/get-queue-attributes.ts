import type { SimClock } from '../contract.js'
import { optionalStringList } from '../cloudwatch/params.js'
import { ALL_ATTRIBUTE_NAMES, invalidAttributeName } from './queue-attributes.js'
import { counts, type Queue } from './queue.js'
import { queueByUrl, type SqsStore } from './store.js'

function attributeValue(queue: Queue, name: string, clock: SimClock): string | undefined {
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

export function getQueueAttributes(store: SqsStore, input: Record<string, unknown>): unknown {
  const queue = queueByUrl(store, input)
  const requested = optionalStringList(input, 'AttributeNames') ?? []
  for (const name of requested) {
    if (name !== 'All' && !ALL_ATTRIBUTE_NAMES.includes(name)) throw invalidAttributeName(name)
  }
  const names = requested.includes('All') ? ALL_ATTRIBUTE_NAMES : requested
  const attributes: Record<string, string> = {}
  for (const name of names) {
    const value = attributeValue(queue, name, store.clock)
    if (value !== undefined) attributes[name] = value
  }
  return names.length === 0 ? {} : { Attributes: attributes }
}

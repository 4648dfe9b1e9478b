import { AwsError } from '../contract.js'
import { isFifo } from './queue.js'
import { settableAttributes } from './settable-attributes.js'
import { queueByUrl, type SqsStore } from './store.js'

export function setQueueAttributes(store: SqsStore, input: Record<string, unknown>): unknown {
  const queue = queueByUrl(store, input)
  const attributes = settableAttributes(store, input, 'Attributes')
  if (attributes.FifoQueue !== undefined && attributes.FifoQueue !== String(isFifo(queue))) {
    throw new AwsError('InvalidAttributeName', 'FifoQueue cannot be changed after creation.')
  }
  Object.assign(queue.attributes, attributes)
  if (attributes.RedrivePolicy === '') delete queue.attributes.RedrivePolicy
  queue.modifiedAt = store.clock.now()
  return {}
}

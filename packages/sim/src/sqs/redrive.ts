import { parseRedrivePolicy } from './queue-attributes.js'
import type { Queue, StoredMessage } from './queue.js'
import { queueByArn, type SqsStore } from './store.js'

/** Moves a message that was received maxReceiveCount times to the dead-letter queue. */
export function redrive(store: SqsStore, queue: Queue, message: StoredMessage): boolean {
  const policy = queue.attributes.RedrivePolicy
  if (policy === undefined) return false
  const { deadLetterTargetArn, maxReceiveCount } = parseRedrivePolicy(policy)
  const dlq = queueByArn(store, deadLetterTargetArn)
  if (!dlq || message.receiveCount < maxReceiveCount) return false
  queue.messages = queue.messages.filter(m => m !== message)
  // The send time is kept: for standard queues retention counts from the original send. The
  // dead-letter queue's age metric counts from the move (enqueuedAt).
  const now = store.clock.now()
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

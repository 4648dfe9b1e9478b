import { messageByHandle } from './message-by-handle.js'
import { queueByUrl, type SqsStore } from './store.js'

export function deleteMessage(store: SqsStore, input: Record<string, unknown>): unknown {
  const queue = queueByUrl(store, input)
  const { message } = messageByHandle(queue, input)
  // Deleting an already deleted message succeeds, as in SQS.
  if (message) queue.messages = queue.messages.filter(m => m !== message)
  return {}
}

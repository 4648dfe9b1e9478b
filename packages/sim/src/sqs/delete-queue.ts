import { queueByUrl, type SqsStore } from './store.js'

export function deleteQueue(store: SqsStore, input: Record<string, unknown>): unknown {
  store.queues.delete(queueByUrl(store, input).name)
  return {}
}

import { queueByUrl, type SqsStore } from './store.js'

export function purgeQueue(store: SqsStore, input: Record<string, unknown>): unknown {
  queueByUrl(store, input).messages = []
  return {}
}

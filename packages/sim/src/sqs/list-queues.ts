import { decodeToken, encodeToken, optionalNumber, optionalString } from '../cloudwatch/params.js'
import type { SqsStore } from './store.js'

export function listQueues(store: SqsStore, input: Record<string, unknown>): unknown {
  const prefix = optionalString(input, 'QueueNamePrefix') ?? ''
  const max = optionalNumber(input, 'MaxResults', { min: 1, max: 1000, integer: true })
  const start = decodeToken(optionalString(input, 'NextToken'), 'InvalidParameterValue')
  const urls = [...store.queues.values()]
    .filter(q => q.name.startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map(q => q.url)
  if (max === undefined) return { QueueUrls: urls.slice(0, 1000) }
  const next = start + max < urls.length ? encodeToken(start + max) : undefined
  return { QueueUrls: urls.slice(start, start + max), NextToken: next }
}

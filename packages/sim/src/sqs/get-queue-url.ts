import { SIM_ACCOUNT_ID } from '../contract.js'
import { optionalString, requiredString } from '../cloudwatch/params.js'
import { nonExistent, type SqsStore } from './store.js'

export function getQueueUrl(store: SqsStore, input: Record<string, unknown>): unknown {
  const name = requiredString(input, 'QueueName')
  const owner = optionalString(input, 'QueueOwnerAWSAccountId')
  const queue = owner === undefined || owner === SIM_ACCOUNT_ID ? store.queues.get(name) : undefined
  if (!queue) throw nonExistent()
  queue.lastActivityAt = store.clock.now()
  return { QueueUrl: queue.url }
}

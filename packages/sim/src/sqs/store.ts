import { AwsError, SIM_ACCOUNT_ID, type SimClock } from '../contract.js'
import { requiredString } from '../cloudwatch/params.js'
import { expire, type Queue } from './queue.js'

export interface SqsDeps {
  clock: SimClock
  /**
   * The sim's own base URL (`http://127.0.0.1:PORT`). QueueUrls should point at it: the SQS
   * client sends each request to its QueueUrl's host unless `endpoint` is set in code, which a
   * client configured only through AWS_ENDPOINT_URL_SQS is not.
   */
  endpoint?: () => string | undefined
}

/** Everything the operations share. */
export interface SqsStore {
  deps: SqsDeps
  clock: SimClock
  /** By queue name. */
  queues: Map<string, Queue>
  /** Long polls waiting for a message; each send wakes them all to look again. */
  waiters: Set<() => void>
  /** The last FIFO sequence number handed out, across all queues. */
  sequence: number
}

export function createStore(deps: SqsDeps): SqsStore {
  return { deps, clock: deps.clock, queues: new Map(), waiters: new Set(), sequence: 0 }
}

export function wakeWaiters(store: SqsStore): void {
  for (const wake of [...store.waiters]) wake()
}

export const nonExistent = () =>
  new AwsError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.')

export function queueByUrl(store: SqsStore, input: Record<string, unknown>): Queue {
  const { clock } = store
  const url = requiredString(input, 'QueueUrl')
  let path: string[]
  try {
    path = new URL(url).pathname.split('/').filter(Boolean)
  } catch {
    throw new AwsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`)
  }
  const queue =
    path.length === 2 && path[0] === SIM_ACCOUNT_ID
      ? store.queues.get(path[1] as string)
      : undefined
  if (!queue) throw nonExistent()
  expire(queue, clock)
  queue.lastActivityAt = clock.now()
  return queue
}

export function queueByArn(store: SqsStore, arn: string): Queue | undefined {
  return [...store.queues.values()].find(q => q.arn === arn)
}

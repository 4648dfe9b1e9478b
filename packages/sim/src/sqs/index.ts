import { AwsError, type RequestContext, type SqsServiceModule } from '../contract.js'
import { changeMessageVisibility } from './change-message-visibility.js'
import { createQueue } from './create-queue.js'
import { deleteMessage } from './delete-message.js'
import { deleteQueue } from './delete-queue.js'
import { getQueueAttributes } from './get-queue-attributes.js'
import { getQueueUrl } from './get-queue-url.js'
import { listQueues } from './list-queues.js'
import { purgeQueue } from './purge-queue.js'
import { expire, isActive, metricsSample } from './queue.js'
import { receiveMessage } from './receive-message.js'
import { sendMessage } from './send-message.js'
import { setQueueAttributes } from './set-queue-attributes.js'
import { createStore, wakeWaiters, type SqsDeps, type SqsStore } from './store.js'

export type { SqsDeps } from './store.js'

export interface SqsModule extends SqsServiceModule {
  /** ApproximateAgeOfOldestMessage now, in sim milliseconds (see `metricsSample`); 0 when empty. */
  oldestMessageAgeMs(queueName: string): number | undefined
}

type Input = Record<string, unknown>
type Operation = (store: SqsStore, ctx: RequestContext, input: Input) => unknown

const OPERATIONS: Record<string, { run: Operation; mutating: boolean }> = {
  CreateQueue: { run: createQueue, mutating: true },
  GetQueueUrl: { run: (s, _c, i) => getQueueUrl(s, i), mutating: false },
  GetQueueAttributes: { run: (s, _c, i) => getQueueAttributes(s, i), mutating: false },
  SetQueueAttributes: { run: (s, _c, i) => setQueueAttributes(s, i), mutating: true },
  ListQueues: { run: (s, _c, i) => listQueues(s, i), mutating: false },
  DeleteQueue: { run: (s, _c, i) => deleteQueue(s, i), mutating: true },
  PurgeQueue: { run: (s, _c, i) => purgeQueue(s, i), mutating: true },
  SendMessage: { run: (s, _c, i) => sendMessage(s, i), mutating: true },
  ReceiveMessage: { run: (s, _c, i) => receiveMessage(s, i), mutating: true },
  DeleteMessage: { run: (s, _c, i) => deleteMessage(s, i), mutating: true },
  ChangeMessageVisibility: { run: (s, _c, i) => changeMessageVisibility(s, i), mutating: true }
}

// Own keys only, so `Action=constructor` is an unknown operation like any other.
const operationNamed = (name: string) =>
  Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined

function dispatch(store: SqsStore, ctx: RequestContext, input: Input): unknown {
  const operation = operationNamed(ctx.operation)
  if (operation === undefined) {
    throw new AwsError(
      'InvalidAction',
      `The action ${ctx.operation} is not valid for this web service (not simulated).`
    )
  }
  return operation.run(store, ctx, input)
}

export function createSqsModule(deps: SqsDeps): SqsModule {
  const store = createStore(deps)
  const { clock, queues } = store
  return {
    handle: (ctx, input) => Promise.resolve().then(() => dispatch(store, ctx, input)),
    isMutating: operation => operationNamed(operation)?.mutating ?? false,
    reset() {
      wakeWaiters(store)
      queues.clear()
      return Promise.resolve()
    },
    dump: () => ({
      queues: [...queues.values()].map(q => ({
        name: q.name,
        url: q.url,
        arn: q.arn,
        attributes: q.attributes,
        messages: q.messages.map(m => ({
          id: m.id,
          body: m.body,
          sentAt: m.sentAt,
          receiveCount: m.receiveCount,
          visibleAt: m.visibleAt
        }))
      }))
    }),
    oldestMessageAgeMs(queueName) {
      const queue = queues.get(queueName)
      if (!queue) return undefined
      expire(queue, clock)
      return metricsSample(queue, clock.now(), clock).oldestMessageAgeMs
    },
    queueCreatedAt: queueName => queues.get(queueName)?.createdAt,
    queueMetrics(queueName, at) {
      const queue = queues.get(queueName)
      if (!queue || at < queue.createdAt || at > clock.now()) return undefined
      expire(queue, clock)
      return isActive(queue, at, clock) ? metricsSample(queue, at, clock) : undefined
    }
  }
}

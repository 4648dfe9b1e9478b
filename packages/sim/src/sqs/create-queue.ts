import { AwsError, SIM_ACCOUNT_ID, type RequestContext } from '../contract.js'
import { invalid, requiredString } from '../cloudwatch/params.js'
import { defaults } from './queue-attributes.js'
import type { Queue } from './queue.js'
import { settableAttributes } from './settable-attributes.js'
import type { SqsStore } from './store.js'

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/

export function createQueue(
  store: SqsStore,
  ctx: RequestContext,
  input: Record<string, unknown>
): unknown {
  const { clock, queues } = store
  const name = requiredString(input, 'QueueName')
  const attributes = settableAttributes(store, input, 'Attributes')
  const fifoName = name.endsWith('.fifo')
  const base = fifoName ? name.slice(0, -'.fifo'.length) : name
  if (!QUEUE_NAME.test(base) || name.length > 80) {
    throw invalid(
      'QueueName',
      name,
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.'
    )
  }
  if (fifoName !== (attributes.FifoQueue === 'true')) {
    throw invalid(
      'QueueName',
      name,
      'The name of a FIFO queue must end with .fifo and it needs the attribute FifoQueue=true.'
    )
  }
  const existing = queues.get(name)
  if (existing) {
    const differing = Object.entries(attributes).find(([k, v]) => existing.attributes[k] !== v)
    if (differing) {
      throw new AwsError(
        'QueueAlreadyExists',
        `A queue already exists with the same name and a different value for attribute ${differing[0]}`
      )
    }
    existing.lastActivityAt = clock.now()
    return { QueueUrl: existing.url }
  }
  const now = clock.now()
  const host = store.deps.endpoint?.() ?? `https://sqs.${ctx.region}.amazonaws.com`
  const tags = input.tags
  queues.set(name, {
    name,
    url: `${host.replace(/\/+$/, '')}/${SIM_ACCOUNT_ID}/${name}`,
    arn: `arn:aws:sqs:${ctx.region}:${SIM_ACCOUNT_ID}:${name}`,
    createdAt: now,
    modifiedAt: now,
    lastActivityAt: now,
    attributes: { ...defaults(), ...attributes },
    tags: tags !== null && typeof tags === 'object' ? { ...(tags as Record<string, string>) } : {},
    messages: [],
    dedup: new Map()
  })
  return { QueueUrl: (queues.get(name) as Queue).url }
}

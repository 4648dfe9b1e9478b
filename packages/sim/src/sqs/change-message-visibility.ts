import { AwsError } from '../contract.js'
import { missing, optionalNumber } from '../cloudwatch/params.js'
import { messageByHandle } from './message-by-handle.js'
import { clockMs } from './queue.js'
import { queueByUrl, type SqsStore } from './store.js'

export function changeMessageVisibility(store: SqsStore, input: Record<string, unknown>): unknown {
  const queue = queueByUrl(store, input)
  const { message } = messageByHandle(queue, input)
  const timeout = optionalNumber(input, 'VisibilityTimeout', {
    min: 0,
    max: 43200,
    integer: true
  })
  if (timeout === undefined) throw missing('VisibilityTimeout')
  const now = store.clock.now()
  if (!message || message.visibleAt <= now || message.delayed) {
    throw new AwsError(
      'AWS.SimpleQueueService.MessageNotInflight',
      'The message referred to is not in flight.'
    )
  }
  message.visibleAt = now + clockMs(store.clock, timeout)
  return {}
}

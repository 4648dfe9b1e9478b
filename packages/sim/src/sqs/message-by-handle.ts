import { AwsError } from '../contract.js'
import { requiredString } from '../cloudwatch/params.js'
import { parseReceiptHandle, type Queue, type StoredMessage } from './queue.js'

/** The message a ReceiptHandle names; undefined once it was deleted. */
export function messageByHandle(
  queue: Queue,
  input: Record<string, unknown>
): { handle: string; message: StoredMessage | undefined } {
  const handle = requiredString(input, 'ReceiptHandle')
  const parsed = parseReceiptHandle(handle)
  if (!parsed || parsed.queue !== queue.name) {
    throw new AwsError(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle}" is not valid.`
    )
  }
  return { handle, message: queue.messages.find(m => m.id === parsed.messageId) }
}

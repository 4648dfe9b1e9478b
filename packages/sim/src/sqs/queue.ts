import { createHash, randomUUID } from 'node:crypto'
import type { SimClock } from '../contract.js'

/**
 * One queue's messages. Durations (delay, visibility, retention) are sim seconds, so they are
 * scaled to real time; timestamps stay wall-clock like every timestamp the sim reports.
 */

export interface StoredMessage {
  id: string
  body: string
  md5: string
  sentAt: number
  /** Wall-clock ms before which the message cannot be received (delay or visibility). */
  visibleAt: number
  /** Whether `visibleAt` comes from a delay (never received yet) rather than a receive. */
  delayed: boolean
  receiveCount: number
  firstReceiveAt?: number
  groupId?: string
  deduplicationId?: string
  sequenceNumber?: string
  /** The receipt handle of the latest receive; older ones may still delete the message. */
  handles: Set<string>
}

export interface Queue {
  name: string
  url: string
  arn: string
  createdAt: number
  modifiedAt: number
  attributes: Record<string, string>
  tags: Record<string, string>
  messages: StoredMessage[]
  /** FIFO deduplication ids seen in the last five sim minutes: id → [messageId, seenAt]. */
  dedup: Map<string, [string, number]>
}

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex')

export function realMs(clock: SimClock, simSeconds: number): number {
  return (simSeconds * 1000) / clock.scale
}

export function isFifo(queue: Queue): boolean {
  return queue.attributes.FifoQueue === 'true'
}

/** Drops messages past the retention period (AWS deletes them silently). */
export function expire(queue: Queue, clock: SimClock): void {
  const retention = realMs(clock, Number(queue.attributes.MessageRetentionPeriod))
  const now = clock.now()
  queue.messages = queue.messages.filter(m => now - m.sentAt < retention)
}

export interface Counts {
  visible: number
  inFlight: number
  delayed: number
}

export function counts(queue: Queue, clock: SimClock): Counts {
  expire(queue, clock)
  const now = clock.now()
  const result: Counts = { visible: 0, inFlight: 0, delayed: 0 }
  for (const m of queue.messages) {
    if (m.visibleAt <= now) result.visible++
    else if (m.delayed) result.delayed++
    else result.inFlight++
  }
  return result
}

export function newMessage(
  clock: SimClock,
  body: string,
  delaySeconds: number,
  extra: Pick<StoredMessage, 'groupId' | 'deduplicationId' | 'sequenceNumber'> = {}
): StoredMessage {
  const now = clock.now()
  return {
    id: randomUUID(),
    body,
    md5: md5Hex(body),
    sentAt: now,
    visibleAt: now + realMs(clock, delaySeconds),
    delayed: delaySeconds > 0,
    receiveCount: 0,
    handles: new Set(),
    ...extra
  }
}

/** A receipt handle names the queue and message so a handle from another queue is refused. */
export function newReceiptHandle(queue: Queue, message: StoredMessage): string {
  return Buffer.from(`${queue.name}\n${message.id}\n${randomUUID()}`).toString('base64')
}

export function parseReceiptHandle(
  handle: string
): { queue: string; messageId: string } | undefined {
  const parts = Buffer.from(handle, 'base64').toString('utf8').split('\n')
  if (parts.length !== 3 || parts.some(p => p === '')) return undefined
  return { queue: parts[0] as string, messageId: parts[1] as string }
}

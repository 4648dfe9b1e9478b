import { createHash, randomUUID } from 'node:crypto'
import { simMsPerClockMs } from '../clock.js'
import type { QueueMetricsSample, SimClock } from '../contract.js'

/**
 * One queue's messages. Durations (delay, visibility, retention) are sim seconds; timestamps are
 * the clock's (wall-clock, or virtual sim time), so a duration is converted into clock
 * milliseconds before it is added to one.
 */

export interface StoredMessage {
  id: string
  body: string
  md5: string
  sentAt: number
  /** When it entered this queue: `sentAt`, or when it was moved to the dead-letter queue. */
  enqueuedAt: number
  /** When its delay ended (or ends): it was delayed before this, whatever happened since. */
  availableAt: number
  /** Wall-clock ms before which the message cannot be received (delay or visibility). */
  visibleAt: number
  /** Whether `visibleAt` comes from a delay (never received yet) rather than a receive. */
  delayed: boolean
  receiveCount: number
  firstReceiveAt?: number
  /** The latest receive; it has been in flight from then until `visibleAt`. */
  lastReceiveAt?: number
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
  /** The latest API action on the queue (CloudWatch metrics stop six idle hours later). */
  lastActivityAt: number
  attributes: Record<string, string>
  tags: Record<string, string>
  messages: StoredMessage[]
  /** FIFO deduplication ids seen in the last five sim minutes: id → [messageId, seenAt]. */
  dedup: Map<string, [string, number]>
}

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex')

/** A sim duration as a difference of `clock.now()` values. */
export function clockMs(clock: SimClock, simSeconds: number): number {
  return (simSeconds * 1000) / simMsPerClockMs(clock)
}

export function isFifo(queue: Queue): boolean {
  return queue.attributes.FifoQueue === 'true'
}

/** Drops messages past the retention period (AWS deletes them silently). */
export function expire(queue: Queue, clock: SimClock): void {
  const retention = clockMs(clock, Number(queue.attributes.MessageRetentionPeriod))
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

/** A standard queue leaves a message received this often out of its age metric (poison pill). */
const POISON_PILL_RECEIVES = 3
/** CloudWatch counts a queue active while it holds messages or for six hours after an action. */
const ACTIVE_AFTER_ACTION_S = 6 * 3600

/**
 * The AWS/SQS metrics of a queue as of `at` (wall-clock ms, not after now), rebuilt from the
 * messages it holds now: a message deleted since is missing from earlier samples too.
 * ApproximateAgeOfOldestMessage counts from when a message entered this queue (a dead-letter
 * queue restarts the age), leaves out messages still delayed and, for standard queues, messages
 * received three times or more; it is 0 when no message counts.
 */
export function metricsSample(queue: Queue, at: number, clock: SimClock): QueueMetricsSample {
  const available = queue.messages.filter(m => m.enqueuedAt <= at && m.availableAt <= at)
  const inFlight = (m: StoredMessage) =>
    m.lastReceiveAt !== undefined && m.lastReceiveAt <= at && at < m.visibleAt
  const counted = isFifo(queue)
    ? available
    : available.filter(m => m.receiveCount < POISON_PILL_RECEIVES)
  const oldest = counted.reduce((min, m) => Math.min(min, m.enqueuedAt), at)
  return {
    oldestMessageAgeMs: (at - oldest) * simMsPerClockMs(clock),
    visibleMessages: available.filter(m => !inFlight(m)).length
  }
}

/** Whether SQS was publishing metrics for the queue at `at` (it holds messages, or was used). */
export function isActive(queue: Queue, at: number, clock: SimClock): boolean {
  return (
    queue.messages.some(m => m.enqueuedAt <= at) ||
    at - queue.lastActivityAt <= clockMs(clock, ACTIVE_AFTER_ACTION_S)
  )
}

export function newMessage(
  clock: SimClock,
  body: string,
  delaySeconds: number,
  extra: Pick<StoredMessage, 'groupId' | 'deduplicationId' | 'sequenceNumber'> = {}
): StoredMessage {
  const now = clock.now()
  const availableAt = now + clockMs(clock, delaySeconds)
  return {
    id: randomUUID(),
    body,
    md5: md5Hex(body),
    sentAt: now,
    enqueuedAt: now,
    availableAt,
    visibleAt: availableAt,
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

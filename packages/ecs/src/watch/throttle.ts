import { errorMessage, formatDuration, type Logger } from '@fargate-promote/common'

/** Longest wait between polls while AWS throttles us. */
export const MAX_THROTTLED_WAIT_MS = 60_000

// ECS answers `ThrottlingException` (no modelled class: ECSServiceException with that name);
// ELBv2 answers the query code `Throttling`. The SDK has already retried before we see it.
const THROTTLING_NAMES = new Set(['ThrottlingException', 'Throttling'])

export function isThrottlingError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const name = (error as { name?: unknown }).name
  return typeof name === 'string' && THROTTLING_NAMES.has(name)
}

/**
 * The wait between polls: the fixed interval, doubled (up to 60 s) for every poll that AWS
 * throttled, and back to the fixed interval after the next poll that went through. Polling
 * never slows down for any other reason: a broken release must be noticed when ECS knows.
 */
export class PollPacer {
  private wait: number
  private throttledPolls = 0

  constructor(
    private readonly intervalMs: number,
    private readonly log: Logger
  ) {
    this.wait = intervalMs
  }

  get waitMs(): number {
    return this.wait
  }

  get throttled(): boolean {
    return this.throttledPolls > 0
  }

  onThrottled(operation: string, error: unknown): void {
    this.throttledPolls += 1
    this.wait = Math.min(MAX_THROTTLED_WAIT_MS, Math.max(this.wait, this.intervalMs) * 2)
    const message = `AWS is throttling ${operation} (${errorMessage(error)}); waiting ${formatDuration(this.wait)} between polls until it recovers`
    // Once per throttling episode as a warning; the following doublings only as debug.
    if (this.throttledPolls === 1) this.log.warning(message)
    else this.log.debug(message)
  }

  onSuccess(): void {
    if (this.throttledPolls > 0) {
      this.log.info(
        `AWS stopped throttling; polling every ${formatDuration(this.intervalMs)} again`
      )
    }
    this.throttledPolls = 0
    this.wait = this.intervalMs
  }
}

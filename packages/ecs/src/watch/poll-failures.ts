import { errorMessage, formatDuration, type Clock, type Logger } from '@fargate-promote/common'
import { isServerError, isTransientError } from '@smithy/core/retry'
import { isThrottlingError, PollPacer } from './throttle.js'

/** Longest wait between polls while AWS fails with errors that heal (5xx, resets, timeouts). */
export const MAX_FAILING_WAIT_MS = 30_000

/**
 * What a failed AWS call means for a poll loop. `throttled` and `transient` heal (the SDK's own
 * classification: 5xx, connection resets and timeouts, throttling); `permanent` does not
 * (access denied, validation, a missing service or cluster, no credentials).
 */
export type AwsFailure = 'throttled' | 'transient' | 'permanent'

type SdkError = Parameters<typeof isTransientError>[0]

/**
 * Node's network errors by their code in the message: a socket error can reach us wrapped
 * without its `code` (the SDK's handler rejects with the message text in some realms, e.g. a
 * VM context), and a refused or reset connection heals all the same.
 */
const NETWORK_ERROR = /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN|socket hang up)\b/

export function classifyAwsError(error: unknown): AwsFailure {
  if (isThrottlingError(error)) return 'throttled'
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkError
  // An answer from AWS is no network failure, whatever its message quotes (a role named …-ETIMEDOUT).
  const answered = sdk.$metadata?.httpStatusCode !== undefined
  if (!answered && NETWORK_ERROR.test(errorMessage(error))) return 'transient'
  if (typeof error !== 'object' || error === null) return 'permanent'
  if (sdk.$metadata?.httpStatusCode === 429 || sdk.$retryable?.throttling === true) {
    return 'throttled'
  }
  return isTransientError(sdk) || isServerError(sdk) ? 'transient' : 'permanent'
}

/**
 * The one rule of every poll loop that waits on AWS until a deadline (the rollout watch, the
 * following of a progressive deployment, the pre-deploy task): an AWS outage shorter than the
 * time left never ends the wait, because ECS goes on without us and a step that gave up early
 * can neither report nor roll back what ECS then did. Errors that heal keep the loop polling,
 * backing off (throttling: PollPacer, up to 60 s; other errors up to 30 s) until the deadline;
 * errors that will not heal end it at once, with that error.
 */
export class PollFailures {
  private readonly pacer: PollPacer
  private failingSince: number | undefined
  private lastError = ''
  private transientPolls = 0

  constructor(
    private readonly deps: { clock: Clock; log: Logger },
    private readonly settings: {
      intervalMs: number
      deadline: number
      /** What goes on while AWS fails: `still watching`. */
      doing: string
    }
  ) {
    this.pacer = new PollPacer(settings.intervalMs, deps.log)
  }

  /** The wait before the next poll (never cut to the deadline here: the loop does that). */
  get waitMs(): number {
    if (this.transientPolls === 0) return this.pacer.waitMs
    const backoff = Math.min(
      MAX_FAILING_WAIT_MS,
      this.settings.intervalMs * 2 ** (this.transientPolls - 1)
    )
    return Math.max(this.pacer.waitMs, this.settings.intervalMs, backoff)
  }

  /**
   * A poll failed: `what` names the call (`AWS DescribeServices`). False when the error will not
   * heal, and the caller ends with it; true when the loop goes on polling.
   */
  failed(what: string, error: unknown): boolean {
    const kind = classifyAwsError(error)
    if (kind === 'permanent') return false
    const now = this.deps.clock.now()
    this.failingSince ??= now
    this.lastError = `${what}: ${errorMessage(error)}`
    if (kind === 'throttled') {
      this.pacer.onThrottled(what.replace(/^AWS /, ''), error)
      return true
    }
    this.transientPolls += 1
    const left = formatDuration(Math.max(0, this.settings.deadline - now))
    this.deps.log.warning(
      `${what} failed (${errorMessage(error)}); ${this.settings.doing}, deadline in ${left}`
    )
    return true
  }

  /** A poll went through: back to the fixed interval. */
  succeeded(): void {
    if (this.transientPolls > 0 && this.failingSince !== undefined) {
      const failing = formatDuration(this.deps.clock.now() - this.failingSince)
      this.deps.log.info(`AWS answers again after failing for ${failing}`)
    }
    this.pacer.onSuccess()
    this.failingSince = undefined
    this.transientPolls = 0
  }

  /** While AWS is failing: for how long, and its last error; undefined when the last poll went through. */
  outage(): string | undefined {
    if (this.failingSince === undefined) return undefined
    const failing = formatDuration(this.deps.clock.now() - this.failingSince)
    return `AWS had been failing for ${failing}; last error: ${this.lastError}`
  }
}

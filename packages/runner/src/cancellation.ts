/** What a step holds while it may be cancelled. */
export interface Cancellation {
  /** Aborted on the first SIGINT or SIGTERM. */
  signal: AbortSignal
  /** Stops listening for the signals. */
  dispose(): void
}

/**
 * The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then kills the process
 * tree 2.5 s after that. Turning the signals into an AbortSignal lets the step stop waiting and
 * report what it knows inside that window, instead of dying mid-sentence.
 */
export function watchCancellation(): Cancellation {
  const controller = new AbortController()
  const abort = (): void => controller.abort()
  process.on('SIGINT', abort)
  process.on('SIGTERM', abort)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', abort)
      process.off('SIGTERM', abort)
    }
  }
}

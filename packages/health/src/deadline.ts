/**
 * One probe's deadline: a signal that aborts after `timeoutMs` or when the run is cancelled,
 * and which of the two it was (a timeout is a failed check, a cancellation is no verdict).
 * `dispose` clears the timer and the listener once the probe is done.
 */
export interface ProbeDeadline {
  signal: AbortSignal
  timedOut(): boolean
  dispose(): void
}

export function probeDeadline(timeoutMs: number, cancel?: AbortSignal): ProbeDeadline {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  const abort = () => controller.abort()
  cancel?.addEventListener('abort', abort, { once: true })
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose() {
      clearTimeout(timer)
      cancel?.removeEventListener('abort', abort)
    }
  }
}

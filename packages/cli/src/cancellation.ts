/**
 * What the bin needs to turn the process's stop signals into the AbortSignal of CliIo: the
 * first SIGINT or SIGTERM aborts (the command stops waiting, reports, and a cancelled deploy is
 * rolled back); a second one ends the process at once, as a person pressing Ctrl-C twice means.
 * The process is handed in: nothing here reads process state on import, and tests pass a fake.
 */

/** The part of `process` this needs. */
export interface SignalSource {
  on(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown
  off(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown
  exit(code: number): never
}

export interface ProcessCancellation {
  signal: AbortSignal
  /** Removes the listeners (the command is over). */
  dispose(): void
}

/** 128 + the signal's number, as a shell reports a process its signal ended. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 }

export function processCancellation(source: SignalSource): ProcessCancellation {
  const controller = new AbortController()
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) source.exit(SIGNAL_EXIT[name] ?? 130)
    controller.abort(new Error(`${name} received`))
  }
  source.on('SIGINT', onSignal)
  source.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose() {
      source.off('SIGINT', onSignal)
      source.off('SIGTERM', onSignal)
    }
  }
}

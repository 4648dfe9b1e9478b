import { interruptibleSleep, type Clock } from './clock.js'
import { formatDuration } from './duration.js'
import type { Logger } from './logger.js'

/**
 * A long wait says what it waits for at least this often, even when nothing changed, so a person
 * watching the log can tell a healthy wait from a hang.
 */
export const HEARTBEAT_INTERVAL_MS = 30_000

/** One wait, as its heartbeat lines tell it. */
export interface WaitDescription {
  /** What is awaited, the start of each line: `Waiting for the rollout of web in cluster prod`. */
  what: string
  /** Epoch milliseconds the wait started at (default: now). */
  startedAt?: number
  /** Epoch milliseconds at which the wait gives up; without it a line says no time left. */
  deadline?: number
  /** The latest state, read for each line: `web: IN_PROGRESS 1/2 running`. */
  state?: () => string | undefined
}

/** A wait begun on a heartbeat: its lines stop when it ends. */
export interface WaitHandle {
  end(): void
}

export interface HeartbeatOptions {
  /** The clock the waits sleep on; the heartbeat keeps its time and runs no timer of its own. */
  clock: Clock
  /** Writes one line (the logger, or a front end's own presentation of it). */
  write: (line: string) => void
  /** At most this long between two lines while waiting; default HEARTBEAT_INTERVAL_MS. */
  intervalMs?: number
}

interface ActiveWait {
  what: string
  startedAt: number
  deadline: number | undefined
  state: (() => string | undefined) | undefined
}

const HEARTBEAT = Symbol('fargate-promote heartbeat')

/**
 * The heartbeat of long waits: while a wait is under way, a line every `intervalMs` of the clock
 * with what it waits for, the time elapsed, the time left and its latest state, whether or not
 * anything changed. The lines keep a fixed pace from the start of the wait: what the waiting
 * code logs when something changes neither delays nor adds to them, so a busy wait gets its
 * elapsed/left line every interval and a quiet one is never silent longer than that.
 *
 * `clock` wraps the given clock so that a sleep crossing a heartbeat is cut there and the line
 * written: a fake clock sees exactly the lines a real run would. A step that waits on no clock
 * (one long request) gets its line when it ends. Waits begun on a clock that already is a
 * heartbeat's (a front end that shows its own) are shown by that heartbeat instead: the newest
 * wait under way is the one the lines tell, and there is never more than one line per interval.
 */
export class Heartbeat {
  readonly clock: Clock
  private readonly waits: ActiveWait[] = []
  private readonly intervalMs: number
  private lastBeat: number

  constructor(private readonly options: HeartbeatOptions) {
    this.intervalMs = Math.max(1, options.intervalMs ?? HEARTBEAT_INTERVAL_MS)
    this.lastBeat = options.clock.now()
    this.clock = this.heartbeatClock(options.clock)
  }

  /** The heartbeat whose clock this is, if it is one. */
  static of(clock: Clock): Heartbeat | undefined {
    return (clock as Clock & { [HEARTBEAT]?: Heartbeat })[HEARTBEAT]
  }

  /** A wait starts; the first line comes one interval after it when no other wait was under way. */
  begin(wait: WaitDescription): WaitHandle {
    const now = this.options.clock.now()
    if (this.waits.length === 0) this.lastBeat = now
    const active: ActiveWait = {
      what: wait.what,
      startedAt: wait.startedAt ?? now,
      deadline: wait.deadline,
      state: wait.state
    }
    this.waits.push(active)
    return {
      end: () => {
        const index = this.waits.indexOf(active)
        if (index >= 0) this.waits.splice(index, 1)
      }
    }
  }

  get waiting(): boolean {
    return this.waits.length > 0
  }

  /** `Waiting for web: 3m 30s elapsed, 6m 30s left — web: IN_PROGRESS 1/2 running`. */
  text(): string | undefined {
    const wait = this.waits.at(-1)
    if (wait === undefined) return undefined
    const now = this.options.clock.now()
    const parts = [`${formatDuration(now - wait.startedAt)} elapsed`]
    if (wait.deadline !== undefined) {
      parts.push(`${formatDuration(Math.max(0, wait.deadline - now))} left`)
    }
    const state = wait.state?.()?.trim()
    return `${wait.what}: ${parts.join(', ')}${state ? ` — ${state}` : ''}`
  }

  /** Writes the line of the newest wait (nothing outside a wait) and starts the next interval. */
  beat(): void {
    this.lastBeat = this.options.clock.now()
    const text = this.text()
    if (text !== undefined) this.options.write(text)
  }

  private beatIfDue(): void {
    if (this.options.clock.now() - this.lastBeat >= this.intervalMs) this.beat()
  }

  private heartbeatClock(inner: Clock): Clock {
    const clock: Clock & { [HEARTBEAT]: Heartbeat } = {
      [HEARTBEAT]: this,
      now: () => inner.now(),
      sleep: async (ms, signal) => {
        // A cancelled wait writes no more lines: the signal is read again after every sleep.
        const cancelled = () => signal?.aborted === true
        if (cancelled()) return
        this.beatIfDue()
        let left = Math.max(0, ms)
        while (left > 0) {
          const untilBeat = Math.max(0, this.lastBeat + this.intervalMs - inner.now())
          if (left < untilBeat) return inner.sleep(left, signal)
          await inner.sleep(untilBeat, signal)
          left -= untilBeat
          if (cancelled()) return
          this.beatIfDue()
        }
      }
    }
    return clock
  }
}

/** A wait under way: sleep through `sleep` so its heartbeat lines come; `end` when it is over. */
export interface Waiting extends WaitHandle {
  /** `clock.sleep(ms)` that writes the heartbeat when due and ends as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/**
 * The heartbeat of one wait of library code: its lines go to `log.info` every `intervalMs`
 * (HEARTBEAT_INTERVAL_MS), or, when `clock` already is a heartbeat's (the CLI shows its own), to
 * that heartbeat, which tells this wait while it lasts.
 */
export function startWaiting(
  deps: { clock: Clock; log: Logger },
  wait: WaitDescription,
  intervalMs?: number
): Waiting {
  const heartbeat =
    Heartbeat.of(deps.clock) ??
    new Heartbeat({
      clock: deps.clock,
      write: line => deps.log.info(line),
      ...(intervalMs !== undefined && { intervalMs })
    })
  const handle = heartbeat.begin(wait)
  return {
    sleep: (ms, signal) => interruptibleSleep(heartbeat.clock, ms, signal),
    end: () => handle.end()
  }
}

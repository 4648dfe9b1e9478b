import type { WriteStream } from 'node:tty'
import { formatDuration, type Clock, type Logger } from '@fargate-promote/common'
import yoctoSpinner, { type Spinner } from 'yocto-spinner'
import type { CliIo } from './io.js'
import { printable, printableLines } from './text.js'
import type { Colors } from './ui.js'

const plain = (text: string) => text

/** A long wait says what it waits for at least this often, even when nothing changed. */
export const HEARTBEAT_MS = 15_000

export interface ProgressOptions {
  io: CliIo
  /** Colours for stderr. */
  colors: Colors
  /** The clock the use case waits with; the heartbeat keeps its time. */
  clock: Clock
  /** A spinner (an interactive terminal) instead of heartbeat lines. */
  spinner: boolean
  /** Secret values replaced before anything is written. */
  redact?: (text: string) => string
  /** Debug lines of the use cases too. */
  verbose?: boolean
}

/** A terminal stream, as the spinner needs it to redraw its line. */
function isTerminal(stream: CliIo['stderr']): boolean {
  return typeof (stream as Partial<WriteStream>).cursorTo === 'function'
}

/**
 * Progress of one long command on stderr: the use case's log lines as they come, and, while it
 * waits, a heartbeat with what it waits for, the time elapsed and the time left — a line every
 * HEARTBEAT_MS when piped, a spinner's text on a terminal.
 *
 * The heartbeat keeps the injected clock's time: `clock` wraps the use case's clock so that a
 * sleep crossing a heartbeat is cut there and the line written, so a test with a fake clock sees
 * exactly the lines a real run would, and no timer of its own runs. A step that waits on no
 * clock (one long HTTP request) gets its heartbeat when it ends.
 */
export class Progress {
  readonly log: Logger
  readonly clock: Clock
  private what = ''
  private latest = ''
  private startedAt = 0
  private deadline: number | undefined
  private lastBeat = 0
  private waiting = false
  private spinner: Spinner | undefined

  constructor(private readonly options: ProgressOptions) {
    this.log = this.logger()
    this.clock = this.heartbeatClock(options.clock)
  }

  /** The wait starts: what it is for, and how long it may take at most. */
  begin(what: string, budgetMs: number | undefined): void {
    this.what = what
    this.latest = ''
    this.startedAt = this.options.clock.now()
    this.lastBeat = this.startedAt
    this.deadline = budgetMs === undefined ? undefined : this.startedAt + budgetMs
    this.waiting = true
    if (this.options.spinner && isTerminal(this.options.io.stderr)) {
      this.spinner = yoctoSpinner({
        text: this.heartbeatText(),
        stream: this.options.io.stderr,
        handleSignals: false
      }).start()
    }
  }

  /** The wait is over: the spinner goes, later lines are plain. */
  end(): void {
    this.waiting = false
    this.spinner?.stop()
    this.spinner = undefined
  }

  /** Untrusted text made safe to show: secrets replaced, every control character escaped. */
  safe(text: string): string {
    return printableLines(this.options.redact?.(text) ?? text)
  }

  /** Text from AWS, GitHub or a user, as a line on stderr; `style` colours the safe text. */
  write(text: string, style: (safe: string) => string = plain): void {
    this.options.io.stderr.write(`${style(this.safe(text))}\n`)
  }

  /** `deploy of web: 45s elapsed, 29m 15s left — web: 1 of 2 tasks running`. */
  heartbeatText(): string {
    const now = this.options.clock.now()
    const parts = [`${formatDuration(now - this.startedAt)} elapsed`]
    if (this.deadline !== undefined) {
      parts.push(`${formatDuration(Math.max(0, this.deadline - now))} left`)
    }
    const latest = this.latest === '' ? '' : ` — ${this.latest}`
    const text = `${this.what}: ${parts.join(', ')}${latest}`
    return printable(this.options.redact?.(text) ?? text)
  }

  /** Writes the heartbeat (or sets the spinner's text) and starts the next interval. */
  beat(): void {
    this.lastBeat = this.options.clock.now()
    if (!this.waiting) return
    const text = this.heartbeatText()
    if (this.spinner) this.spinner.text = text
    else this.options.io.stderr.write(`${this.options.colors.dim(`… ${text}`)}\n`)
  }

  private beatIfDue(): void {
    if (this.options.clock.now() - this.lastBeat >= HEARTBEAT_MS) this.beat()
  }

  private heartbeatClock(inner: Clock): Clock {
    return {
      now: () => inner.now(),
      sleep: async (ms, signal) => {
        this.beatIfDue()
        let left = Math.max(0, ms)
        while (left > 0 && signal?.aborted !== true) {
          const untilBeat = Math.max(0, this.lastBeat + HEARTBEAT_MS - inner.now())
          if (left < untilBeat) {
            await inner.sleep(left, signal)
            break
          }
          await inner.sleep(untilBeat, signal)
          left -= untilBeat
          this.beatIfDue()
        }
      }
    }
  }

  private logger(): Logger {
    const { colors, verbose } = this.options
    const remember = (message: string) => {
      this.latest = message.split('\n')[0]?.trim() ?? ''
    }
    return {
      info: message => {
        remember(message)
        this.write(message)
      },
      warning: message => {
        remember(message)
        this.write(message, safe => `${colors.yellow('warning:')} ${safe}`)
      },
      debug: message => {
        if (verbose) this.write(message, colors.dim)
      },
      group: async (title, fn) => {
        this.write(title, colors.bold)
        return fn()
      }
    }
  }
}

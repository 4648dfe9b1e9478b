import type { WriteStream } from 'node:tty'
import { Heartbeat, type Clock, type Logger, type WaitHandle } from '@fargate-promote/common'
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
 * The heartbeat is packages/common's, on the injected clock: `clock` cuts a sleep crossing a
 * heartbeat there and writes the line, so a test with a fake clock sees exactly the lines a real
 * run would, and no timer of its own runs. The use case's own waits (a rollout, a monitoring
 * window) begin on this heartbeat, which then tells that wait — what it waits for, its own
 * deadline and state — instead of writing lines of its own next to these.
 */
export class Progress {
  readonly log: Logger
  readonly clock: Clock
  private readonly heartbeat: Heartbeat
  private latest = ''
  private wait: WaitHandle | undefined
  private spinner: Spinner | undefined

  constructor(private readonly options: ProgressOptions) {
    this.log = this.logger()
    this.heartbeat = new Heartbeat({
      clock: options.clock,
      intervalMs: HEARTBEAT_MS,
      write: text => this.show(text)
    })
    this.clock = this.heartbeat.clock
  }

  /** The wait starts: what it is for, and how long it may take at most. */
  begin(what: string, budgetMs: number | undefined): void {
    this.wait?.end()
    this.latest = ''
    const startedAt = this.options.clock.now()
    this.wait = this.heartbeat.begin({
      what,
      startedAt,
      ...(budgetMs !== undefined && { deadline: startedAt + budgetMs }),
      state: () => this.latest
    })
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
    this.wait?.end()
    this.wait = undefined
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

  /** `deploy of web: 45s elapsed, 29m 15s left — web: 1 of 2 tasks running`; '' outside a wait. */
  heartbeatText(): string {
    return this.printable(this.heartbeat.text() ?? '')
  }

  /** Writes the heartbeat (or sets the spinner's text) and starts the next interval. */
  beat(): void {
    this.heartbeat.beat()
  }

  private printable(text: string): string {
    return printable(this.options.redact?.(text) ?? text)
  }

  private show(text: string): void {
    const safe = this.printable(text)
    if (this.spinner) this.spinner.text = safe
    else this.options.io.stderr.write(`${this.options.colors.dim(`… ${safe}`)}\n`)
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

/**
 * How library code talks to a person. The runner package implements it with the runner's log commands;
 * tests use MemoryLogger. Library code never writes to stdout directly.
 */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  /** Collapsible block in the log; resolves with what `fn` returns. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
}

export interface LogLine {
  level: 'info' | 'warning' | 'debug' | 'group'
  message: string
}

export class MemoryLogger implements Logger {
  readonly lines: LogLine[] = []

  info(message: string): void {
    this.lines.push({ level: 'info', message })
  }

  warning(message: string): void {
    this.lines.push({ level: 'warning', message })
  }

  debug(message: string): void {
    this.lines.push({ level: 'debug', message })
  }

  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push({ level: 'group', message: title })
    return fn()
  }

  /** Every message, one per line, for assertions. */
  text(): string {
    return this.lines.map(line => line.message).join('\n')
  }
}

export const silentLogger: Logger = {
  info: () => undefined,
  warning: () => undefined,
  debug: () => undefined,
  group: (_title, fn) => fn()
}

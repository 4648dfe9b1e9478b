import {
  combineProblems,
  ConfigurationError,
  configurationProblems,
  MissingSettingError
} from '../errors.js'

/** What a read that failed gives instead of a value: its problem is kept by SettingProblems. */
export const NOT_READ: unique symbol = Symbol('not read')

/** A value, or NOT_READ when reading it found a problem. */
export type Reading<T> = T | typeof NOT_READ

export function isRead<T>(value: Reading<T>): value is T {
  return value !== NOT_READ
}

/** The values of a record of readings, every one of them read. */
export type ReadValues<R> = { [K in keyof R]: Exclude<R[K], typeof NOT_READ> }

/**
 * Reads a step's settings and keeps every problem it finds, so one run reports them all instead
 * of the first (fix one, run again, meet the next). Each read is independent: one that needs
 * another's value checks it with isRead and skips what it cannot check. Only ConfigurationErrors
 * are kept; anything else is a defect and propagates at once.
 */
export class SettingProblems {
  private readonly found: ConfigurationError[] = []
  private readonly excused = new Set<string>()

  /** `read()`'s value, or NOT_READ with its ConfigurationError kept. */
  read<T>(read: () => T): Reading<T> {
    try {
      return read()
    } catch (error) {
      return this.keep(error)
    }
  }

  /** As read, for a read that awaits (a file, a schema). */
  async readAsync<T>(read: () => Promise<T>): Promise<Reading<T>> {
    try {
      return await read()
    } catch (error) {
      return this.keep(error)
    }
  }

  add(error: ConfigurationError): void {
    this.found.push(...configurationProblems(error))
  }

  /**
   * Settings whose absence is not reported: those a config file would have given when the file
   * itself could not be read (its own problem is reported instead).
   */
  excuseMissing(names: Iterable<string>): void {
    for (const name of names) this.excused.add(name)
  }

  /** The problems found so far, in the order found, without the excused ones. */
  get problems(): readonly ConfigurationError[] {
    return this.found.filter(
      error => !(error instanceof MissingSettingError && this.excused.has(error.missing))
    )
  }

  /** Throws the one problem found, or a ConfigurationErrors listing them all. */
  throwIfAny(): void {
    // Were every problem excused (none is: the config file's own problem never is), all count.
    const problem = combineProblems(this.problems) ?? combineProblems(this.found)
    if (problem !== undefined) throw problem
  }

  /** `values`, when every setting was read; otherwise throws every problem found. */
  finish<const R extends Record<string, unknown>>(values: R): ReadValues<R> {
    this.throwIfAny()
    return values as ReadValues<R>
  }

  private keep(error: unknown): typeof NOT_READ {
    if (!(error instanceof ConfigurationError)) throw error
    this.add(error)
    return NOT_READ
  }
}

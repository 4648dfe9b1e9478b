import { parseDuration } from '@fargate-promote/common'
import { z } from 'zod'
import { quote } from '../quote.js'

/*
 * Field types the check types share. Every message is the problem alone: the file, line and
 * field are added by common's checkAgainstSchema.
 */

/** Left out, or written without a value. */
export const isAbsent = (input: unknown) => input === undefined || input === null

/** Adds a problem to a transform's issues; the transform then returns z.NEVER. */
export function fail(
  ctx: z.core.$RefinementCtx,
  input: unknown,
  message: string,
  path: PropertyKey[] = []
): typeof z.NEVER {
  ctx.issues.push({ code: 'custom', message, input, path })
  return z.NEVER
}

/**
 * A field that may be left out, or written without a value (`timeout:` with the value
 * commented out): either way its default applies.
 */
export function optional<Schema extends z.ZodType>(schema: Schema) {
  return schema.nullish().transform(value => value ?? undefined)
}

/** Text a person typed, not blank: a string, or a number YAML read as one (`queue: 12345`). */
export function text(what: string) {
  const problem = (input: unknown) =>
    isAbsent(input) ? `missing. Give ${what}.` : `${quote(input)} is not a non-empty string.`
  return z
    .union([z.string(), z.number()], { error: issue => problem(issue.input) })
    .transform(String)
    .refine(value => value.trim() !== '', { error: issue => problem(issue.input) })
    .describe(`${what[0]?.toUpperCase() ?? ''}${what.slice(1)}.`)
}

const notDuration = (input: unknown) =>
  `${quote(String(input))} is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.`

/** `500ms`, `90s`, `10m`, `1h30m` in milliseconds. A bare number is refused: its unit is a guess. */
export const duration = z
  .string({ error: issue => notDuration(issue.input) })
  .transform((value, ctx) => {
    const ms = parseDuration(value)
    if (ms === undefined) return fail(ctx, value, notDuration(value))
    if (ms <= 0) return fail(ctx, value, `${quote(value)} must be longer than zero.`)
    return ms
  })
  .describe('A duration with a unit: 500ms, 90s, 10m, 1h or 1h30m.')

export const flag = z.boolean({ error: issue => `${quote(issue.input)} is not true or false.` })

/** A number within a range; `max` undefined for no upper bound. */
export function boundedNumber(min: number, max: number | undefined, integer: boolean) {
  const kind = integer ? 'a whole number' : 'a number'
  const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`
  const error = (issue: { input: unknown }) => `${quote(issue.input)} is not ${kind} ${range}.`
  const base = (integer ? z.int({ error }) : z.number({ error })).min(min, { error })
  return max === undefined ? base : base.max(max, { error })
}

/** The value of a header or an environment variable: YAML scalars, as text. */
export function scalarText(what: string) {
  return z
    .union([z.string(), z.number(), z.boolean()], {
      // The value is not quoted back: it may be a secret.
      error: issue => `the value of '${String(issue.path?.at(-1))}' must be a string.`
    })
    .transform(String)
    .describe(`The ${what}'s value.`)
}

/**
 * A mapping of names to scalar values (headers, environment variables). A name that does not
 * match `pattern` is refused with `nameProblem`'s words: the name is quoted, the value never is.
 */
export function namedValues(what: string, pattern: RegExp, nameProblem: (name: string) => string) {
  // The key's own message: common reports a record key's problem by its key schema's words.
  const name = z.string().regex(pattern, { error: issue => nameProblem(String(issue.input)) })
  return z.record(name, scalarText(what), {
    error: issue =>
      issue.code === 'invalid_type' ? `expected a mapping of ${what} name to value.` : undefined
  })
}

/**
 * One value or a list of them (`expect-status: 200`, `alarms: [a, b]`), typed for editors as
 * `entry` or a list of it; `read` checks each entry and names the first bad one in `problem`.
 */
export function oneOrList<Entry extends z.ZodType, T>(
  entry: Entry,
  options: {
    notEntry: (input: unknown) => string
    read: (entry: z.output<Entry>) => T | { problem: string }
    empty: string
  }
) {
  return z
    .union([entry, z.array(entry)], {
      error: issue => {
        const entries = Array.isArray(issue.input) ? (issue.input as unknown[]) : [issue.input]
        return options.notEntry(entries.find(item => !entry.safeParse(item).success))
      }
    })
    .transform((raw, ctx) => {
      const list = (Array.isArray(raw) ? raw : [raw]) as z.output<Entry>[]
      if (list.length === 0) return fail(ctx, raw, options.empty)
      const read: T[] = []
      for (const [index, item] of list.entries()) {
        const value = options.read(item)
        if (isProblem(value)) {
          return fail(ctx, item, value.problem, Array.isArray(raw) ? [index] : [])
        }
        read.push(value)
      }
      return read
    })
}

function isProblem(value: unknown): value is { problem: string } {
  return typeof value === 'object' && value !== null && 'problem' in value
}

/**
 * A check type's fields under its key (`http:`): a mapping with only the fields of that type.
 * Each type turns it into its spec with a transform.
 */
export function checkType<Shape extends z.ZodRawShape>(type: string, shape: Shape) {
  const allowed = Object.keys(shape).join(', ')
  return z.strictObject(shape, {
    error: issue =>
      issue.code === 'invalid_type'
        ? `expected a mapping of fields under '${type}:', got ${quote(issue.input)}. Allowed fields: ${allowed}.`
        : undefined
  })
}

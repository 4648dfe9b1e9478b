import type { z } from 'zod'
import { ConfigurationError, type ConfigurationSubject } from '../errors.js'
import { formatFieldPath, type PositionedText } from './yaml-positions.js'

/** One problem in a settings file, where an editor would show it. */
export interface SchemaProblem {
  file: string
  line: number
  column: number
  /** `environments.production.protection.wait-timer`; '' for the whole file. */
  field: string
  message: string
}

/**
 * Every problem of a settings file at once (fixing them one run at a time is slow); the
 * message lists them all, the subject names the first.
 */
export class SettingsFileError extends ConfigurationError {
  readonly problems: readonly SchemaProblem[]

  constructor(problems: readonly SchemaProblem[], subject: ConfigurationSubject) {
    const [first] = problems
    const lines = problems.map(p => `line ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.message}`)
    const problem =
      problems.length === 1 && first
        ? `${first.message}`
        : `${problems.length} problems:\n${lines.map(line => `  ${line}`).join('\n')}`
    super(
      problem,
      problems.length === 1 && first
        ? { ...subject, line: first.line, field: first.field || undefined }
        : subject
    )
    this.name = 'SettingsFileError'
    this.problems = problems
  }
}

export function isSettingsFileError(error: unknown): error is SettingsFileError {
  return error instanceof SettingsFileError
}

/** zod says "expected object, received undefined" for a missing key; a person says this. */
const errorMap: z.core.$ZodErrorMap = issue =>
  issue.code === 'invalid_type' && issue.input === undefined
    ? 'required, and missing here.'
    : undefined

function describe(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`
}

/**
 * The issues of the union member the value was meant for: a branch whose own type was wrong
 * (`expected string, received array`) was not meant, so the others' issues say what is wrong,
 * with their paths under the union's. Without that, a union says only "Invalid input".
 */
function unionIssues(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] | undefined {
  const meant = issue.errors.filter(
    branch => !branch.some(inner => inner.code === 'invalid_type' && inner.path.length === 0)
  )
  if (meant.length !== 1) return undefined
  return (meant[0] as z.core.$ZodIssue[]).map(inner => ({
    ...inner,
    path: [...issue.path, ...inner.path]
  }))
}

/** Issues with unions opened up (see unionIssues). */
function flatten(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap(issue => {
    // A union with a message of its own already says what is wrong; zod's default says nothing.
    if (issue.code !== 'invalid_union' || issue.message !== 'Invalid input') return [issue]
    const inner = unionIssues(issue)
    return inner === undefined ? [issue] : flatten(inner)
  })
}

function problemsOf(
  issues: readonly z.core.$ZodIssue[],
  positioned: PositionedText,
  file: string
): SchemaProblem[] {
  const problems = flatten(issues).flatMap((issue): SchemaProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map(key => {
        const path = [...issue.path, key]
        const { line, column } = positioned.locate(path, true)
        const message = `unknown key '${key}'. Check its spelling against the schema.`
        return { file, line, column, field: formatFieldPath(path), message }
      })
    }
    if (issue.code === 'invalid_key') {
      // A record's key (an environment name) is wrong: point at the key, say why.
      const { line, column } = positioned.locate(issue.path, true)
      const reason = issue.issues.map(inner => describe(inner.message)).join(' ')
      return [{ file, line, column, field: formatFieldPath(issue.path), message: reason }]
    }
    const { line, column } = positioned.locate(issue.path)
    return [
      { file, line, column, field: formatFieldPath(issue.path), message: describe(issue.message) }
    ]
  })
  return problems.sort((a, b) => a.line - b.line || a.column - b.column)
}

/**
 * The schema's output for a positioned text, or a SettingsFileError with the file, line and
 * field of every problem. `schema` is passed in, so this module never loads zod itself.
 */
export function checkAgainstSchema<Schema extends z.ZodType>(
  schema: Schema,
  positioned: PositionedText,
  subject: ConfigurationSubject & { file: string }
): z.output<Schema> {
  const result = schema.safeParse(positioned.data, { error: errorMap })
  if (result.success) return result.data
  throw new SettingsFileError(problemsOf(result.error.issues, positioned, subject.file), subject)
}

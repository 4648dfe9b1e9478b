import {
  ConfigurationError,
  checkAgainstSchema,
  isConfigurationError,
  isSettingsFileError,
  parsePositionedYaml,
  SettingsFileError,
  type ConfigurationSubject
} from '@fargate-promote/common'
import type { CheckSpec } from './types.js'

export interface ParseChecksOptions {
  /** Where the text came from: the setting (`checks`) and, for a file, its path. */
  subject: ConfigurationSubject
}

/**
 * The checks schema, loaded when checks are first parsed: like the YAML parser, the schema
 * library stays off an action's start-up (most runs of some actions parse no checks).
 */
export function loadChecksSchema(): Promise<typeof import('./schema/checks.js')> {
  return import('./schema/checks.js')
}

/**
 * common's position and schema helpers report on a file; checks written into a setting have
 * none, so their errors are raised again naming the setting alone (line and field kept).
 */
function withoutFile(error: ConfigurationError, subject: ConfigurationSubject): ConfigurationError {
  if (isSettingsFileError(error)) return new SettingsFileError(error.problems, subject)
  const { file: _file, ...rest } = error.subject
  return new ConfigurationError(error.problem, rest)
}

/**
 * Parses the `checks` YAML (or JSON): a list of `{ name, <type>: { fields } }`, see
 * schema/checks.ts. Every problem of the text is reported at once, as a ConfigurationError
 * (a SettingsFileError for schema problems) naming the source, line and field, before any
 * probe runs.
 */
export async function parseChecks(text: string, options: ParseChecksOptions): Promise<CheckSpec[]> {
  const { subject } = options
  const placed = { ...subject, file: subject.file ?? '' }
  try {
    const [{ ChecksSchema }, positioned] = await Promise.all([
      loadChecksSchema(),
      parsePositionedYaml(text, placed)
    ])
    return checkAgainstSchema(ChecksSchema, positioned, placed)
  } catch (error) {
    if (subject.file !== undefined || !isConfigurationError(error)) throw error
    throw withoutFile(error, subject)
  }
}

import {
  ConfigurationError,
  errorMessage,
  type ConfigurationSubject,
  loadYaml,
  readSettingFile,
  type FileRoots
} from '@fargate-promote/common'
import { parseChecks } from './parse-checks.js'
import type { CheckSpec } from './types.js'

/** A `checks` value that is a single line ending in one of these names a file. */
export const CHECKS_FILE = /^[^\r\n]*\.(ya?ml|json)$/i

export interface ChecksSourceOptions {
  /** What the user wrote: inline YAML, or the path of a .yml/.yaml/.json file. */
  text: string
  /** Where a checks file may be: the workspace (relative paths resolve there) or RUNNER_TEMP. */
  roots: FileRoots
  /** The setting the value came from, e.g. `checks`. */
  input: string
  /**
   * Where the value was written when that is not the input itself: a config file's line and
   * field. A checks file it names that cannot be read (outside the workspace, through a symlink,
   * missing) is reported there, so the user is sent to the line to fix.
   */
  from?: ConfigurationSubject
}

/**
 * The one reader of a `checks` value, shared by every use case that takes checks: inline YAML,
 * or a file in the workspace (or the runner's temp directory). JSON is YAML too, so a .json file
 * goes through the same parser.
 */
export async function loadChecks(
  options: ChecksSourceOptions
): Promise<{ checks: CheckSpec[]; source: string }> {
  const subject = { input: options.input }
  const value = options.text.trim()
  if (!CHECKS_FILE.test(value)) {
    const source = `input '${options.input}'`
    return { checks: await parseChecks(options.text, { subject }), source }
  }
  const file = readSettingFile(value, options.roots, options.from ?? subject)
  if (/\.json$/i.test(value)) await requireJson(file.text, value, subject)
  return {
    checks: await parseChecks(file.text, { subject: { ...subject, file: value } }),
    source: `file ${value}`
  }
}

/**
 * A .json file must be JSON, and its mistakes are reported in JSON terms. JSON.parse's own
 * message does not give a line and column on every Node version; the YAML parser (JSON is a
 * subset of YAML's flow syntax) finds the same spot.
 */
async function requireJson(
  content: string,
  file: string,
  subject: ConfigurationSubject
): Promise<void> {
  try {
    JSON.parse(content)
  } catch (error) {
    const { parseDocument } = await loadYaml()
    const at = parseDocument(content).errors[0]?.linePos?.[0]
    const position = at ? ` at line ${at.line}, column ${at.col}` : ''
    throw new ConfigurationError(
      `'${file}' is not valid JSON${position}: ${errorMessage(error)}`,
      subject
    )
  }
}

import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { ConfigurationError, errorMessage } from '@fargate-promote/common'
import { parseDocument } from 'yaml'
import { parseChecks } from './config.js'
import type { CheckSpec } from './types.js'

/** A `checks` value that is a single line ending in one of these names a file. */
const CHECKS_FILE = /^[^\r\n]*\.(ya?ml|json)$/i

export interface ChecksSourceOptions {
  /** What the user wrote: inline YAML, or the path of a .yml/.yaml/.json file. */
  text: string
  /** Relative paths resolve against this (the workspace the adapter read). */
  baseDir: string
  /** How messages name the value, e.g. `Input 'checks'`. */
  what: string
}

/**
 * The one reader of a `checks` value, shared by every action that takes checks: inline YAML,
 * or a file in the repository. JSON is YAML too, so a .json file goes through the same parser.
 */
export function loadChecks(options: ChecksSourceOptions): { checks: CheckSpec[]; source: string } {
  const value = options.text.trim()
  if (!CHECKS_FILE.test(value)) {
    const source = options.what.charAt(0).toLowerCase() + options.what.slice(1)
    return { checks: parseChecks(options.text, { source: options.what }), source }
  }
  const path = isAbsolute(value) ? value : resolve(options.baseDir, value)
  let content: string
  try {
    content = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConfigurationError(
      `${options.what}: cannot read the checks file '${value}': ${errorMessage(error)}. Give a path relative to the workspace, or the checks as inline YAML.`
    )
  }
  if (/\.json$/i.test(value)) requireJson(content, value, options.what)
  return {
    checks: parseChecks(content, { source: `${options.what} file '${value}'` }),
    source: `file ${value}`
  }
}

/**
 * A .json file must be JSON, and its mistakes are reported in JSON terms. JSON.parse's own
 * message does not give a line and column on every Node version; the YAML parser (JSON is a
 * subset of YAML's flow syntax) finds the same spot.
 */
function requireJson(content: string, file: string, what: string): void {
  try {
    JSON.parse(content)
  } catch (error) {
    const at = parseDocument(content).errors[0]?.linePos?.[0]
    const position = at ? ` at line ${at.line}, column ${at.col}` : ''
    throw new ConfigurationError(
      `${what}: '${file}' is not valid JSON${position}: ${errorMessage(error)}`
    )
  }
}

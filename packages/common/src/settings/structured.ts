import { extname } from 'node:path'
import { ConfigurationError, errorMessage, type ConfigurationSubject } from '../errors.js'
import { readSettingFile, type FileRoots } from './files.js'
import { loadYaml } from './yaml.js'

type Format = 'JSON' | 'YAML'

function formatOf(fileName: string): Format | undefined {
  const extension = extname(fileName).toLowerCase()
  if (extension === '.json') return 'JSON'
  if (extension === '.yaml' || extension === '.yml') return 'YAML'
  return undefined
}

function unknownFormat(fileName: string): string {
  return `'${fileName}' must be a .json, .yaml or .yml file; the extension decides how it is read.`
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)))
  const lines = before.split('\n')
  return { line: lines.length, column: (lines[lines.length - 1] as string).length + 1 }
}

/** V8 shows this many characters either side of a bad token once the input is long enough. */
const V8_CONTEXT = 10
const UNEXPECTED_TOKEN =
  /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/

/**
 * Where JSON.parse gave up. Most V8 messages say `at position N`. "Unexpected token" messages
 * instead quote the input around the token: the whole input when it is short, else up to 10
 * characters either side with `...` where it was cut, which pins the position down.
 */
export function jsonErrorOffset(text: string, message: string): number {
  const position = /at position (\d+)/.exec(message)
  if (position) return Number(position[1])
  if (message === 'Unexpected end of JSON input') return text.length
  const token = UNEXPECTED_TOKEN.exec(message)
  if (!token) return 0
  const [, bad = '', cutBefore, snippet = '', cutAfter] = token
  if (cutBefore && cutAfter) return text.indexOf(snippet) + V8_CONTEXT
  if (cutBefore) return text.length - snippet.length + V8_CONTEXT
  if (cutAfter) return snippet.length - V8_CONTEXT
  // Short input (under 21 characters), quoted whole: the token's first occurrence is a fair guess.
  return text.indexOf(bad)
}

/** The reason alone, without Node's echo of the input or the position we already give. */
function jsonReason(message: string): string {
  return message
    .replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '')
    .replace(/(?: in JSON)? at position \d+(?: \(line \d+ column \d+\))?$/, '')
}

/** Errors from Node's own modules come from another realm under jest; read them by shape. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message
  return typeof message === 'string' ? message : errorMessage(error)
}

function parseJson(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    const message = messageOf(error)
    const { line, column } = lineAndColumn(text, jsonErrorOffset(text, message))
    throw new ConfigurationError(
      `'${fileName}' is not valid JSON at line ${line}, column ${column}: ${jsonReason(message)}.`
    )
  }
}

async function parseYaml(text: string, fileName: string): Promise<unknown> {
  const { parseDocument } = await loadYaml()
  const document = parseDocument(text, { prettyErrors: false })
  const problem = document.errors[0]
  if (problem) {
    const { line, column } = lineAndColumn(text, problem.pos[0])
    const reason = problem.message.replace(/; please use YAML\.parseAllDocuments\(\)$/, '')
    throw new ConfigurationError(
      `'${fileName}' is not valid YAML at line ${line}, column ${column}: ${reason}.`
    )
  }
  try {
    return document.toJS() as unknown
  } catch (error) {
    throw new ConfigurationError(`'${fileName}' could not be read as YAML: ${errorMessage(error)}.`)
  }
}

export interface StructuredTextOptions {
  /** Decides the format by its extension (.json, .yaml, .yml) and names the file in errors. */
  fileName: string
}

/** Parsed JSON or YAML; a ConfigurationError with line and column when it is not valid. */
export async function parseStructuredText(
  text: string,
  { fileName }: StructuredTextOptions
): Promise<unknown> {
  const format = formatOf(fileName)
  if (format === undefined) {
    throw new ConfigurationError(unknownFormat(fileName))
  }
  if (text.trim() === '') throw new ConfigurationError(`'${fileName}' is empty.`)
  return format === 'JSON' ? parseJson(text, fileName) : await parseYaml(text, fileName)
}

export interface ReadStructuredFileOptions {
  roots: FileRoots
  /** The setting that named the file, for errors. */
  subject: ConfigurationSubject
  /** Default MAX_SETTING_FILE_BYTES. */
  maxBytes?: number
}

/**
 * Reads and parses a .json/.yaml/.yml file a setting names (inside the workspace or the runner's
 * temp directory, see readSettingFile); every problem is a ConfigurationError naming the setting.
 */
export async function readStructuredFile(
  filePath: string,
  { roots, subject, maxBytes }: ReadStructuredFileOptions
): Promise<unknown> {
  if (formatOf(filePath) === undefined) {
    throw new ConfigurationError(unknownFormat(filePath), subject)
  }
  const { text } = readSettingFile(filePath, roots, subject, maxBytes)
  try {
    return await parseStructuredText(text, { fileName: filePath })
  } catch (error) {
    throw new ConfigurationError(errorMessage(error), subject)
  }
}

/**
 * The runner protocol, spoken directly: the subset of @actions/core that this project uses,
 * byte-for-byte in the same format (github-behaviour.md §3). @actions/core 3 pulls in
 * @actions/http-client and undici for OIDC, about 480 kB of a 1.3 MB bundle and a good part
 * of the start-up time, for nothing an action here needs.
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { EOL } from 'node:os'

export enum ExitCode {
  Success = 0,
  Failure = 1
}

export interface AnnotationProperties {
  title?: string
  file?: string
  startLine?: number
  endLine?: number
  startColumn?: number
  endColumn?: number
}

export interface InputOptions {
  required?: boolean
  trimWhitespace?: boolean
}

function toCommandValue(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function escapeData(value: unknown): string {
  return toCommandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(value: unknown): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** `::command k=v,k=v::message` on stdout. */
export function issueCommand(
  command: string,
  properties: Record<string, unknown>,
  message: unknown
): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',')
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`)
}

function fileCommand(name: 'OUTPUT' | 'STATE', key: string, value: unknown): boolean {
  const path = process.env[`GITHUB_${name}`]
  if (!path) return false
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`)
  const delimiter = `ghadelimiter_${randomUUID()}`
  const text = toCommandValue(value)
  if (key.includes(delimiter) || text.includes(delimiter)) {
    throw new Error(`Unexpected input: name or value contains the delimiter ${delimiter}`)
  }
  appendFileSync(path, `${key}<<${delimiter}${EOL}${text}${EOL}${delimiter}${EOL}`, 'utf8')
  return true
}

export function getInput(name: string, options: InputOptions = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? ''
  if (options.required && !value) throw new Error(`Input required and not supplied: ${name}`)
  return options.trimWhitespace === false ? value : value.trim()
}

export function setOutput(name: string, value: unknown): void {
  if (fileCommand('OUTPUT', name, value)) return
  process.stdout.write(EOL)
  issueCommand('set-output', { name }, value)
}

export function saveState(name: string, value: unknown): void {
  if (fileCommand('STATE', name, value)) return
  issueCommand('save-state', { name }, value)
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? ''
}

export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret)
}

export function info(message: string): void {
  process.stdout.write(message + EOL)
}

export function debug(message: string): void {
  issueCommand('debug', {}, message)
}

function annotationProperties(props: AnnotationProperties): Record<string, unknown> {
  return {
    title: props.title,
    file: props.file,
    line: props.startLine,
    endLine: props.endLine,
    col: props.startColumn,
    endColumn: props.endColumn
  }
}

export function error(message: string | Error, props: AnnotationProperties = {}): void {
  issueCommand(
    'error',
    annotationProperties(props),
    message instanceof Error ? message.toString() : message
  )
}

export function warning(message: string | Error, props: AnnotationProperties = {}): void {
  issueCommand(
    'warning',
    annotationProperties(props),
    message instanceof Error ? message.toString() : message
  )
}

export function notice(message: string | Error, props: AnnotationProperties = {}): void {
  issueCommand(
    'notice',
    annotationProperties(props),
    message instanceof Error ? message.toString() : message
  )
}

export function startGroup(name: string): void {
  issueCommand('group', {}, name)
}

export function endGroup(): void {
  issueCommand('endgroup', {}, '')
}

export function setFailed(message: string | Error): void {
  process.exitCode = ExitCode.Failure
  error(message)
}

/** Appends to the step's summary file, as core.summary.addRaw(text).write() does. */
export function appendSummary(text: string): void {
  const path = process.env['GITHUB_STEP_SUMMARY']
  if (!path) {
    throw new Error(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.'
    )
  }
  if (!existsSync(path)) {
    throw new Error(
      `Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`
    )
  }
  appendFileSync(path, text, 'utf8')
}

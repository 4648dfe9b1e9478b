import {
  ConfigurationError,
  controlCharacterIn,
  loadYaml,
  parseDuration,
  withoutCredentials,
  type ConfigurationSubject
} from '@fargate-promote/common'
import { DEFAULT_EXPECT_STATUS, parseStatusEntry } from './expect-status.js'
import { commandSecrets } from './probes/command.js'
import { parseJsonPath } from './json-path.js'
import { isAbsolute, normalize } from 'node:path'
import {
  CHECK_TYPES,
  COMMAND_SHELLS,
  HTTP_METHODS,
  type CheckSpec,
  type CommandCheckSpec,
  type CommandShell,
  type CheckType,
  type HttpCheckSpec,
  type HttpMethod,
  type JsonAssertion,
  type StatusRange
} from './types.js'

export interface ParseChecksOptions {
  /** Where the text came from: the setting (`checks`) and, for a file, its path. */
  subject: ConfigurationSubject
}

const FIELDS: Record<CheckType, readonly string[]> = {
  http: [
    'url',
    'method',
    'headers',
    'body',
    'expect-status',
    'body-contains',
    'json',
    'max-latency',
    'timeout',
    'follow-redirects',
    'allow-cross-host-redirects',
    'insecure-tls'
  ],
  'ecs-service': ['cluster', 'service'],
  'target-group': ['target-group', 'min-healthy-percent'],
  'cloudwatch-alarm': ['alarms', 'prefix', 'fail-on-insufficient-data'],
  'sqs-queue': ['queue', 'max-visible', 'max-age', 'dead-letter-empty'],
  command: ['run', 'timeout', 'shell', 'env', 'working-directory']
}

const JSON_ASSERTION_FIELDS = ['path', 'equals', 'in', 'matches']

export const DEFAULT_HTTP_TIMEOUT_MS = 5000

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  return JSON.stringify(value) ?? String(value)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Where a field's problem is reported: the subject, and the words before the problem. */
type FieldPlace = (field: string) => { subject: ConfigurationSubject; where: string }

/** Reads one check's fields, naming the check and field (or the input) in every error. */
class Fields {
  constructor(
    private readonly place: FieldPlace,
    private readonly values: Record<string, unknown>
  ) {}

  fail(field: string, problem: string): never {
    const { subject, where } = this.place(field)
    throw new ConfigurationError(where === '' ? problem : `${where}: ${problem}`, subject)
  }

  has(field: string): boolean {
    return this.values[field] !== undefined && this.values[field] !== null
  }

  raw(field: string): unknown {
    return this.values[field]
  }

  optionalString(field: string): string | undefined {
    if (!this.has(field)) return undefined
    const value = this.values[field]
    if (typeof value === 'number') return String(value)
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(field, `${show(value)} is not a non-empty string.`)
    }
    return value
  }

  string(field: string, what: string): string {
    const value = this.optionalString(field)
    if (value === undefined) this.fail(field, `missing. Give ${what}.`)
    return value
  }

  boolean(field: string, fallback: boolean): boolean {
    if (!this.has(field)) return fallback
    const value = this.values[field]
    if (typeof value !== 'boolean') this.fail(field, `${show(value)} is not true or false.`)
    return value
  }

  duration(field: string): number | undefined {
    if (!this.has(field)) return undefined
    const value = this.values[field]
    // A bare number is refused too: it would be a guess at the unit.
    const ms = parseDuration(String(value))
    if (ms === undefined) {
      this.fail(
        field,
        `${show(String(value))} is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.`
      )
    }
    if (ms <= 0) this.fail(field, `${show(value)} must be longer than zero.`)
    return ms
  }

  number(field: string, min: number, max: number, integer: boolean): number | undefined {
    if (!this.has(field)) return undefined
    const value = this.values[field]
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      value < min ||
      value > max
    ) {
      const kind = integer ? 'a whole number' : 'a number'
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`
      this.fail(field, `${show(value)} is not ${kind} ${range}.`)
    }
    return value
  }
}

function parseUrl(fields: Fields, field: string, text: string): string {
  // The URL parser drops line breaks and tabs silently: the request would go somewhere other
  // than what the file says, and the text could reach a log line as a workflow command.
  const control = controlCharacterIn(text)
  if (control !== undefined) {
    fields.fail(
      field,
      `the URL contains ${control}. Write it on one line, without control characters.`
    )
  }
  let url: URL
  const shown = show(withoutCredentials(text))
  try {
    url = new URL(text)
  } catch {
    fields.fail(field, `${shown} is not a valid URL. Write it in full: https://host/path.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fields.fail(field, `${shown} uses '${url.protocol}'; only http and https are supported.`)
  }
  return url.toString()
}

function parseExpectStatus(fields: Fields): StatusRange[] {
  if (!fields.has('expect-status')) return DEFAULT_EXPECT_STATUS
  const raw = fields.raw('expect-status')
  const entries = Array.isArray(raw) ? raw : [raw]
  if (entries.length === 0) fields.fail('expect-status', 'the list is empty. Leave it out for 2xx.')
  return entries.map(entry => {
    const parsed = parseStatusEntry(entry)
    if (typeof parsed === 'string') fields.fail('expect-status', parsed)
    return parsed
  })
}

function parseRegex(fields: Fields, field: string, source: string): void {
  try {
    new RegExp(source)
  } catch (error) {
    fields.fail(field, `${show(source)} is not a valid regular expression (${String(error)}).`)
  }
}

function parseJsonAssertions(fields: Fields): JsonAssertion[] {
  if (!fields.has('json')) return []
  const raw = fields.raw('json')
  if (!Array.isArray(raw))
    fields.fail('json', 'expected a list of { path, equals | in | matches }.')
  return raw.map((item: unknown, index) => {
    const field = `json[${index}]`
    if (!isPlainObject(item)) fields.fail(field, `${show(item)} is not a mapping with a 'path'.`)
    const unknown = Object.keys(item).find(key => !JSON_ASSERTION_FIELDS.includes(key))
    if (unknown !== undefined) {
      fields.fail(
        field,
        `unknown field '${unknown}'. Allowed: ${JSON_ASSERTION_FIELDS.join(', ')}.`
      )
    }
    const path = item.path
    if (typeof path !== 'string')
      fields.fail(`${field}.path`, `missing. Give a path like $.status.`)
    const segments = parseJsonPath(path)
    if (typeof segments === 'string') {
      fields.fail(`${field}.path`, `${show(path)} is not a supported JSON path: ${segments}.`)
    }
    const assertion: JsonAssertion = { path, segments }
    if ('equals' in item) assertion.equals = item.equals
    if ('in' in item) {
      if (!Array.isArray(item.in)) fields.fail(`${field}.in`, `${show(item.in)} is not a list.`)
      assertion.in = item.in as unknown[]
    }
    if ('matches' in item) {
      if (typeof item.matches !== 'string') {
        fields.fail(`${field}.matches`, `${show(item.matches)} is not a string.`)
      }
      parseRegex(fields, `${field}.matches`, item.matches)
      assertion.matches = item.matches
    }
    return assertion
  })
}

function parseHeaders(fields: Fields): Record<string, string> {
  if (!fields.has('headers')) return {}
  const raw = fields.raw('headers')
  if (!isPlainObject(raw)) fields.fail('headers', 'expected a mapping of header name to value.')
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      fields.fail('headers', `${show(name)} is not a valid header name.`)
    }
    // The value is not quoted back: it may be a secret.
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      fields.fail('headers', `the value of '${name}' must be a string.`)
    }
    headers[name] = String(value)
  }
  return headers
}

function parseHttp(name: string, fields: Fields): HttpCheckSpec {
  const url = parseUrl(fields, 'url', fields.string('url', 'the URL to request'))
  const methodText = (fields.optionalString('method') ?? 'GET').toUpperCase()
  if (!(HTTP_METHODS as readonly string[]).includes(methodText)) {
    fields.fail(
      'method',
      `${show(methodText)} is not allowed. Use one of ${HTTP_METHODS.join(', ')}.`
    )
  }
  const rawBody = fields.raw('body')
  let body: string | undefined
  let headers = parseHeaders(fields)
  if (typeof rawBody === 'string') body = rawBody
  else if (rawBody !== undefined && rawBody !== null) {
    body = JSON.stringify(rawBody)
    const hasType = Object.keys(headers).some(h => h.toLowerCase() === 'content-type')
    if (!hasType) headers = { ...headers, 'content-type': 'application/json' }
  }
  const spec: HttpCheckSpec = {
    type: 'http',
    name,
    url,
    method: methodText as HttpMethod,
    headers,
    expectStatus: parseExpectStatus(fields),
    json: parseJsonAssertions(fields),
    timeoutMs: fields.duration('timeout') ?? DEFAULT_HTTP_TIMEOUT_MS,
    followRedirects: fields.boolean('follow-redirects', true),
    allowCrossHostRedirects: fields.boolean('allow-cross-host-redirects', false),
    insecureTls: fields.boolean('insecure-tls', false)
  }
  if (body !== undefined) spec.body = body
  const bodyContains = fields.optionalString('body-contains')
  if (bodyContains !== undefined) spec.bodyContains = bodyContains
  const maxLatencyMs = fields.duration('max-latency')
  if (maxLatencyMs !== undefined) spec.maxLatencyMs = maxLatencyMs
  return spec
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000

function parseCommandEnv(fields: Fields): Record<string, string> {
  if (!fields.has('env')) return {}
  const raw = fields.raw('env')
  if (!isPlainObject(raw)) fields.fail('env', 'expected a mapping of variable name to value.')
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      fields.fail('env', `${show(name)} is not a valid variable name.`)
    }
    if (name.startsWith('FARGATE_PROMOTE_')) {
      fields.fail('env', `'${name}' is set by the run itself; choose another name.`)
    }
    // The value is not quoted back: it may be a secret.
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      fields.fail('env', `the value of '${name}' must be a string.`)
    }
    env[name] = String(value)
  }
  return env
}

function parseCommand(name: string, fields: Fields): CommandCheckSpec {
  const shell = fields.optionalString('shell') ?? 'bash'
  if (!(COMMAND_SHELLS as readonly string[]).includes(shell)) {
    fields.fail(
      'shell',
      `${show(shell)} is not supported. Use one of ${COMMAND_SHELLS.join(', ')}.`
    )
  }
  const spec: CommandCheckSpec = {
    type: 'command',
    name,
    run: fields.string('run', 'the command to run'),
    shell: shell as CommandShell,
    env: parseCommandEnv(fields),
    timeoutMs: fields.duration('timeout') ?? DEFAULT_COMMAND_TIMEOUT_MS
  }
  const directory = fields.optionalString('working-directory')
  if (directory !== undefined) {
    if (isAbsolute(directory) || normalize(directory).split(/[\\/]/)[0] === '..') {
      fields.fail('working-directory', `${show(directory)} is not a path inside the workspace.`)
    }
    spec.workingDirectory = directory
  }
  return spec
}

function parseTyped(name: string, type: CheckType, fields: Fields): CheckSpec {
  switch (type) {
    case 'http':
      return parseHttp(name, fields)
    case 'ecs-service':
      return {
        type,
        name,
        cluster: fields.string('cluster', 'the ECS cluster name or ARN'),
        service: fields.string('service', 'the ECS service name or ARN')
      }
    case 'target-group':
      return {
        type,
        name,
        targetGroup: fields.string('target-group', 'the target group ARN or name'),
        minHealthyPercent: fields.number('min-healthy-percent', 0, 100, false) ?? 100
      }
    case 'cloudwatch-alarm': {
      const failOnInsufficientData = fields.boolean('fail-on-insufficient-data', false)
      const prefix = fields.optionalString('prefix')
      if (fields.has('alarms') === (prefix !== undefined)) {
        fields.fail(
          'alarms',
          "give either 'alarms' (a list of names) or 'prefix', not both or none."
        )
      }
      if (prefix !== undefined) return { type, name, prefix, failOnInsufficientData }
      const raw = fields.raw('alarms')
      const alarms = Array.isArray(raw) ? raw : [raw]
      if (alarms.length === 0) fields.fail('alarms', 'the list is empty. Name at least one alarm.')
      for (const alarm of alarms) {
        if (typeof alarm !== 'string' || alarm.trim() === '') {
          fields.fail('alarms', `${show(alarm)} is not an alarm name.`)
        }
      }
      return { type, name, alarms: alarms as string[], failOnInsufficientData }
    }
    case 'sqs-queue': {
      const spec: CheckSpec = {
        type,
        name,
        queue: fields.string('queue', 'the queue URL or name'),
        deadLetterEmpty: fields.boolean('dead-letter-empty', true)
      }
      const maxVisible = fields.number('max-visible', 0, Number.MAX_SAFE_INTEGER, true)
      if (maxVisible !== undefined) spec.maxVisible = maxVisible
      const maxAgeMs = fields.duration('max-age')
      if (maxAgeMs !== undefined) spec.maxAgeMs = maxAgeMs
      return spec
    }
    case 'command':
      return parseCommand(name, fields)
  }
}

function parseCheck(
  subject: ConfigurationSubject,
  item: unknown,
  index: number,
  names: Map<string, number>
) {
  const position = `check #${index + 1}`
  if (!isPlainObject(item)) {
    throw new ConfigurationError(
      `${position} is ${show(item)}, not a mapping. Write each check as '- name: …' followed by one type (${CHECK_TYPES.join(', ')}).`,
      subject
    )
  }
  const name = item.name
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigurationError(
      `${position} has no 'name'. Give every check a unique name, e.g. '- name: api'.`,
      subject
    )
  }
  const previous = names.get(name)
  if (previous !== undefined) {
    throw new ConfigurationError(
      `check '${name}' is defined twice (#${previous} and #${index + 1}). Check names must be unique.`,
      subject
    )
  }
  names.set(name, index + 1)
  const where = `check '${name}'`
  const keys = Object.keys(item).filter(key => key !== 'name')
  const unknown = keys.find(key => !(CHECK_TYPES as readonly string[]).includes(key))
  if (unknown !== undefined) {
    throw new ConfigurationError(
      `${where}: unknown type '${unknown}'. Allowed types: ${CHECK_TYPES.join(', ')}.`,
      subject
    )
  }
  if (keys.length !== 1) {
    const problem =
      keys.length === 0 ? 'has no type' : `has ${keys.length} types (${keys.join(', ')})`
    throw new ConfigurationError(
      `${where} ${problem}. Give exactly one of: ${CHECK_TYPES.join(', ')}.`,
      subject
    )
  }
  const type = keys[0] as CheckType
  const body = item[type]
  const typedWhere = `${where} (${type})`
  if (!isPlainObject(body)) {
    throw new ConfigurationError(
      `${typedWhere}: expected a mapping of fields under '${type}:', got ${show(body)}. Allowed fields: ${FIELDS[type].join(', ')}.`,
      subject
    )
  }
  const unknownField = Object.keys(body).find(key => !FIELDS[type].includes(key))
  if (unknownField !== undefined) {
    throw new ConfigurationError(
      `${typedWhere}: unknown field '${unknownField}'. Allowed fields: ${FIELDS[type].join(', ')}.`,
      subject
    )
  }
  const place: FieldPlace = field => ({ subject, where: `${typedWhere} field '${field}'` })
  return parseTyped(name, type, new Fields(place, body))
}

/**
 * Parses the `checks` YAML: a list of `{ name, <type>: { fields } }`. Every problem is a
 * ConfigurationError naming the source, the check and the field, raised before any probe runs.
 */
export async function parseChecks(text: string, options: ParseChecksOptions): Promise<CheckSpec[]> {
  return parseChecksWith(await loadYaml(), text, options)
}

/** The YAML parser's part parseChecksWith uses: the `yaml` package, loaded by the caller. */
export type YamlParser = Pick<typeof import('yaml'), 'isMap' | 'isSeq' | 'parseDocument'>

/** parseChecks with the YAML parser at hand (parseChecks loads it first). */
export function parseChecksWith(
  yaml: YamlParser,
  text: string,
  options: ParseChecksOptions
): CheckSpec[] {
  const { subject } = options
  const { isMap, isSeq, parseDocument } = yaml
  const document = parseDocument(text)
  const error = document.errors[0]
  if (error) {
    const at = error.linePos?.[0]
    const position = at ? ` at line ${at.line}, column ${at.col}` : ''
    // The pretty message repeats the position and quotes the source; keep the first sentence.
    const message = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '')
    throw new ConfigurationError(`invalid YAML${position}: ${message}`, subject)
  }
  if (document.contents === null) {
    throw new ConfigurationError('no checks defined. Give a YAML list of checks.', subject)
  }
  if (!isSeq(document.contents)) {
    const got = isMap(document.contents) ? 'a mapping' : 'a single value'
    throw new ConfigurationError(
      `expected a YAML list of checks (each starting with '- name:'), got ${got}.`,
      subject
    )
  }
  const items = document.toJS() as unknown[]
  if (items.length === 0) {
    throw new ConfigurationError('the list of checks is empty. Define at least one.', subject)
  }
  const names = new Map<string, number>()
  return items.map((item, index) => parseCheck(subject, item, index, names))
}

export interface HttpShorthandOptions {
  url: string
  /** Comma-separated codes, ranges and classes: `200`, `200-299,301`, `2xx`. Default 2xx. */
  expectStatus?: string
  bodyContains?: string
  /** Default `http`. */
  name?: string
}

/** The one-URL form of an http check, for actions that take a `url` input. */
export function httpShorthand(options: HttpShorthandOptions): HttpCheckSpec {
  const name = options.name ?? 'http'
  const fields: Record<string, unknown> = { url: options.url }
  if (options.expectStatus !== undefined && options.expectStatus.trim() !== '') {
    fields['expect-status'] = options.expectStatus.split(',').map(entry => entry.trim())
  }
  if (options.bodyContains !== undefined && options.bodyContains !== '') {
    fields['body-contains'] = options.bodyContains
  }
  // Each field is a setting of its own (`url`, `expect-status`, `body-contains`): name that one.
  return parseHttp(name, new Fields(field => ({ subject: { input: field }, where: '' }), fields))
}

/** Every header value of every http check, so the adapter can mask them all. */
export function secretHeaderValues(checks: CheckSpec[]): string[] {
  const values = new Set<string>()
  for (const check of checks) {
    if (check.type !== 'http') continue
    for (const value of Object.values(check.headers)) if (value !== '') values.add(value)
  }
  return [...values]
}

/**
 * Everything in the checks that must be masked before anything is logged: header values
 * (often tokens from secrets), passwords written into URLs, and the values of command checks'
 * env variables whose names look secret.
 */
export function secretValues(checks: CheckSpec[]): string[] {
  const values = new Set(secretHeaderValues(checks))
  for (const check of checks) {
    if (check.type === 'command') for (const value of commandSecrets(check)) values.add(value)
    if (check.type !== 'http') continue
    const password = new URL(check.url).password
    if (password !== '') values.add(decodeURIComponent(password))
  }
  return [...values]
}

import { z } from 'zod'
import { parseStatusEntry } from '../expect-status.js'
import { httpSpec } from '../http-spec.js'
import { parseHttpUrl } from '../http-url.js'
import { parseJsonPath } from '../json-path.js'
import { quote } from '../quote.js'
import { HTTP_METHODS, type HttpMethod, type JsonAssertion } from '../types.js'
import {
  checkType,
  duration,
  fail,
  flag,
  namedValues,
  oneOrList,
  optional,
  text
} from './fields.js'

const url = text('the URL to request').transform((value, ctx) => {
  const parsed = parseHttpUrl(value)
  return typeof parsed === 'string' ? fail(ctx, value, parsed) : parsed.toString()
})

const method = text('an HTTP method').transform((value, ctx) => {
  const upper = value.toUpperCase()
  if ((HTTP_METHODS as readonly string[]).includes(upper)) return upper as HttpMethod
  return fail(ctx, value, `${quote(upper)} is not allowed. Use one of ${HTTP_METHODS.join(', ')}.`)
})

const headers = namedValues(
  'header',
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
  name => `${quote(name)} is not a valid header name.`
)

const statusEntry = z.union([z.number(), z.string()])

const expectStatus = oneOrList(statusEntry, {
  notEntry: entry => parseStatusEntry(entry) as string,
  read: entry => {
    const range = parseStatusEntry(entry)
    return typeof range === 'string' ? { problem: range } : range
  },
  empty: 'the list is empty. Leave it out for 2xx.'
}).describe('Status codes that pass: 200, a range 200-299, a class 2xx, or a list of them.')

function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source)
    return undefined
  } catch (error) {
    return `${quote(source)} is not a valid regular expression (${String(error)}).`
  }
}

const jsonAssertion = z
  .strictObject(
    {
      path: z.string({
        error: issue =>
          issue.input === undefined
            ? 'missing. Give a path like $.status.'
            : `${quote(issue.input)} is not a JSON path like $.status.`
      }),
      equals: z.unknown().optional(),
      in: z
        .array(z.unknown(), { error: issue => `${quote(issue.input)} is not a list.` })
        .optional(),
      matches: z.string({ error: issue => `${quote(issue.input)} is not a string.` }).optional()
    },
    {
      error: issue =>
        issue.code === 'invalid_type'
          ? `${quote(issue.input)} is not a mapping with a 'path'.`
          : undefined
    }
  )
  .transform((item, ctx) => {
    const segments = parseJsonPath(item.path)
    if (typeof segments === 'string') {
      const problem = `${quote(item.path)} is not a supported JSON path: ${segments}.`
      return fail(ctx, item.path, problem, ['path'])
    }
    const badRegex = item.matches === undefined ? undefined : regexProblem(item.matches)
    if (badRegex !== undefined) return fail(ctx, item.matches, badRegex, ['matches'])
    const assertion: JsonAssertion = { path: item.path, segments }
    // `equals: null` asserts null: present with no value is not left out here.
    if ('equals' in item) assertion.equals = item.equals
    if (item.in !== undefined) assertion.in = item.in
    if (item.matches !== undefined) assertion.matches = item.matches
    return assertion
  })

const json = z
  .array(jsonAssertion, { error: 'expected a list of { path, equals | in | matches }.' })
  .describe('Assertions on a JSON body: { path: $.status, equals | in | matches }.')

export const HttpCheck = checkType('http', {
  url,
  method: optional(method),
  headers: optional(headers),
  body: z.unknown().optional().describe('Sent as written, or as JSON when not text.'),
  'expect-status': optional(expectStatus),
  'body-contains': optional(text('text the body must contain')),
  json: optional(json),
  'max-latency': optional(duration),
  timeout: optional(duration),
  'follow-redirects': optional(flag),
  'allow-cross-host-redirects': optional(flag),
  'insecure-tls': optional(flag)
}).transform(fields =>
  httpSpec({
    url: fields.url,
    method: fields.method,
    headers: fields.headers,
    body: fields.body,
    expectStatus: fields['expect-status'],
    bodyContains: fields['body-contains'],
    json: fields.json,
    maxLatencyMs: fields['max-latency'],
    timeoutMs: fields.timeout,
    followRedirects: fields['follow-redirects'],
    allowCrossHostRedirects: fields['allow-cross-host-redirects'],
    insecureTls: fields['insecure-tls']
  })
)

import { DEFAULT_HTTP_TIMEOUT_MS } from './check-defaults.js'
import { DEFAULT_EXPECT_STATUS } from './expect-status.js'
import type { HttpCheckSpec, HttpMethod, JsonAssertion, StatusRange } from './types.js'

/** An http check's fields, already valid; what is left out gets its default here. */
export interface HttpFields {
  url: string
  method?: HttpMethod
  headers?: Record<string, string>
  /** Text is sent as written; anything else as JSON. */
  body?: unknown
  expectStatus?: StatusRange[]
  bodyContains?: string
  json?: JsonAssertion[]
  maxLatencyMs?: number
  timeoutMs?: number
  followRedirects?: boolean
  allowCrossHostRedirects?: boolean
  insecureTls?: boolean
}

/** The one place an http check's defaults live: the checks format and the url form share it. */
export function httpSpec(fields: HttpFields): Omit<HttpCheckSpec, 'name'> {
  let headers = fields.headers ?? {}
  let body: string | undefined
  if (typeof fields.body === 'string') body = fields.body
  else if (fields.body !== undefined && fields.body !== null) {
    body = JSON.stringify(fields.body)
    const hasType = Object.keys(headers).some(header => header.toLowerCase() === 'content-type')
    if (!hasType) headers = { ...headers, 'content-type': 'application/json' }
  }
  return {
    type: 'http',
    url: fields.url,
    method: fields.method ?? 'GET',
    headers,
    ...(body !== undefined && { body }),
    expectStatus: fields.expectStatus ?? DEFAULT_EXPECT_STATUS,
    ...(fields.bodyContains !== undefined && { bodyContains: fields.bodyContains }),
    json: fields.json ?? [],
    ...(fields.maxLatencyMs !== undefined && { maxLatencyMs: fields.maxLatencyMs }),
    timeoutMs: fields.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
    followRedirects: fields.followRedirects ?? true,
    allowCrossHostRedirects: fields.allowCrossHostRedirects ?? false,
    insecureTls: fields.insecureTls ?? false
  }
}

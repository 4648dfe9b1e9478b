import { ConfigurationError } from '@fargate-promote/common'
import { parseStatusEntry } from './expect-status.js'
import { httpSpec } from './http-spec.js'
import { parseHttpUrl } from './http-url.js'
import { quote } from './quote.js'
import type { HttpCheckSpec, StatusRange } from './types.js'

export interface HttpShorthandOptions {
  url: string
  /** Comma-separated codes, ranges and classes: `200`, `200-299,301`, `2xx`. Default 2xx. */
  expectStatus?: string
  bodyContains?: string
  /** Default `http`. */
  name?: string
}

function readExpectStatus(text: string | undefined): StatusRange[] | undefined {
  if (text === undefined || text.trim() === '') return undefined
  return text.split(',').map(entry => {
    const range = parseStatusEntry(entry.trim())
    if (typeof range === 'string') throw new ConfigurationError(range, { input: 'expect-status' })
    return range
  })
}

/**
 * The one-URL form of an http check, for actions that take a `url` input. Each value is a
 * setting of its own (`url`, `expect-status`, `body-contains`): errors name that one. Plain
 * checks, no schema: this runs at an action's start-up, which does not load the schema library.
 */
export function httpShorthand(options: HttpShorthandOptions): HttpCheckSpec {
  if (options.url.trim() === '') {
    throw new ConfigurationError(`${quote(options.url)} is not a non-empty string.`, {
      input: 'url'
    })
  }
  const url = parseHttpUrl(options.url)
  if (typeof url === 'string') throw new ConfigurationError(url, { input: 'url' })
  const expectStatus = readExpectStatus(options.expectStatus)
  const bodyContains = options.bodyContains === '' ? undefined : options.bodyContains
  if (bodyContains !== undefined && bodyContains.trim() === '') {
    throw new ConfigurationError(`${quote(bodyContains)} is not a non-empty string.`, {
      input: 'body-contains'
    })
  }
  const fields = {
    url: url.toString(),
    ...(expectStatus !== undefined && { expectStatus }),
    ...(bodyContains !== undefined && { bodyContains })
  }
  return { ...httpSpec(fields), name: options.name ?? 'http' }
}

import { isDeepStrictEqual } from 'node:util'
import { lookupJsonPath } from './json-path.js'
import type { HttpCheckSpec, JsonAssertion } from './types.js'

const MAX_SHOWN = 60

/** A value as it appears in a detail line: JSON, cut short so a detail stays one line. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text
}

function jsonFailure(document: unknown, assertion: JsonAssertion): string | undefined {
  const lookup = lookupJsonPath(document, assertion.segments)
  if (!lookup.found) return `json ${assertion.path}: ${lookup.missing} is missing`
  const value = lookup.value
  if ('equals' in assertion && !isDeepStrictEqual(value, assertion.equals)) {
    return `json ${assertion.path}: expected ${shown(assertion.equals)}, got ${shown(value)}`
  }
  if (
    assertion.in !== undefined &&
    !assertion.in.some(option => isDeepStrictEqual(value, option))
  ) {
    return `json ${assertion.path}: expected one of ${shown(assertion.in)}, got ${shown(value)}`
  }
  if (assertion.matches !== undefined) {
    const scalar =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    if (!scalar || !new RegExp(assertion.matches).test(String(value))) {
      return `json ${assertion.path}: ${shown(value)} does not match /${assertion.matches}/`
    }
  }
  return undefined
}

/** What is wrong with a response body, or undefined when body-contains and json all hold. */
export function checkResponseBody(spec: HttpCheckSpec, body: Buffer): string | undefined {
  if (spec.bodyContains === undefined && spec.json.length === 0) return undefined
  const text = body.toString('utf8')
  if (spec.bodyContains !== undefined && !text.includes(spec.bodyContains)) {
    return `body does not contain ${shown(spec.bodyContains)}`
  }
  if (spec.json.length === 0) return undefined
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    return `body is not JSON (${error instanceof Error ? error.message : String(error)})`
  }
  for (const assertion of spec.json) {
    const failure = jsonFailure(document, assertion)
    if (failure !== undefined) return failure
  }
  return undefined
}

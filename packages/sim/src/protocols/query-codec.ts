import type { AwsError } from '../contract.js'

/** The awsQuery codec of protocols/query.ts (helper "elb"), as the server and scenario use it. */
export interface QueryCodec {
  decodeQueryRequest(body: string): {
    action: string
    version: string
    params: Record<string, unknown>
  }
  encodeQueryResponse(action: string, result: unknown, requestId: string): string
  encodeQueryError(error: AwsError, requestId: string): string
}

/**
 * Serialise an input object the way the SDK's AwsQueryProtocol does: nested members joined with
 * `.`, lists as `.member.N` (1-based). Used to drive ELBv2 through the same decoder as the wire.
 */
export function encodeQueryParams(
  action: string,
  version: string,
  input: Record<string, unknown>
): string {
  const params = new URLSearchParams({ Action: action, Version: version })
  const walk = (prefix: string, value: unknown): void => {
    if (value === undefined || value === null) return
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(`${prefix}.member.${i + 1}`, item))
    } else if (value instanceof Date) {
      params.append(prefix, value.toISOString())
    } else if (typeof value === 'object') {
      for (const [key, v] of Object.entries(value))
        walk(prefix === '' ? key : `${prefix}.${key}`, v)
    } else if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      params.append(prefix, String(value))
    }
  }
  walk('', input)
  return params.toString()
}

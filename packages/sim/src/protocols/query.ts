import { AwsError } from '../contract.js'

/**
 * awsQuery as ELBv2 speaks it (aws-behaviour.md §1, §1.1, §1.2): form-encoded requests whose
 * lists are flattened to `Name.member.N`, XML responses wrapped in `<{Op}Response><{Op}Result>`
 * and `<ErrorResponse><Error>` errors. Protocol reference:
 * https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
 */

export const ELBV2_VERSION = '2015-12-01'
export const ELBV2_XMLNS = `http://elasticloadbalancing.amazonaws.com/doc/${ELBV2_VERSION}/`

export interface QueryRequest {
  action: string
  version: string
  params: Record<string, unknown>
}

type Node = Record<string, unknown>

/** Lists are collected as `{[N]: value}` under this key, then turned into arrays ordered by N. */
const MEMBERS = Symbol('members')
type MemberBag = { [MEMBERS]: Map<number, unknown> }

function isBag(value: unknown): value is MemberBag {
  return typeof value === 'object' && value !== null && MEMBERS in value
}

export function decodeQueryRequest(body: string): QueryRequest {
  const form = new URLSearchParams(body)
  const action = form.get('Action')
  if (action === null || action === '') {
    throw new AwsError('MissingAction', 'The request must contain the parameter Action')
  }
  const root: Node = {}
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue
    insert(root, key.split('.'), value)
  }
  return { action, version: form.get('Version') ?? '', params: finish(root) as Node }
}

function insert(root: Node, path: string[], value: string): void {
  let holder: Node | Map<number, unknown> = root
  let key: string | number = path[0] ?? ''
  for (let i = 1; i < path.length; i++) {
    const segment = path[i] ?? ''
    const index = segment === 'member' ? Number(path[i + 1]) : NaN
    const current: unknown = get(holder, key)
    if (Number.isInteger(index) && index >= 1) {
      const bag: MemberBag = isBag(current) ? current : { [MEMBERS]: new Map() }
      set(holder, key, bag)
      holder = bag[MEMBERS]
      key = index
      i++
    } else {
      const child: Node =
        typeof current === 'object' && current !== null && !isBag(current) ? (current as Node) : {}
      set(holder, key, child)
      holder = child
      key = segment
    }
  }
  set(holder, key, value)
}

function get(holder: Node | Map<number, unknown>, key: string | number): unknown {
  return holder instanceof Map ? holder.get(key as number) : holder[key as string]
}

function set(holder: Node | Map<number, unknown>, key: string | number, value: unknown): void {
  if (holder instanceof Map) holder.set(key as number, value)
  else holder[key as string] = value
}

function finish(value: unknown): unknown {
  if (isBag(value)) {
    return [...value[MEMBERS].entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => finish(v))
  }
  if (typeof value === 'object' && value !== null) {
    const out: Node = {}
    for (const [k, v] of Object.entries(value)) out[k] = finish(v)
    return out
  }
  return value
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

function encodeValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) {
    return value
      .filter(v => v !== undefined && v !== null)
      .map(v => `<member>${encodeValue(v)}</member>`)
      .join('')
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value as Node)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${encodeValue(v)}</${k}>`)
      .join('')
  }
  return escapeXml(String(value))
}

/** The SDK requires the `<{Op}Result>` child even when the result is empty (§1.1). */
export function encodeQueryResponse(action: string, result: unknown, requestId: string): string {
  return (
    `<${action}Response xmlns="${ELBV2_XMLNS}">` +
    `<${action}Result>${result === undefined || result === null ? '' : encodeValue(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>`
  )
}

/** The SDK maps the short `Code` to the modelled exception via its awsQueryError trait (§1.2). */
export function encodeQueryError(error: AwsError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${ELBV2_XMLNS}"><Error>` +
    `<Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message>` +
    `</Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  )
}

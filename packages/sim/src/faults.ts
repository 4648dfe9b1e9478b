/**
 * Fault injection: rules added through `POST /_sim/faults` that make matching AWS or GitHub calls
 * fail, slow down, or lose their connection. The first rule that fires decides a call's fate.
 */

export type FaultService = 'ecs' | 'elbv2' | 'cloudwatch' | 'sqs' | 'ecr' | 'github'
const SERVICES: readonly string[] = ['ecs', 'elbv2', 'cloudwatch', 'sqs', 'ecr', 'github']

export interface FaultRuleInput {
  service?: FaultService
  /** AWS operation (`DescribeServices`) or GitHub `METHOD /path`. */
  operation?: string
  /** Error code to return, e.g. `ThrottlingException`. */
  error?: string
  /** HTTP status to return, e.g. 500 or 503. */
  status?: number
  /** Fail only the next N matching calls, then the rule expires. */
  count?: number
  /** Fail this share (0..1) of matching calls, drawn from a PRNG seeded with `seed`. */
  fraction?: number
  seed?: number
  /** Delay before answering, in real milliseconds. */
  latencyMs?: number
  /** Destroy the socket instead of answering. */
  reset?: 'connection'
  message?: string
  /**
   * GitHub only: carry the call out, then answer with the fault (or reset the connection) — an
   * answer lost after the work was done, as a 502 from GitHub's front end can be.
   */
  after?: boolean
}

export interface FaultRule extends FaultRuleInput {
  id: number
  /** Calls this rule has fired on. */
  fired: number
}

/** What to do to one call. `fail` false means only the latency applies. */
export interface FaultDecision {
  rule: FaultRule
  latencyMs: number
  fail: boolean
  resetConnection: boolean
  error?: string
  status?: number
  message?: string
}

export interface FaultInjector {
  add(input: unknown): FaultRule
  clear(): void
  list(): FaultRule[]
  /** Decide the fate of one call; consumes `count` and PRNG draws. */
  decide(service: FaultService, operation: string): FaultDecision | undefined
}

/** mulberry32: tiny, fast and deterministic for a given seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class FaultRuleError extends Error {}

function optionalNumber(
  raw: Record<string, unknown>,
  key: string,
  check: (n: number) => boolean,
  expectation: string
): number | undefined {
  const value = raw[key]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new FaultRuleError(`fault.${key} must be ${expectation}, got ${JSON.stringify(value)}`)
  }
  return value
}

function optionalString(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') {
    throw new FaultRuleError(
      `fault.${key} must be a non-empty string, got ${JSON.stringify(value)}`
    )
  }
  return value
}

export function parseFaultRule(raw: unknown): FaultRuleInput {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FaultRuleError('fault must be a JSON object')
  }
  const r = raw as Record<string, unknown>
  const known = [
    'service',
    'operation',
    'error',
    'status',
    'count',
    'fraction',
    'seed',
    'latencyMs',
    'reset',
    'message',
    'after'
  ]
  for (const key of Object.keys(r)) {
    if (!known.includes(key)) {
      throw new FaultRuleError(`fault.${key} is not a known field (known: ${known.join(', ')})`)
    }
  }
  const service = optionalString(r, 'service')
  if (service !== undefined && !SERVICES.includes(service)) {
    throw new FaultRuleError(
      `fault.service must be one of ${SERVICES.join(', ')}, got "${service}"`
    )
  }
  const reset = optionalString(r, 'reset')
  if (reset !== undefined && reset !== 'connection') {
    throw new FaultRuleError(`fault.reset must be "connection", got "${reset}"`)
  }
  const after = r.after
  if (after !== undefined && after !== true && after !== false) {
    throw new FaultRuleError(`fault.after must be true or false, got ${JSON.stringify(after)}`)
  }
  if (after === true && service !== 'github') {
    throw new FaultRuleError(
      'fault.after needs service "github": only GitHub calls are answered after'
    )
  }
  // A lost answer is a server error or a dropped connection; a 4xx says the call was refused.
  const status = r.status
  if (after === true && reset === undefined && !(typeof status === 'number' && status >= 500)) {
    throw new FaultRuleError(
      'fault.after needs a 5xx status or reset: the answer that replaces the real one'
    )
  }
  return {
    ...(after === true && { after: true }),
    service: service as FaultService | undefined,
    operation: optionalString(r, 'operation'),
    error: optionalString(r, 'error'),
    message: optionalString(r, 'message'),
    status: optionalNumber(
      r,
      'status',
      n => Number.isInteger(n) && n >= 400 && n <= 599,
      'an HTTP error status (400-599)'
    ),
    count: optionalNumber(r, 'count', n => Number.isInteger(n) && n >= 1, 'a positive integer'),
    fraction: optionalNumber(r, 'fraction', n => n >= 0 && n <= 1, 'a number between 0 and 1'),
    seed: optionalNumber(r, 'seed', Number.isInteger, 'an integer'),
    latencyMs: optionalNumber(r, 'latencyMs', n => n >= 0, 'a non-negative number'),
    reset: reset === undefined ? undefined : 'connection'
  }
}

export function createFaultInjector(): FaultInjector {
  let rules: { rule: FaultRule; random: () => number }[] = []
  let nextId = 1
  return {
    add(input) {
      const parsed = parseFaultRule(input)
      const rule: FaultRule = { ...parsed, id: nextId++, fired: 0 }
      rules.push({ rule, random: seededRandom(parsed.seed ?? rule.id) })
      return rule
    },
    clear() {
      rules = []
    },
    list: () => rules.map(r => ({ ...r.rule })),
    decide(service, operation) {
      for (const entry of rules) {
        const { rule } = entry
        if (rule.service !== undefined && rule.service !== service) continue
        if (rule.operation !== undefined && rule.operation !== operation) continue
        if (rule.fraction !== undefined && entry.random() >= rule.fraction) continue
        rule.fired++
        if (rule.count !== undefined && rule.fired >= rule.count) {
          rules = rules.filter(r => r !== entry)
        }
        const onlyLatency =
          rule.latencyMs !== undefined &&
          rule.error === undefined &&
          rule.status === undefined &&
          rule.reset === undefined
        return {
          rule: { ...rule },
          latencyMs: rule.latencyMs ?? 0,
          fail: !onlyLatency,
          resetConnection: rule.reset === 'connection',
          error: rule.error,
          status: rule.status,
          message: rule.message
        }
      }
      return undefined
    }
  }
}

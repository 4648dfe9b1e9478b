import { AwsError } from '../contract.js'

/**
 * The attributes a caller may set on a queue, their defaults and ranges, and the read-only
 * ones GetQueueAttributes computes. All values travel as strings, as on the wire.
 */

interface IntRule {
  kind: 'int'
  min: number
  max: number
  default?: string
}
interface BoolRule {
  kind: 'bool'
  default?: string
}
interface TextRule {
  kind: 'text'
  default?: string
  allowed?: readonly string[]
}
type Rule = IntRule | BoolRule | TextRule

export const SETTABLE: Record<string, Rule> = {
  DelaySeconds: { kind: 'int', min: 0, max: 900, default: '0' },
  MaximumMessageSize: { kind: 'int', min: 1024, max: 1048576, default: '1048576' },
  MessageRetentionPeriod: { kind: 'int', min: 60, max: 1209600, default: '345600' },
  ReceiveMessageWaitTimeSeconds: { kind: 'int', min: 0, max: 20, default: '0' },
  VisibilityTimeout: { kind: 'int', min: 0, max: 43200, default: '30' },
  KmsDataKeyReusePeriodSeconds: { kind: 'int', min: 60, max: 86400 },
  Policy: { kind: 'text' },
  RedrivePolicy: { kind: 'text' },
  RedriveAllowPolicy: { kind: 'text' },
  KmsMasterKeyId: { kind: 'text' },
  SqsManagedSseEnabled: { kind: 'bool', default: 'true' },
  FifoQueue: { kind: 'bool' },
  ContentBasedDeduplication: { kind: 'bool' },
  DeduplicationScope: { kind: 'text', allowed: ['messageGroup', 'queue'] },
  FifoThroughputLimit: { kind: 'text', allowed: ['perQueue', 'perMessageGroupId'] }
}

export const COMPUTED = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn'
] as const

export const ALL_ATTRIBUTE_NAMES: readonly string[] = [...COMPUTED, ...Object.keys(SETTABLE)]

export function invalidAttributeName(name: string): AwsError {
  return new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`)
}

function invalidValue(name: string, reason: string): AwsError {
  return new AwsError('InvalidAttributeValue', `Invalid value for the parameter ${name}. ${reason}`)
}

/** Checks names and values; returns the values normalised (booleans lower-case). */
export function validateSettable(attributes: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, raw] of Object.entries(attributes)) {
    const rule = SETTABLE[name]
    if (!rule) throw invalidAttributeName(name)
    if (typeof raw !== 'string') throw invalidValue(name, 'Attribute values are strings.')
    if (rule.kind === 'int') {
      const n = Number(raw)
      if (!/^\d+$/.test(raw) || n < rule.min || n > rule.max) {
        throw invalidValue(name, `Must be an integer from ${rule.min} to ${rule.max}.`)
      }
      out[name] = String(n)
    } else if (rule.kind === 'bool') {
      if (!/^(true|false)$/i.test(raw)) throw invalidValue(name, 'Must be true or false.')
      out[name] = raw.toLowerCase()
    } else {
      if (rule.allowed && !rule.allowed.includes(raw)) {
        throw invalidValue(name, `Must be one of: ${rule.allowed.join(', ')}.`)
      }
      out[name] = raw
    }
  }
  return out
}

export function defaults(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, rule] of Object.entries(SETTABLE)) {
    if (rule.default !== undefined) out[name] = rule.default
  }
  return out
}

export interface RedrivePolicy {
  deadLetterTargetArn: string
  maxReceiveCount: number
}

/** Parses RedrivePolicy JSON; maxReceiveCount may arrive as a number or a numeric string. */
export function parseRedrivePolicy(text: string): RedrivePolicy {
  const fail = (reason: string) =>
    new AwsError(
      'InvalidParameterValue',
      `Value ${text} for parameter RedrivePolicy is invalid. Reason: ${reason}`
    )
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw fail('Invalid JSON.')
  }
  if (parsed === null || typeof parsed !== 'object') throw fail('Must be a JSON object.')
  const { deadLetterTargetArn, maxReceiveCount } = parsed as Record<string, unknown>
  if (typeof deadLetterTargetArn !== 'string' || deadLetterTargetArn === '') {
    throw fail('Redrive policy does not contain deadLetterTargetArn.')
  }
  const count = Number(maxReceiveCount)
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw fail('Invalid value for maxReceiveCount: must be an integer from 1 to 1000.')
  }
  return { deadLetterTargetArn, maxReceiveCount: count }
}

/** The form GetQueueAttributes returns, so equal policies compare equal as strings. */
export function formatRedrivePolicy(policy: RedrivePolicy): string {
  return JSON.stringify({
    deadLetterTargetArn: policy.deadLetterTargetArn,
    maxReceiveCount: policy.maxReceiveCount
  })
}

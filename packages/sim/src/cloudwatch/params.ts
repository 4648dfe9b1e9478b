import { AwsError } from '../contract.js'

/**
 * Reading decoded awsJson1_0 input. The query-compatible services (CloudWatch, SQS) report a
 * missing member as `MissingParameter` and a bad one as `InvalidParameterValue`, both 400.
 */

export function missing(name: string): AwsError {
  return new AwsError('MissingParameter', `The parameter ${name} is required.`)
}

export function invalid(name: string, value: unknown, why: string): AwsError {
  return new AwsError(
    'InvalidParameterValue',
    `Value ${JSON.stringify(value)} for parameter ${name} is invalid. ${why}`
  )
}

export function optionalString(
  input: Record<string, unknown>,
  name: string,
  max = Infinity
): string | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalid(name, value, 'Must be a string.')
  if (value.length > max) throw invalid(name, value, `Must be at most ${max} characters.`)
  return value
}

export function requiredString(input: Record<string, unknown>, name: string, max = Infinity) {
  const value = optionalString(input, name, max)
  if (value === undefined || value === '') throw missing(name)
  return value
}

export function optionalNumber(
  input: Record<string, unknown>,
  name: string,
  range: { min?: number; max?: number; integer?: boolean } = {}
): number | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(name, value, 'Must be a number.')
  }
  if (range.integer === true && !Number.isInteger(value)) {
    throw invalid(name, value, 'Must be an integer.')
  }
  if (range.min !== undefined && value < range.min) {
    throw invalid(name, value, `Must be at least ${range.min}.`)
  }
  if (range.max !== undefined && value > range.max) {
    throw invalid(name, value, `Must be at most ${range.max}.`)
  }
  return value
}

export function optionalEnum<T extends string>(
  input: Record<string, unknown>,
  name: string,
  allowed: readonly T[]
): T | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(name, value, `Must be one of: ${allowed.join(', ')}.`)
  }
  return value as T
}

export function optionalStringList(
  input: Record<string, unknown>,
  name: string,
  maxItems = Infinity
): string[] | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string')) {
    throw invalid(name, value, 'Must be a list of strings.')
  }
  if (value.length > maxItems) {
    throw invalid(name, value, `Must hold at most ${maxItems} items.`)
  }
  return value as string[]
}

export function optionalBoolean(input: Record<string, unknown>, name: string) {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw invalid(name, value, 'Must be a boolean.')
  return value
}

/** Pagination tokens are opaque to clients; base64 of the next index is enough here. */
export function encodeToken(index: number): string {
  return Buffer.from(`sim:${index}`).toString('base64')
}

export function decodeToken(token: string | undefined, code = 'InvalidNextToken'): number {
  if (token === undefined) return 0
  const match = /^sim:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'))
  if (!match) throw new AwsError(code, 'The service cannot decode the NextToken.')
  return Number(match[1])
}

import { AwsError } from '../contract.js'

/**
 * awsQuery carries every scalar as a string (`Port=80`); these readers convert and validate
 * them. An empty list is serialised as `Name=` (an empty string), which reads as `[]`.
 */

export type Input = Record<string, unknown>

export function validation(message: string): AwsError {
  return new AwsError('ValidationError', message)
}

export function optString(input: Input, name: string): string | undefined {
  const value = input[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw validation(`${name} must be a string`)
  return value
}

export function reqString(input: Input, name: string): string {
  const value = optString(input, name)
  if (value === undefined || value === '') {
    throw validation(
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`
    )
  }
  return value
}

export function optInt(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name]
  if (value === undefined) return undefined
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isInteger(n) || (typeof value === 'string' && value.trim() === '')) {
    throw validation(`${name} must be an integer, got ${JSON.stringify(value)}`)
  }
  if (n < min || n > max) {
    throw validation(
      `1 validation error detected: Value '${n}' at '${name}' failed to satisfy constraint: ` +
        `Member must have value ${n < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`
    )
  }
  return n
}

export function optBool(input: Input, name: string): boolean | undefined {
  const value = input[name]
  if (value === undefined) return undefined
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  throw validation(`${name} must be true or false, got ${JSON.stringify(value)}`)
}

export function optList(input: Input, name: string): unknown[] | undefined {
  const value = input[name]
  if (value === undefined) return undefined
  if (value === '') return []
  if (!Array.isArray(value)) throw validation(`${name} must be a list`)
  return value as unknown[]
}

export function optStringList(input: Input, name: string): string[] | undefined {
  const list = optList(input, name)
  if (list === undefined) return undefined
  return list.map((v, i) => {
    if (typeof v !== 'string') throw validation(`${name}.member.${i + 1} must be a string`)
    return v
  })
}

export function optObject(input: Input, name: string): Input | undefined {
  const value = input[name]
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validation(`${name} must be a structure`)
  }
  return value as Input
}

export function objectList(input: Input, name: string): Input[] {
  return (optList(input, name) ?? []).map((v, i) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw validation(`${name}.member.${i + 1} must be a structure`)
    }
    return v as Input
  })
}

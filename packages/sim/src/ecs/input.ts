import { AwsError } from '../contract.js'
import type { Tag } from './model.js'

/** Request readers that fail the way ECS does: InvalidParameterException naming the member. */

export type Input = Record<string, unknown>

export function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message)
}

export function requireString(input: Input, name: string): string {
  const value = input[name]
  if (value === undefined || value === null || value === '') {
    throw invalid(`Value null at '${name}' failed to satisfy constraint: Member must not be null`)
  }
  if (typeof value !== 'string') throw invalid(`${name} must be a string.`)
  return value
}

export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalid(`${name} must be a string.`)
  return value
}

export function optionalInteger(
  input: Input,
  name: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER
): number | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid(`${name} must be an integer.`)
  }
  if (value < min || value > max) {
    throw invalid(`${name} must be between ${min} and ${max}, got ${value}.`)
  }
  return value
}

export function optionalBoolean(input: Input, name: string): boolean | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw invalid(`${name} must be a boolean.`)
  return value
}

export function optionalEnum<T extends string>(
  input: Input,
  name: string,
  values: readonly T[]
): T | undefined {
  const value = optionalString(input, name)
  if (value === undefined) return undefined
  if (!(values as readonly string[]).includes(value)) {
    throw invalid(
      `1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${values.join(', ')}]`
    )
  }
  return value as T
}

export function optionalObject(input: Input, name: string): Input | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${name} must be an object.`)
  return value as Input
}

export function optionalArray(input: Input, name: string): unknown[] | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw invalid(`${name} must be a list.`)
  const list: unknown[] = value
  return list
}

export function requireArray(input: Input, name: string): unknown[] {
  const value = optionalArray(input, name)
  if (value === undefined) {
    throw invalid(`Value null at '${name}' failed to satisfy constraint: Member must not be null`)
  }
  return value
}

export function stringList(input: Input, name: string): string[] | undefined {
  const list = optionalArray(input, name)
  if (list === undefined) return undefined
  for (const item of list) {
    if (typeof item !== 'string') throw invalid(`${name} must be a list of strings.`)
  }
  return list as string[]
}

export function objectList(input: Input, name: string): Input[] | undefined {
  const list = optionalArray(input, name)
  if (list === undefined) return undefined
  for (const item of list) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw invalid(`${name} must be a list of objects.`)
    }
  }
  return list as Input[]
}

export function readTags(input: Input, name = 'tags'): Tag[] {
  const list = objectList(input, name) ?? []
  return list.map(item => {
    const key = requireString(item, 'key')
    return { key, value: optionalString(item, 'value') ?? '' }
  })
}

export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map(tag => [tag.key, tag.value]))
  for (const tag of added) byKey.set(tag.key, tag.value)
  return [...byKey].map(([key, value]) => ({ key, value }))
}

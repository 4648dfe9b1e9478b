import { GitHubSeedError } from '../contract.js'

/**
 * Reading the parts of a GitHub declaration (`POST /_sim/github`, `/_sim/github/push`,
 * `/_sim/github/waiting`, a scenario's `github:`), failing with the path of the bad value.
 */

export type Obj = Record<string, unknown>

export const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/
export const SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
export const REPO_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/

export const show = (value: unknown): string => JSON.stringify(value) ?? String(value)
export const at = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`

export function object(value: unknown, path: string, known: readonly string[]): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GitHubSeedError(path, `must be a mapping, got ${show(value)}`)
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new GitHubSeedError(at(path, key), `unknown field (known: ${known.join(', ')})`)
    }
  }
  return value as Obj
}

export function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new GitHubSeedError(path, `must be a list, got ${show(value)}`)
  return value
}

export function text(value: unknown, path: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new GitHubSeedError(path, `must be ${what}, got ${show(value)}`)
  }
  return value
}

export function optionalId(raw: Obj, path: string): number | undefined {
  const id = raw.id
  if (id === undefined) return undefined
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw new GitHubSeedError(at(path, 'id'), `must be a positive integer, got ${show(id)}`)
  }
  return id
}

import { commandSecrets } from './probes/command.js'
import type { CheckSpec } from './types.js'

/** Every header value of every http check, so the adapter can mask them all. */
export function secretHeaderValues(checks: CheckSpec[]): string[] {
  const values = new Set<string>()
  for (const check of checks) {
    if (check.type !== 'http') continue
    for (const value of Object.values(check.headers)) if (value !== '') values.add(value)
  }
  return [...values]
}

/**
 * Everything in the checks that must be masked before anything is logged: header values
 * (often tokens from secrets), passwords written into URLs, and the values of command checks'
 * env variables whose names look secret.
 */
export function secretValues(checks: CheckSpec[]): string[] {
  const values = new Set(secretHeaderValues(checks))
  for (const check of checks) {
    if (check.type === 'command') for (const value of commandSecrets(check)) values.add(value)
    if (check.type !== 'http') continue
    const password = new URL(check.url).password
    if (password !== '') values.add(decodeURIComponent(password))
  }
  return [...values]
}

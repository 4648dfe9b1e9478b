import * as core from '@actions/core'
import { isSecretName, secretMasker } from '@fargate-promote/common'

export const REDACTED = '***'

function secretLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
}

/**
 * Registers a value with the runner so it is masked in the log. The runner masks line by
 * line, so a multi-line value (a PEM key, a JSON blob) is registered whole and per line.
 * Empty values are ignored: masking '' would do nothing useful.
 */
export function maskSecret(value: string): void {
  if (value.trim() === '') return
  core.setSecret(value)
  const lines = secretLines(value)
  if (lines.length > 1) lines.forEach(line => core.setSecret(line))
}

/** Replaces each secret, in every form it may be written in (secretForms), with ***. */
export function redact(text: string, secrets: Iterable<string>): string {
  return secretMasker(secrets, REDACTED)(text)
}

/** A copy of the headers (or environment) with the values of secret-looking names replaced. */
export function redactHeaders<V>(
  record: Readonly<Record<string, V>>
): Record<string, V | typeof REDACTED> {
  return Object.fromEntries(
    Object.entries(record).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value])
  )
}

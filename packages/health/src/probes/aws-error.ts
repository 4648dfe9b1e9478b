import { errorMessage } from '@fargate-promote/common'

/**
 * An AWS call that failed after the SDK's own retries: the check fails for this round with the
 * call and error named (AccessDenied and throttling read very differently to a person).
 */
export function awsFailure(call: string, error: unknown): string {
  const { name, message: raw } = (error ?? {}) as { name?: unknown; message?: unknown }
  const message = typeof raw === 'string' && raw !== '' ? raw : errorMessage(error)
  const prefix =
    typeof name === 'string' && name !== 'Error' && !message.startsWith(name) ? `${name}: ` : ''
  return `${call} failed: ${prefix}${message}`
}

/** AWS error names differ between SDK versions and protocols; compare on the name only. */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = (error ?? {}) as { name?: unknown }
  return typeof name.name === 'string' && names.includes(name.name)
}

import { errorMessage } from '@fargate-promote/common'
import { classifyAwsError } from '@fargate-promote/ecs'
import type { Sample } from '../types.js'

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

/**
 * A failed AWS read whose error heals (throttling, a 5xx, a reset connection: the SDK's own
 * classification, as the rollout watch uses) says nothing of the service: the sample is marked
 * `unreadable` and its round counts neither as a pass nor as a failure. Access denied or a
 * missing resource is an answer, and fails the round.
 */
export function unlessTransient(error: unknown, sample: Sample): Sample {
  return classifyAwsError(error) === 'permanent' ? sample : { ...sample, unreadable: true }
}

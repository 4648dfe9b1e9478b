import { AwsError } from '../contract.js'
import { invalid } from '../cloudwatch/params.js'
import { formatRedrivePolicy, parseRedrivePolicy, validateSettable } from './queue-attributes.js'
import { queueByArn, type SqsStore } from './store.js'

/**
 * The Attributes map of CreateQueue and SetQueueAttributes, checked. A RedrivePolicy must name
 * an existing queue, and is stored normalised so equal policies compare equal as strings.
 */
export function settableAttributes(
  store: SqsStore,
  input: Record<string, unknown>,
  name: string
): Record<string, string> {
  const raw = input.Attributes
  if (raw === undefined || raw === null) return {}
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(name, raw, 'Must be a map.')
  const attributes = validateSettable(raw as Record<string, unknown>)
  if (attributes.RedrivePolicy !== undefined && attributes.RedrivePolicy !== '') {
    const policy = parseRedrivePolicy(attributes.RedrivePolicy)
    if (!queueByArn(store, policy.deadLetterTargetArn)) {
      throw new AwsError(
        'InvalidParameterValue',
        `Value ${attributes.RedrivePolicy} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.`
      )
    }
    attributes.RedrivePolicy = formatRedrivePolicy(policy)
  }
  return attributes
}

import { AwsError } from '../contract.js'
import { reqString, type Input } from './params.js'
import type { ElbStore } from './store.js'

export function deleteRule(store: ElbStore, input: Input): unknown {
  const arn = reqString(input, 'RuleArn')
  if ([...store.listeners.values()].some(l => l.defaultRuleArn === arn)) {
    throw new AwsError('OperationNotPermitted', 'The default rule cannot be deleted')
  }
  if (!store.rules.delete(arn)) throw new AwsError('RuleNotFound', `One or more rules not found`)
  return {}
}

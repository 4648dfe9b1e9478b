import { AwsError } from '../contract.js'
import { optString, optStringList, validation, type Input } from './params.js'
import { listener, rulesOf, type ElbStore } from './store.js'
import { defaultRuleView, ruleView } from './views.js'

export function describeRules(store: ElbStore, input: Input): unknown {
  const listenerArn = optString(input, 'ListenerArn')
  const arns = optStringList(input, 'RuleArns')
  if ((listenerArn === undefined) === (arns === undefined)) {
    throw validation('You must specify either a listener ARN or rule ARNs, but not both')
  }
  if (listenerArn !== undefined) {
    const record = listener(store, listenerArn)
    const own = rulesOf(store, record.arn).sort((a, b) => a.priority - b.priority)
    return { Rules: [...own.map(ruleView), defaultRuleView(record)] }
  }
  return {
    Rules: (arns ?? []).map(arn => {
      const rule = store.rules.get(arn)
      if (rule !== undefined) return ruleView(rule)
      const owner = [...store.listeners.values()].find(l => l.defaultRuleArn === arn)
      if (owner !== undefined) return defaultRuleView(owner)
      throw new AwsError('RuleNotFound', `One or more rules not found`)
    })
  }
}

import { AwsError } from '../contract.js'
import { parseActions, parseConditions } from './actions.js'
import type { RuleRecord } from './model.js'
import { reqString, type Input } from './params.js'
import { groupExists, type ElbStore } from './store.js'
import { defaultRuleView, ruleView } from './views.js'

export function modifyRule(store: ElbStore, input: Input): unknown {
  const arn = reqString(input, 'RuleArn')
  const rule = store.rules.get(arn)
  const owner = [...store.listeners.values()].find(l => l.defaultRuleArn === arn)
  if (rule === undefined && owner === undefined) {
    throw new AwsError('RuleNotFound', `One or more rules not found`)
  }
  if (owner !== undefined) {
    if (input.Conditions !== undefined) {
      throw new AwsError('OperationNotPermitted', 'The default rule cannot have conditions')
    }
    if (input.Actions !== undefined)
      owner.defaultActions = parseActions(input, 'Actions', groupExists(store))
    return { Rules: [defaultRuleView(owner)] }
  }
  const r = rule as RuleRecord
  const conditions = input.Conditions === undefined ? r.conditions : parseConditions(input)
  const actions =
    input.Actions === undefined ? r.actions : parseActions(input, 'Actions', groupExists(store))
  r.conditions = conditions
  r.actions = actions
  return { Rules: [ruleView(r)] }
}

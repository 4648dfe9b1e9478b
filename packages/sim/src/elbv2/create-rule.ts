import { AwsError, type RequestContext } from '../contract.js'
import { parseActions, parseConditions } from './actions.js'
import { elbArn, hexId, type RuleRecord } from './model.js'
import { optInt, reqString, validation, type Input } from './params.js'
import { groupExists, listener, rulesOf, type ElbStore } from './store.js'
import { ruleView } from './views.js'

export function createRule(store: ElbStore, ctx: RequestContext, input: Input): unknown {
  const record = listener(store, reqString(input, 'ListenerArn'))
  const priority = optInt(input, 'Priority', 1, 50_000)
  if (priority === undefined) throw validation('A rule priority must be specified')
  const conditions = parseConditions(input)
  const actions = parseActions(input, 'Actions', groupExists(store))
  if (rulesOf(store, record.arn).some(r => r.priority === priority)) {
    throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`)
  }
  const listenerPart = record.arn.slice(record.arn.indexOf(':listener/') + ':listener/'.length)
  const rule: RuleRecord = {
    arn: elbArn(ctx.region, `listener-rule/${listenerPart}/${hexId(8)}`),
    listenerArn: record.arn,
    priority,
    conditions,
    actions
  }
  store.rules.set(rule.arn, rule)
  return { Rules: [ruleView(rule)] }
}

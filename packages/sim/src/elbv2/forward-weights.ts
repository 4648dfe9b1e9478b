import { AwsError } from '../contract.js'
import { checkTargetGroups } from './actions.js'
import type { ActionRecord, TargetGroupWeight } from './model.js'
import { validation } from './params.js'
import { groupExists, type ElbStore } from './store.js'

/**
 * The weights of the forward action on the listener or rule a weight change applies to (ECS
 * moves production traffic this way). A listener's default rule ARN means the listener.
 */

function actionsOf(store: ElbStore, arn: string): ActionRecord[] {
  const l =
    store.listeners.get(arn) ?? [...store.listeners.values()].find(x => x.defaultRuleArn === arn)
  if (l !== undefined) return l.defaultActions
  const rule = store.rules.get(arn)
  if (rule === undefined) {
    throw new AwsError('ListenerNotFound', `No listener or rule '${arn}' found`)
  }
  return rule.actions
}

function forwardAction(store: ElbStore, arn: string): Extract<ActionRecord, { type: 'forward' }> {
  const action = actionsOf(store, arn).find(a => a.type === 'forward')
  if (action?.type !== 'forward') {
    throw new AwsError('InvalidLoadBalancerAction', `'${arn}' has no forward action`)
  }
  return action
}

export function setForwardWeights(
  store: ElbStore,
  arn: string,
  weights: TargetGroupWeight[]
): void {
  checkTargetGroups(weights, groupExists(store))
  if (weights.length === 0) throw validation('At least one target group weight is required')
  for (const w of weights) {
    if (!Number.isInteger(w.weight) || w.weight < 0 || w.weight > 999) {
      throw validation(`Target group weight '${w.weight}' must be an integer from 0 to 999`)
    }
  }
  const action = forwardAction(store, arn)
  // Mutated in place so the action keeps its weighted-round-robin position.
  action.targetGroups = weights.map(w => ({
    targetGroupArn: w.targetGroupArn,
    weight: w.weight
  }))
  action.single = weights.length === 1
}

export function forwardWeights(store: ElbStore, arn: string): TargetGroupWeight[] {
  return forwardAction(store, arn).targetGroups.map(g => ({ ...g }))
}

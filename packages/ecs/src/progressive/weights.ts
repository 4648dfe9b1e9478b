import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  type Action,
  type ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'

/** What reading the production weights asks of ELBv2: DescribeRules / DescribeListeners. */
export type RuleReader = Pick<ElasticLoadBalancingV2Client, 'send'>

/** The actions of a listener rule, or of a listener's default rule when given a listener ARN. */
async function actionsOf(ruleOrListener: string, elb: RuleReader): Promise<Action[]> {
  if (ruleOrListener.includes(':listener-rule/')) {
    const out = await elb.send(new DescribeRulesCommand({ RuleArns: [ruleOrListener] }))
    return out.Rules?.[0]?.Actions ?? []
  }
  const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [ruleOrListener] }))
  return out.Listeners?.[0]?.DefaultActions ?? []
}

/**
 * The share of production traffic, in percent (one decimal), the rule forwards to `targetGroup`:
 * its weight over the sum of the forward action's weights; a plain forward to one group is all
 * of it. 0 when the rule forwards nowhere.
 */
export async function productionShare(
  ruleOrListener: string,
  targetGroup: string,
  elb: RuleReader
): Promise<number> {
  const forward = (await actionsOf(ruleOrListener, elb)).find(a => a.Type === 'forward')
  const groups = forward?.ForwardConfig?.TargetGroups ?? []
  if (groups.length === 0) return forward?.TargetGroupArn === targetGroup ? 100 : 0
  const total = groups.reduce((sum, g) => sum + (g.Weight ?? 0), 0)
  const mine = groups.find(g => g.TargetGroupArn === targetGroup)?.Weight ?? 0
  return total === 0 ? 0 : Math.round((mine / total) * 1000) / 10
}

/** The ALB of a listener or listener rule ARN: `…:loadbalancer/app/<name>/<id>`. */
export function loadBalancerOf(rule: string): string {
  return rule.replace(/:listener(?:-rule)?\/(app\/[^/]+\/[^/]+)\/.*$/, ':loadbalancer/$1')
}

import { actionView, conditionView } from './actions.js'
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from './model.js'

/** The wire shapes of the Describe* results (SDK models_0.d.ts). */

export function loadBalancerView(lb: LoadBalancerRecord): Record<string, unknown> {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: lb.createdTime,
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: lb.subnets.map((subnet, i) => ({
      ZoneName: `${lb.region}${'abcdef'[i % 6]}`,
      SubnetId: subnet
    })),
    SecurityGroups: lb.securityGroups,
    IpAddressType: lb.ipAddressType
  }
}

export function targetGroupView(
  tg: TargetGroupRecord,
  loadBalancerArns: string[]
): Record<string, unknown> {
  const hc = tg.healthCheck
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckEnabled: hc.enabled,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
    HealthCheckPath: hc.path,
    Matcher: { HttpCode: hc.matcher },
    LoadBalancerArns: loadBalancerArns,
    TargetType: tg.targetType,
    ProtocolVersion: tg.protocolVersion,
    IpAddressType: tg.ipAddressType
  }
}

export function listenerView(listener: ListenerRecord): Record<string, unknown> {
  return {
    ListenerArn: listener.arn,
    LoadBalancerArn: listener.loadBalancerArn,
    Port: listener.port,
    Protocol: listener.protocol,
    DefaultActions: listener.defaultActions.map(actionView)
  }
}

export function ruleView(rule: RuleRecord): Record<string, unknown> {
  return {
    RuleArn: rule.arn,
    Priority: String(rule.priority),
    Conditions: rule.conditions.map(conditionView),
    Actions: rule.actions.map(actionView),
    IsDefault: false
  }
}

/** Every listener has a default rule holding its default actions (DescribeRules lists it last). */
export function defaultRuleView(listener: ListenerRecord): Record<string, unknown> {
  return {
    RuleArn: listener.defaultRuleArn,
    Priority: 'default',
    Conditions: [],
    Actions: listener.defaultActions.map(actionView),
    IsDefault: true
  }
}

export function attributesView(tg: TargetGroupRecord): { Key: string; Value: string }[] {
  return [...tg.attributes].map(([Key, Value]) => ({ Key, Value }))
}

import { AwsError, type ElbModule, type ListenerInfo, type RequestContext } from '../contract.js'
import { bindListener } from './bind-listener.js'
import { createListener } from './create-listener.js'
import { createLoadBalancer } from './create-load-balancer.js'
import { createRule } from './create-rule.js'
import { createTargetGroup } from './create-target-group.js'
import { deleteListener } from './delete-listener.js'
import { deleteLoadBalancer } from './delete-load-balancer.js'
import { deleteRule } from './delete-rule.js'
import { deleteTargetGroup } from './delete-target-group.js'
import { deregisterTargets } from './deregister-targets.js'
import { describeListeners } from './describe-listeners.js'
import { describeLoadBalancers } from './describe-load-balancers.js'
import { describeRules } from './describe-rules.js'
import { describeTargetGroupAttributes } from './describe-target-group-attributes.js'
import { describeTargetGroups } from './describe-target-groups.js'
import { describeTargetHealth } from './describe-target-health.js'
import { dumpState } from './dump.js'
import { listenerInfo } from './listener-info.js'
import { createLoadBalancingPort } from './load-balancing-port.js'
import { modifyListener } from './modify-listener.js'
import { modifyRule } from './modify-rule.js'
import { modifyTargetGroupAttributes } from './modify-target-group-attributes.js'
import { modifyTargetGroup } from './modify-target-group.js'
import type { Input } from './params.js'
import { registerTargets } from './register-targets.js'
import { createStore, resetStore, type ElbDeps, type ElbStore } from './store.js'

export type { ElbDeps } from './store.js'

type Operation = (store: ElbStore, ctx: RequestContext, input: Input) => unknown

const OPERATIONS: Record<string, Operation> = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: (s, _c, i) => describeLoadBalancers(s, i),
  DeleteLoadBalancer: (s, _c, i) => deleteLoadBalancer(s, i),
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: (s, _c, i) => describeTargetGroups(s, i),
  ModifyTargetGroup: (s, _c, i) => modifyTargetGroup(s, i),
  DeleteTargetGroup: (s, _c, i) => deleteTargetGroup(s, i),
  DescribeTargetGroupAttributes: (s, _c, i) => describeTargetGroupAttributes(s, i),
  ModifyTargetGroupAttributes: (s, _c, i) => modifyTargetGroupAttributes(s, i),
  RegisterTargets: (s, _c, i) => registerTargets(s, i),
  DeregisterTargets: (s, _c, i) => deregisterTargets(s, i),
  DescribeTargetHealth: (s, _c, i) => describeTargetHealth(s, i),
  CreateListener: createListener,
  DescribeListeners: (s, _c, i) => describeListeners(s, i),
  ModifyListener: (s, _c, i) => modifyListener(s, i),
  DeleteListener: (s, _c, i) => deleteListener(s, i),
  CreateRule: createRule,
  DescribeRules: (s, _c, i) => describeRules(s, i),
  ModifyRule: (s, _c, i) => modifyRule(s, i),
  DeleteRule: (s, _c, i) => deleteRule(s, i)
}

const MUTATING = /^(Create|Modify|Register|Deregister|Delete|Set|Add|Remove)/

/** ELBv2 for application load balancers, with real health checks and real listener proxies. */
export function createElbModule(deps: ElbDeps): ElbModule {
  const store = createStore(deps)
  return {
    ...createLoadBalancingPort(store),

    async handle(ctx, input) {
      // Own keys only, so `Action=constructor` is an unknown operation like any other.
      const operation = Object.hasOwn(OPERATIONS, ctx.operation)
        ? OPERATIONS[ctx.operation]
        : undefined
      if (operation === undefined) {
        throw new AwsError(
          'InvalidAction',
          `Could not find operation ${ctx.operation} for version 2015-12-01`
        )
      }
      return await Promise.resolve(operation(store, ctx, input))
    },

    isMutating: operation => MUTATING.test(operation),

    reset: () => resetStore(store),

    dump: () => dumpState(store),

    listeners: (): ListenerInfo[] => [...store.listeners.values()].map(l => listenerInfo(store, l)),

    bindListener: (listenerArn, bindPort) => bindListener(store, listenerArn, bindPort),

    albTraffic: (loadBalancer, targetGroup) => store.traffic.minutes(loadBalancer, targetGroup)
  }
}

import type { LoadBalancingPort } from '../contract.js'
import { forwardWeights, setForwardWeights } from './forward-weights.js'
import { loadBalancerArnsOf, targetGroup, type ElbStore } from './store.js'

/** What ECS asks of ELBv2 directly, without going through the API. */
export function createLoadBalancingPort(store: ElbStore): LoadBalancingPort {
  return {
    targetGroupExists: arn => store.targetGroups.has(arn),

    targetGroupInfo(arn) {
      const tg = store.targetGroups.get(arn)
      if (tg === undefined) return undefined
      return {
        arn: tg.arn,
        name: tg.name,
        port: tg.port,
        healthCheckPath: tg.healthCheck.path,
        loadBalancerArns: loadBalancerArnsOf(store, arn)
      }
    },

    registerTargets(arn, targets) {
      const tg = targetGroup(store, arn)
      for (const t of targets) store.registry.register(tg, t)
    },

    // ECS keeps asking about its tasks' targets while they stop; a group deleted meanwhile
    // means there is nothing left to drain, not a failure of the ECS side.
    deregisterTargets(arn, targets) {
      const tg = store.targetGroups.get(arn)
      if (tg !== undefined) for (const t of targets) store.registry.deregister(tg, t)
    },

    targetHealth: (arn, target) => store.registry.health(arn, target),

    setForwardWeights: (arn, weights) => setForwardWeights(store, arn, weights),

    forwardWeights: arn => forwardWeights(store, arn)
  }
}

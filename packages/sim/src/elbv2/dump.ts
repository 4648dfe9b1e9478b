import { loadBalancerArnsOf, rulesOf, type ElbStore } from './store.js'
import { listenerView, loadBalancerView, ruleView, targetGroupView } from './views.js'

/** The state for `GET /_sim/state`: the Describe* views plus targets, health and proxy URLs. */
export function dumpState(store: ElbStore): unknown {
  const { registry } = store
  return {
    loadBalancers: [...store.loadBalancers.values()].map(loadBalancerView),
    targetGroups: [...store.targetGroups.values()].map(tg => ({
      ...targetGroupView(tg, loadBalancerArnsOf(store, tg.arn)),
      Attributes: Object.fromEntries(tg.attributes),
      Targets: registry.list(tg.arn).map(r => ({
        ...r.target,
        health: registry.health(tg.arn, r.target)
      }))
    })),
    listeners: [...store.listeners.values()].map(l => ({
      ...listenerView(l),
      url: l.proxy.url,
      Rules: rulesOf(store, l.arn).map(ruleView)
    }))
  }
}

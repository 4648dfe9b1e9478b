import { optString, optStringList, validation, type Input } from './params.js'
import { listener, loadBalancer, type ElbStore } from './store.js'
import { listenerView } from './views.js'

export function describeListeners(store: ElbStore, input: Input): unknown {
  const arns = optStringList(input, 'ListenerArns')
  const lbArn = optString(input, 'LoadBalancerArn')
  if (arns === undefined && lbArn === undefined) {
    throw validation('You must specify either listener ARNs or a load balancer ARN')
  }
  if (arns !== undefined && lbArn !== undefined) {
    throw validation('Listener ARNs and a load balancer ARN cannot be specified at the same time')
  }
  if (lbArn !== undefined) loadBalancer(store, lbArn)
  const found =
    arns !== undefined
      ? arns.map(arn => listener(store, arn))
      : [...store.listeners.values()].filter(l => l.loadBalancerArn === lbArn)
  return { Listeners: found.map(listenerView) }
}

import { AwsError } from '../contract.js'
import { optStringList, validation, type Input } from './params.js'
import { loadBalancer, type ElbStore } from './store.js'
import { loadBalancerView } from './views.js'

export function describeLoadBalancers(store: ElbStore, input: Input): unknown {
  const arns = optStringList(input, 'LoadBalancerArns')
  const names = optStringList(input, 'Names')
  if (arns !== undefined && names !== undefined) {
    throw validation(
      'Load balancer names and load balancer ARNs cannot be specified at the same time'
    )
  }
  let found = [...store.loadBalancers.values()]
  if (arns !== undefined) found = arns.map(arn => loadBalancer(store, arn))
  if (names !== undefined) {
    found = names.map(name => {
      const lb = found.find(l => l.name === name)
      if (lb === undefined) {
        throw new AwsError('LoadBalancerNotFound', `Load balancers '[${name}]' not found`)
      }
      return lb
    })
  }
  return { LoadBalancers: found.map(loadBalancerView) }
}

import { removeListener } from './delete-listener.js'
import { reqString, type Input } from './params.js'
import type { ElbStore } from './store.js'

export async function deleteLoadBalancer(store: ElbStore, input: Input): Promise<unknown> {
  const arn = reqString(input, 'LoadBalancerArn')
  // Deleting a load balancer that does not exist succeeds (API reference, DeleteLoadBalancer).
  for (const l of [...store.listeners.values()].filter(x => x.loadBalancerArn === arn)) {
    await removeListener(store, l)
  }
  store.loadBalancers.delete(arn)
  return {}
}

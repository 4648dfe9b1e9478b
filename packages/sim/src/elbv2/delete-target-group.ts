import { AwsError } from '../contract.js'
import { reqString, type Input } from './params.js'
import { loadBalancerArnsOf, targetGroup, type ElbStore } from './store.js'

export function deleteTargetGroup(store: ElbStore, input: Input): unknown {
  const tg = targetGroup(store, reqString(input, 'TargetGroupArn'))
  if (loadBalancerArnsOf(store, tg.arn).length > 0) {
    throw new AwsError(
      'ResourceInUse',
      `Target group '${tg.arn}' is currently in use by a listener or a rule`
    )
  }
  store.registry.dropGroup(tg.arn)
  store.targetGroups.delete(tg.arn)
  return {}
}

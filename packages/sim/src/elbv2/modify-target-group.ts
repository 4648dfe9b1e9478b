import { reqString, type Input } from './params.js'
import { loadBalancerArnsOf, targetGroup, type ElbStore } from './store.js'
import { parseHealthCheck } from './target-groups.js'
import { targetGroupView } from './views.js'

export function modifyTargetGroup(store: ElbStore, input: Input): unknown {
  const tg = targetGroup(store, reqString(input, 'TargetGroupArn'))
  tg.healthCheck = parseHealthCheck(input, tg.healthCheck)
  return { TargetGroups: [targetGroupView(tg, loadBalancerArnsOf(store, tg.arn))] }
}

import type { RequestContext } from '../contract.js'
import { elbArn, hexId } from './model.js'
import type { Input } from './params.js'
import { loadBalancerArnsOf, type ElbStore } from './store.js'
import { duplicateName, parseTargetGroup, sameSettings } from './target-groups.js'
import { targetGroupView } from './views.js'

export function createTargetGroup(store: ElbStore, ctx: RequestContext, input: Input): unknown {
  const record = parseTargetGroup(input, name =>
    elbArn(ctx.region, `targetgroup/${name}/${hexId(8)}`)
  )
  const existing = [...store.targetGroups.values()].find(tg => tg.name === record.name)
  if (existing !== undefined) {
    if (!sameSettings(existing, record)) throw duplicateName(record.name)
    return {
      TargetGroups: [targetGroupView(existing, loadBalancerArnsOf(store, existing.arn))]
    }
  }
  store.targetGroups.set(record.arn, record)
  return { TargetGroups: [targetGroupView(record, [])] }
}

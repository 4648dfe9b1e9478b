import { AwsError } from '../contract.js'
import { optString, optStringList, validation, type Input } from './params.js'
import { loadBalancer, loadBalancerArnsOf, targetGroup, type ElbStore } from './store.js'
import { targetGroupView } from './views.js'

export function describeTargetGroups(store: ElbStore, input: Input): unknown {
  const arns = optStringList(input, 'TargetGroupArns')
  const names = optStringList(input, 'Names')
  const lbArn = optString(input, 'LoadBalancerArn')
  if ([arns, names, lbArn].filter(x => x !== undefined).length > 1) {
    throw validation('Specify at most one of LoadBalancerArn, TargetGroupArns and Names')
  }
  let found = [...store.targetGroups.values()]
  if (arns !== undefined) found = arns.map(arn => targetGroup(store, arn))
  if (names !== undefined) {
    found = names.map(name => {
      const tg = found.find(t => t.name === name)
      if (tg === undefined) {
        throw new AwsError('TargetGroupNotFound', `One or more target groups not found`)
      }
      return tg
    })
  }
  if (lbArn !== undefined) {
    loadBalancer(store, lbArn)
    found = found.filter(tg => loadBalancerArnsOf(store, tg.arn).includes(lbArn))
  }
  return {
    TargetGroups: found.map(tg => targetGroupView(tg, loadBalancerArnsOf(store, tg.arn)))
  }
}

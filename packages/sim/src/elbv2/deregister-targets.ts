import { reqString, type Input } from './params.js'
import { requestTargets } from './request-targets.js'
import { targetGroup, type ElbStore } from './store.js'

export function deregisterTargets(store: ElbStore, input: Input): unknown {
  const tg = targetGroup(store, reqString(input, 'TargetGroupArn'))
  for (const t of requestTargets(input, tg, true)) store.registry.deregister(tg, t)
  return {}
}

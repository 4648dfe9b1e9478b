import { reqString, type Input } from './params.js'
import { targetGroup, type ElbStore } from './store.js'
import { attributesView } from './views.js'

export function describeTargetGroupAttributes(store: ElbStore, input: Input): unknown {
  const tg = targetGroup(store, reqString(input, 'TargetGroupArn'))
  return { Attributes: attributesView(tg) }
}

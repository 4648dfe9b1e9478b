import { objectList, reqString, type Input } from './params.js'
import { targetGroup, type ElbStore } from './store.js'
import { applyAttributes } from './target-groups.js'
import { attributesView } from './views.js'

export function modifyTargetGroupAttributes(store: ElbStore, input: Input): unknown {
  const tg = targetGroup(store, reqString(input, 'TargetGroupArn'))
  applyAttributes(tg.attributes, objectList(input, 'Attributes'))
  return { Attributes: attributesView(tg) }
}

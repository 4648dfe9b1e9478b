import type { ListenerRecord } from './model.js'
import type { RouteDecision } from './proxy.js'
import { RoundRobin, selectActions, WeightedPicker } from './routing.js'
import { rulesOf, type ElbStore } from './store.js'

/** The routing decision a listener's proxy asks for on every request. */
export function routeRequest(
  store: ElbStore,
  record: ListenerRecord,
  request: { path: string; host: string }
): RouteDecision {
  const actions = selectActions(rulesOf(store, record.arn), record.defaultActions, request)
  const action = [...actions].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))[0]
  if (action?.type === 'fixed-response') {
    return {
      kind: 'fixed',
      statusCode: action.statusCode,
      contentType: action.contentType,
      body: action.messageBody
    }
  }
  if (action === undefined) return { kind: 'unavailable' }
  let picker = store.pickers.get(action)
  if (picker === undefined) {
    picker = new WeightedPicker()
    store.pickers.set(action, picker)
  }
  const groupArn = picker.pick(action.targetGroups)
  if (groupArn === undefined) return { kind: 'unavailable' }
  let rr = store.roundRobins.get(groupArn)
  if (rr === undefined) {
    rr = new RoundRobin()
    store.roundRobins.set(groupArn, rr)
  }
  const target = rr.pick(store.registry.routable(groupArn))
  return target === undefined ? { kind: 'unavailable' } : { kind: 'forward', target }
}

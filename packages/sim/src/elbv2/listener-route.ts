import type { ListenerRecord } from './model.js'
import type { ProxiedResult, RouteDecision } from './proxy.js'
import { RoundRobin, selectActions, WeightedPicker } from './routing.js'
import { rulesOf, type ElbStore } from './store.js'

/** Records a request's end in the load balancer's traffic log (`groupArn`: the chosen group). */
function reporter(
  store: ElbStore,
  record: ListenerRecord,
  groupArn?: string
): (result: ProxiedResult) => void {
  return result => {
    const lb = store.loadBalancers.get(record.loadBalancerArn)
    if (lb === undefined) return
    if (groupArn === undefined) {
      store.traffic.record(lb.resourceId, { kind: 'no-target', status: result.status })
      return
    }
    const targetGroupSuffix = groupArn.slice(groupArn.lastIndexOf(':') + 1)
    if (result.by === 'elb') {
      store.traffic.record(lb.resourceId, {
        kind: 'target-failed',
        targetGroupSuffix,
        status: result.status
      })
      return
    }
    // The target's own figure when it reports one (sim containers do), else the real time
    // taken, in sim ms.
    const responseTimeMs = result.targetTimeMs ?? result.realElapsedMs * store.clock.scale
    store.traffic.record(lb.resourceId, {
      kind: 'target',
      targetGroupSuffix,
      status: result.status,
      responseTimeMs
    })
  }
}

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
  if (action === undefined) return { kind: 'unavailable', report: reporter(store, record) }
  let picker = store.pickers.get(action)
  if (picker === undefined) {
    picker = new WeightedPicker()
    store.pickers.set(action, picker)
  }
  const groupArn = picker.pick(action.targetGroups)
  if (groupArn === undefined) return { kind: 'unavailable', report: reporter(store, record) }
  let rr = store.roundRobins.get(groupArn)
  if (rr === undefined) {
    rr = new RoundRobin()
    store.roundRobins.set(groupArn, rr)
  }
  const target = rr.pick(store.registry.routable(groupArn))
  return target === undefined
    ? { kind: 'unavailable', report: reporter(store, record) }
    : { kind: 'forward', target, report: reporter(store, record, groupArn) }
}

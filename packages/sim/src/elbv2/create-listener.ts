import { AwsError, type RequestContext } from '../contract.js'
import { parseActions } from './actions.js'
import { listenerProtocol } from './listener-protocol.js'
import { routeRequest } from './listener-route.js'
import { elbArn, hexId, type ListenerRecord } from './model.js'
import { optInt, reqString, validation, type Input } from './params.js'
import { startListenerServer } from './proxy.js'
import { groupExists, loadBalancer, type ElbStore } from './store.js'
import { listenerView } from './views.js'

export async function createListener(
  store: ElbStore,
  ctx: RequestContext,
  input: Input
): Promise<unknown> {
  const lb = loadBalancer(store, reqString(input, 'LoadBalancerArn'))
  const port = optInt(input, 'Port', 1, 65535)
  if (port === undefined) throw validation('A listener port must be specified')
  const protocol = listenerProtocol(input, 'HTTP')
  const defaultActions = parseActions(input, 'DefaultActions', groupExists(store))
  const same = [...store.listeners.values()].find(
    l => l.loadBalancerArn === lb.arn && l.port === port
  )
  if (same !== undefined) {
    // Idempotent for identical settings (API reference, CreateListener).
    const identical =
      same.protocol === protocol &&
      JSON.stringify(same.defaultActions) === JSON.stringify(defaultActions)
    if (!identical)
      throw new AwsError(
        'DuplicateListener',
        'A listener already exists on this port for this load balancer'
      )
    return { Listeners: [listenerView(same)] }
  }
  const listenerId = hexId(8)
  const arn = elbArn(ctx.region, `listener/${lb.resourceId}/${listenerId}`)
  const record: ListenerRecord = {
    arn,
    loadBalancerArn: lb.arn,
    port,
    protocol,
    defaultRuleArn: elbArn(ctx.region, `listener-rule/${lb.resourceId}/${listenerId}/${hexId(8)}`),
    defaultActions,
    proxy: await startListenerServer(
      store.agent,
      () => record.port,
      request => routeRequest(store, record, request)
    )
  }
  store.listeners.set(arn, record)
  return { Listeners: [listenerView(record)] }
}

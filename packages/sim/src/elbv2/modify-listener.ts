import { AwsError } from '../contract.js'
import { parseActions } from './actions.js'
import { listenerProtocol } from './listener-protocol.js'
import { optInt, reqString, type Input } from './params.js'
import { groupExists, listener, type ElbStore } from './store.js'
import { listenerView } from './views.js'

export function modifyListener(store: ElbStore, input: Input): unknown {
  const record = listener(store, reqString(input, 'ListenerArn'))
  const port = optInt(input, 'Port', 1, 65535)
  if (port !== undefined && port !== record.port) {
    const taken = [...store.listeners.values()].some(
      l => l.loadBalancerArn === record.loadBalancerArn && l.port === port
    )
    if (taken)
      throw new AwsError(
        'DuplicateListener',
        'A listener already exists on this port for this load balancer'
      )
  }
  const protocol = listenerProtocol(input, record.protocol)
  const actions =
    input.DefaultActions === undefined
      ? record.defaultActions
      : parseActions(input, 'DefaultActions', groupExists(store))
  record.port = port ?? record.port
  record.protocol = protocol
  record.defaultActions = actions
  return { Listeners: [listenerView(record)] }
}

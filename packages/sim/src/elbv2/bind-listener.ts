import { AwsError, type ListenerInfo } from '../contract.js'
import { routeRequest } from './listener-route.js'
import { startListenerServer } from './proxy.js'
import { listener, type ElbStore } from './store.js'
import { listenerInfo } from './listener-info.js'

/**
 * Moves a listener's proxy to a chosen loopback port (a scenario's `bindPort`), so a config file
 * can hold a fixed URL. ELBv2 has no such setting: it only decides where "the internet" reaches
 * the listener on this machine. The new server listens before the old one closes, so a port in
 * use (the `listen` error, `EADDRINUSE`) leaves the listener where it was.
 */
export async function bindListener(
  store: ElbStore,
  listenerArn: string,
  bindPort: number
): Promise<ListenerInfo> {
  const record = listener(store, listenerArn)
  if (record.proxy.port === bindPort) return listenerInfo(store, record)
  const proxy = await startListenerServer(
    store.agent,
    () => record.port,
    request => routeRequest(store, record, request),
    bindPort
  )
  // Deleted (or reset away) while the new server was starting: nothing may keep its port.
  if (store.listeners.get(listenerArn) !== record) {
    await proxy.close()
    throw new AwsError('ListenerNotFound', `Listener '${listenerArn}' not found`)
  }
  const previous = record.proxy
  record.proxy = proxy
  await previous.close()
  return listenerInfo(store, record)
}

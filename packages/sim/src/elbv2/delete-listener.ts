import type { ListenerRecord } from './model.js'
import { reqString, type Input } from './params.js'
import { listener, rulesOf, type ElbStore } from './store.js'

/** A listener goes with its rules and its proxy; DeleteLoadBalancer removes listeners this way. */
export async function removeListener(store: ElbStore, record: ListenerRecord): Promise<void> {
  for (const r of rulesOf(store, record.arn)) store.rules.delete(r.arn)
  store.listeners.delete(record.arn)
  await record.proxy.close()
}

export async function deleteListener(store: ElbStore, input: Input): Promise<unknown> {
  await removeListener(store, listener(store, reqString(input, 'ListenerArn')))
  return {}
}

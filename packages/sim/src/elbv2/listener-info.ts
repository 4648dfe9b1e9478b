import type { ListenerInfo } from '../contract.js'
import type { ListenerRecord } from './model.js'
import type { ElbStore } from './store.js'

/** A listener as `GET /_sim/listeners` shows it: where its real proxy listens. */
export function listenerInfo(store: ElbStore, record: ListenerRecord): ListenerInfo {
  return {
    listenerArn: record.arn,
    loadBalancerArn: record.loadBalancerArn,
    loadBalancerName: store.loadBalancers.get(record.loadBalancerArn)?.name ?? '',
    port: record.port,
    url: record.proxy.url
  }
}

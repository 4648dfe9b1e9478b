import { AwsError } from '../contract.js'
import { objectList, optString, reqString, type Input } from './params.js'
import { requestTargets } from './request-targets.js'
import { targetGroup, type ElbStore } from './store.js'

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/

export function registerTargets(store: ElbStore, input: Input): unknown {
  const tg = targetGroup(store, reqString(input, 'TargetGroupArn'))
  const raw = objectList(input, 'Targets')
  const targets = requestTargets(input, tg, true)
  for (const t of targets) {
    if (!IPV4.test(t.id)) {
      throw new AwsError(
        'InvalidTarget',
        `The IP address '${t.id}' is not a valid IPv4 address for target type ip`
      )
    }
  }
  targets.forEach((t, i) =>
    store.registry.register(tg, t, optString(raw[i] ?? {}, 'AvailabilityZone'))
  )
  return {}
}

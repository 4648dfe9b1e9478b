import { reqString, type Input } from './params.js'
import { requestTargets } from './request-targets.js'
import { targetGroup, type ElbStore } from './store.js'
import { targetKey } from './targets.js'

export function describeTargetHealth(store: ElbStore, input: Input): unknown {
  const { registry } = store
  const tg = targetGroup(store, reqString(input, 'TargetGroupArn'))
  const asked = requestTargets(input, tg, false)
  const targets = asked.length > 0 ? asked : registry.list(tg.arn).map(r => r.target)
  const zones = new Map(registry.list(tg.arn).map(r => [targetKey(r.target), r]))
  return {
    TargetHealthDescriptions: targets.map(t => {
      const health = registry.health(tg.arn, t)
      return {
        Target: {
          Id: t.id,
          Port: t.port,
          AvailabilityZone: zones.get(targetKey(t))?.availabilityZone
        },
        HealthCheckPort:
          tg.healthCheck.port === 'traffic-port' ? String(t.port) : tg.healthCheck.port,
        TargetHealth: {
          State: health.state,
          Reason: health.reason,
          Description: health.description
        }
      }
    })
  }
}

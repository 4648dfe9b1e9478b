import type { SimClock, Target, TargetHealthView } from '../contract.js'
import { DRAINING, NOT_REGISTERED, TargetHealthTracker } from './health.js'
import type { TargetGroupRecord } from './model.js'

/**
 * The registered targets of every target group and their health. Deregistration drains for
 * `deregistration_delay.timeout_seconds` (sim time) before the target disappears (aws-behaviour.md §5):
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay
 */

export interface Registration {
  target: Target
  availabilityZone?: string
  tracker: TargetHealthTracker
  cancelDrain?: () => void
}

export const targetKey = (t: Target): string => `${t.id}:${t.port}`

export class TargetRegistry {
  private readonly groups = new Map<string, Map<string, Registration>>()

  constructor(
    private readonly clock: SimClock,
    private readonly minProbeTimeoutMs: number
  ) {}

  register(group: TargetGroupRecord, target: Target, availabilityZone?: string): void {
    const members = this.members(group.arn)
    const existing = members.get(targetKey(target))
    if (existing !== undefined && existing.cancelDrain === undefined) return
    this.forget(existing)
    members.set(targetKey(target), {
      target,
      availabilityZone,
      tracker: new TargetHealthTracker({
        clock: this.clock,
        target,
        settings: () => group.healthCheck,
        minTimeoutMs: this.minProbeTimeoutMs
      })
    })
  }

  /** Deregistering a target that is not registered succeeds and does nothing, as on AWS. */
  deregister(group: TargetGroupRecord, target: Target): void {
    const members = this.members(group.arn)
    const key = targetKey(target)
    const registration = members.get(key)
    if (registration === undefined || registration.cancelDrain !== undefined) return
    registration.tracker.drain()
    const delaySeconds = Number(group.attributes.get('deregistration_delay.timeout_seconds') ?? 300)
    registration.cancelDrain = this.clock.setTimer(() => {
      if (members.get(key) === registration) members.delete(key)
    }, delaySeconds * 1000)
  }

  health(groupArn: string, target: Target): TargetHealthView {
    const registration = this.groups.get(groupArn)?.get(targetKey(target))
    if (registration === undefined) return NOT_REGISTERED
    return registration.cancelDrain === undefined ? registration.tracker.current() : DRAINING
  }

  list(groupArn: string): Registration[] {
    return [...(this.groups.get(groupArn)?.values() ?? [])]
  }

  /**
   * Where new requests may go: healthy targets, or — when none is healthy — every registered
   * target that is not draining (ALB fail-open, aws-behaviour.md §5).
   */
  routable(groupArn: string): Target[] {
    const live = this.list(groupArn).filter(r => r.cancelDrain === undefined)
    const healthy = live.filter(r => r.tracker.current().state === 'healthy')
    return (healthy.length > 0 ? healthy : live).map(r => r.target)
  }

  dropGroup(groupArn: string): void {
    for (const registration of this.list(groupArn)) this.forget(registration)
    this.groups.delete(groupArn)
  }

  clear(): void {
    for (const arn of [...this.groups.keys()]) this.dropGroup(arn)
  }

  private forget(registration: Registration | undefined): void {
    registration?.tracker.stop()
    registration?.cancelDrain?.()
  }

  private members(groupArn: string): Map<string, Registration> {
    let members = this.groups.get(groupArn)
    if (members === undefined) {
      members = new Map()
      this.groups.set(groupArn, members)
    }
    return members
  }
}

import { Agent } from 'node:http'
import { AwsError, type SimClock } from '../contract.js'
import type {
  ActionRecord,
  ListenerRecord,
  LoadBalancerRecord,
  RuleRecord,
  TargetGroupRecord
} from './model.js'
import type { RoundRobin, WeightedPicker } from './routing.js'
import { TargetRegistry } from './targets.js'
import { TrafficLog } from './traffic-log.js'

export interface ElbDeps {
  clock: SimClock
  /**
   * Lower bound, in real ms, of a health-check timeout (default 1000). At a high time scale a
   * 5 s timeout would be a few real ms, and loopback jitter must not read as `Target.Timeout`.
   */
  minProbeTimeoutMs?: number
}

/** Everything the operations, the listener proxies and the ECS port share. */
export interface ElbStore {
  clock: SimClock
  loadBalancers: Map<string, LoadBalancerRecord>
  targetGroups: Map<string, TargetGroupRecord>
  listeners: Map<string, ListenerRecord>
  rules: Map<string, RuleRecord>
  registry: TargetRegistry
  pickers: WeakMap<ActionRecord, WeightedPicker>
  roundRobins: Map<string, RoundRobin>
  /** Replaced by reset, so no pooled connection to a previous world's targets is reused. */
  agent: Agent
  /** Per-minute figures of the proxied requests, for CloudWatch's AWS/ApplicationELB. */
  traffic: TrafficLog
}

export function createStore(deps: ElbDeps): ElbStore {
  return {
    clock: deps.clock,
    loadBalancers: new Map(),
    targetGroups: new Map(),
    listeners: new Map(),
    rules: new Map(),
    registry: new TargetRegistry(deps.clock, deps.minProbeTimeoutMs ?? 1_000),
    pickers: new WeakMap(),
    roundRobins: new Map(),
    agent: new Agent({ keepAlive: true }),
    traffic: new TrafficLog(deps.clock)
  }
}

export function loadBalancer(store: ElbStore, arn: string): LoadBalancerRecord {
  const lb = store.loadBalancers.get(arn)
  if (lb === undefined) {
    throw new AwsError('LoadBalancerNotFound', `Load balancer '${arn}' not found`)
  }
  return lb
}

export function targetGroup(store: ElbStore, arn: string): TargetGroupRecord {
  const tg = store.targetGroups.get(arn)
  if (tg === undefined)
    throw new AwsError('TargetGroupNotFound', `Target groups '${arn}' not found`)
  return tg
}

export function listener(store: ElbStore, arn: string): ListenerRecord {
  const found = store.listeners.get(arn)
  if (found === undefined) throw new AwsError('ListenerNotFound', `Listener '${arn}' not found`)
  return found
}

/** The check `parseActions` and `checkTargetGroups` take. */
export function groupExists(store: ElbStore): (arn: string) => boolean {
  return arn => store.targetGroups.has(arn)
}

export function rulesOf(store: ElbStore, listenerArn: string): RuleRecord[] {
  return [...store.rules.values()].filter(r => r.listenerArn === listenerArn)
}

function forwardedGroups(actions: ActionRecord[]): string[] {
  return actions.flatMap(a =>
    a.type === 'forward' ? a.targetGroups.map(g => g.targetGroupArn) : []
  )
}

/** A target group belongs to the load balancers whose listeners or rules forward to it. */
export function loadBalancerArnsOf(store: ElbStore, groupArn: string): string[] {
  const arns = new Set<string>()
  for (const l of store.listeners.values()) {
    const used = [l.defaultActions, ...rulesOf(store, l.arn).map(r => r.actions)].some(actions =>
      forwardedGroups(actions).includes(groupArn)
    )
    if (used) arns.add(l.loadBalancerArn)
  }
  return [...arns]
}

export async function resetStore(store: ElbStore): Promise<void> {
  const all = [...store.listeners.values()]
  store.listeners.clear()
  store.rules.clear()
  store.registry.clear()
  store.loadBalancers.clear()
  store.targetGroups.clear()
  store.roundRobins.clear()
  store.traffic.clear()
  await Promise.all(all.map(l => l.proxy.close()))
  store.agent.destroy()
  store.agent = new Agent({ keepAlive: true })
}

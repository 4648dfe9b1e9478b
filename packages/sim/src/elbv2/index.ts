import { Agent } from 'node:http'
import {
  AwsError,
  type ElbModule,
  type ListenerInfo,
  type RequestContext,
  type SimClock,
  type Target
} from '../contract.js'
import { checkTargetGroups, parseActions, parseConditions } from './actions.js'
import {
  elbArn,
  hexId,
  type ActionRecord,
  type ListenerRecord,
  type LoadBalancerRecord,
  type RuleRecord,
  type TargetGroupRecord
} from './model.js'
import { objectList, optInt, optString, optStringList, reqString, validation } from './params.js'
import { startListenerServer, type RouteDecision } from './proxy.js'
import { RoundRobin, selectActions, WeightedPicker } from './routing.js'
import {
  applyAttributes,
  checkName,
  duplicateName,
  parseHealthCheck,
  parseTargetGroup,
  sameSettings
} from './target-groups.js'
import { targetKey, TargetRegistry } from './targets.js'
import {
  defaultRuleView,
  listenerView,
  loadBalancerView,
  ruleView,
  targetGroupView
} from './views.js'

export interface ElbDeps {
  clock: SimClock
  /**
   * Lower bound, in real ms, of a health-check timeout (default 1000). At a high time scale a
   * 5 s timeout would be a few real ms, and loopback jitter must not read as `Target.Timeout`.
   */
  minProbeTimeoutMs?: number
}

type Input = Record<string, unknown>
type Handler = (ctx: RequestContext, input: Input) => unknown

const MUTATING = /^(Create|Modify|Register|Deregister|Delete|Set|Add|Remove)/

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/

/** ELBv2 for application load balancers, with real health checks and real listener proxies. */
export function createElbModule(deps: ElbDeps): ElbModule {
  const { clock } = deps
  const loadBalancers = new Map<string, LoadBalancerRecord>()
  const targetGroups = new Map<string, TargetGroupRecord>()
  const listeners = new Map<string, ListenerRecord>()
  const rules = new Map<string, RuleRecord>()
  const registry = new TargetRegistry(clock, deps.minProbeTimeoutMs ?? 1_000)
  const pickers = new WeakMap<ActionRecord, WeightedPicker>()
  const roundRobins = new Map<string, RoundRobin>()
  let agent = new Agent({ keepAlive: true })

  // -- lookups ----------------------------------------------------------------------------

  const loadBalancer = (arn: string): LoadBalancerRecord => {
    const lb = loadBalancers.get(arn)
    if (lb === undefined) {
      throw new AwsError('LoadBalancerNotFound', `Load balancer '${arn}' not found`)
    }
    return lb
  }
  const targetGroup = (arn: string): TargetGroupRecord => {
    const tg = targetGroups.get(arn)
    if (tg === undefined)
      throw new AwsError('TargetGroupNotFound', `Target groups '${arn}' not found`)
    return tg
  }
  const listener = (arn: string): ListenerRecord => {
    const found = listeners.get(arn)
    if (found === undefined) throw new AwsError('ListenerNotFound', `Listener '${arn}' not found`)
    return found
  }
  const exists = (arn: string): boolean => targetGroups.has(arn)
  const rulesOf = (listenerArn: string): RuleRecord[] =>
    [...rules.values()].filter(r => r.listenerArn === listenerArn)

  const forwardedGroups = (actions: ActionRecord[]): string[] =>
    actions.flatMap(a => (a.type === 'forward' ? a.targetGroups.map(g => g.targetGroupArn) : []))

  /** A target group belongs to the load balancers whose listeners or rules forward to it. */
  const loadBalancerArnsOf = (groupArn: string): string[] => {
    const arns = new Set<string>()
    for (const l of listeners.values()) {
      const used = [l.defaultActions, ...rulesOf(l.arn).map(r => r.actions)].some(actions =>
        forwardedGroups(actions).includes(groupArn)
      )
      if (used) arns.add(l.loadBalancerArn)
    }
    return [...arns]
  }

  const targetsOf = (input: Input, group: TargetGroupRecord, required: boolean): Target[] => {
    const raw = objectList(input, 'Targets')
    if (required && raw.length === 0) throw validation('Targets must contain at least one target')
    return raw.map(t => {
      const id = reqString(t, 'Id')
      const port = optInt(t, 'Port', 1, 65535) ?? group.port
      return { id, port }
    })
  }

  // -- routing ----------------------------------------------------------------------------

  const route = (
    record: ListenerRecord,
    request: { path: string; host: string }
  ): RouteDecision => {
    const actions = selectActions(rulesOf(record.arn), record.defaultActions, request)
    const action = [...actions].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))[0]
    if (action?.type === 'fixed-response') {
      return {
        kind: 'fixed',
        statusCode: action.statusCode,
        contentType: action.contentType,
        body: action.messageBody
      }
    }
    if (action === undefined) return { kind: 'unavailable' }
    let picker = pickers.get(action)
    if (picker === undefined) {
      picker = new WeightedPicker()
      pickers.set(action, picker)
    }
    const groupArn = picker.pick(action.targetGroups)
    if (groupArn === undefined) return { kind: 'unavailable' }
    let rr = roundRobins.get(groupArn)
    if (rr === undefined) {
      rr = new RoundRobin()
      roundRobins.set(groupArn, rr)
    }
    const target = rr.pick(registry.routable(groupArn))
    return target === undefined ? { kind: 'unavailable' } : { kind: 'forward', target }
  }

  // -- the listener / rule a weight change applies to ---------------------------------------

  const actionsOf = (arn: string): ActionRecord[] => {
    const l = listeners.get(arn) ?? [...listeners.values()].find(x => x.defaultRuleArn === arn)
    if (l !== undefined) return l.defaultActions
    const rule = rules.get(arn)
    if (rule === undefined) {
      throw new AwsError('ListenerNotFound', `No listener or rule '${arn}' found`)
    }
    return rule.actions
  }

  const forwardAction = (arn: string): Extract<ActionRecord, { type: 'forward' }> => {
    const action = actionsOf(arn).find(a => a.type === 'forward')
    if (action?.type !== 'forward') {
      throw new AwsError('InvalidLoadBalancerAction', `'${arn}' has no forward action`)
    }
    return action
  }

  // -- operations -------------------------------------------------------------------------

  const handlers: Record<string, Handler> = {
    CreateLoadBalancer(ctx, input) {
      const name = reqString(input, 'Name')
      checkName('Load balancer', name)
      if (name.startsWith('internal-')) {
        throw validation(`Load balancer name '${name}' cannot begin with 'internal-'`)
      }
      const type = optString(input, 'Type') ?? 'application'
      if (type !== 'application') {
        throw validation(
          `Load balancer type '${type}' is not supported by the simulator (application)`
        )
      }
      // CreateLoadBalancer is idempotent by name (API reference, CreateLoadBalancer).
      const existing = [...loadBalancers.values()].find(lb => lb.name === name)
      if (existing !== undefined) return { LoadBalancers: [loadBalancerView(existing)] }
      const scheme = optString(input, 'Scheme') ?? 'internet-facing'
      if (scheme !== 'internet-facing' && scheme !== 'internal') {
        throw validation(`Scheme '${scheme}' must be internet-facing or internal`)
      }
      const id = hexId(8)
      const subnets = [
        ...(optStringList(input, 'Subnets') ?? []),
        ...objectList(input, 'SubnetMappings').map(m => reqString(m, 'SubnetId'))
      ]
      const lb: LoadBalancerRecord = {
        arn: elbArn(ctx.region, `loadbalancer/app/${name}/${id}`),
        name,
        resourceId: `app/${name}/${id}`,
        region: ctx.region,
        dnsName: `${scheme === 'internal' ? 'internal-' : ''}${name}-${parseInt(id.slice(0, 8), 16)}.${ctx.region}.elb.amazonaws.com`,
        createdTime: new Date(clock.now()),
        scheme,
        vpcId: 'vpc-0sim0000000000001',
        securityGroups: optStringList(input, 'SecurityGroups') ?? [],
        subnets,
        ipAddressType: optString(input, 'IpAddressType') ?? 'ipv4'
      }
      loadBalancers.set(lb.arn, lb)
      return { LoadBalancers: [loadBalancerView(lb)] }
    },

    DescribeLoadBalancers(_ctx, input) {
      const arns = optStringList(input, 'LoadBalancerArns')
      const names = optStringList(input, 'Names')
      if (arns !== undefined && names !== undefined) {
        throw validation(
          'Load balancer names and load balancer ARNs cannot be specified at the same time'
        )
      }
      let found = [...loadBalancers.values()]
      if (arns !== undefined) found = arns.map(loadBalancer)
      if (names !== undefined) {
        found = names.map(name => {
          const lb = found.find(l => l.name === name)
          if (lb === undefined) {
            throw new AwsError('LoadBalancerNotFound', `Load balancers '[${name}]' not found`)
          }
          return lb
        })
      }
      return { LoadBalancers: found.map(loadBalancerView) }
    },

    async DeleteLoadBalancer(_ctx, input) {
      const arn = reqString(input, 'LoadBalancerArn')
      // Deleting a load balancer that does not exist succeeds (API reference, DeleteLoadBalancer).
      for (const l of [...listeners.values()].filter(x => x.loadBalancerArn === arn)) {
        await removeListener(l)
      }
      loadBalancers.delete(arn)
      return {}
    },

    CreateTargetGroup(ctx, input) {
      const record = parseTargetGroup(input, name =>
        elbArn(ctx.region, `targetgroup/${name}/${hexId(8)}`)
      )
      const existing = [...targetGroups.values()].find(tg => tg.name === record.name)
      if (existing !== undefined) {
        if (!sameSettings(existing, record)) throw duplicateName(record.name)
        return { TargetGroups: [targetGroupView(existing, loadBalancerArnsOf(existing.arn))] }
      }
      targetGroups.set(record.arn, record)
      return { TargetGroups: [targetGroupView(record, [])] }
    },

    DescribeTargetGroups(_ctx, input) {
      const arns = optStringList(input, 'TargetGroupArns')
      const names = optStringList(input, 'Names')
      const lbArn = optString(input, 'LoadBalancerArn')
      if ([arns, names, lbArn].filter(x => x !== undefined).length > 1) {
        throw validation('Specify at most one of LoadBalancerArn, TargetGroupArns and Names')
      }
      let found = [...targetGroups.values()]
      if (arns !== undefined) found = arns.map(targetGroup)
      if (names !== undefined) {
        found = names.map(name => {
          const tg = found.find(t => t.name === name)
          if (tg === undefined) {
            throw new AwsError('TargetGroupNotFound', `One or more target groups not found`)
          }
          return tg
        })
      }
      if (lbArn !== undefined) {
        loadBalancer(lbArn)
        found = found.filter(tg => loadBalancerArnsOf(tg.arn).includes(lbArn))
      }
      return { TargetGroups: found.map(tg => targetGroupView(tg, loadBalancerArnsOf(tg.arn))) }
    },

    ModifyTargetGroup(_ctx, input) {
      const tg = targetGroup(reqString(input, 'TargetGroupArn'))
      tg.healthCheck = parseHealthCheck(input, tg.healthCheck)
      return { TargetGroups: [targetGroupView(tg, loadBalancerArnsOf(tg.arn))] }
    },

    DeleteTargetGroup(_ctx, input) {
      const tg = targetGroup(reqString(input, 'TargetGroupArn'))
      if (loadBalancerArnsOf(tg.arn).length > 0) {
        throw new AwsError(
          'ResourceInUse',
          `Target group '${tg.arn}' is currently in use by a listener or a rule`
        )
      }
      registry.dropGroup(tg.arn)
      targetGroups.delete(tg.arn)
      return {}
    },

    DescribeTargetGroupAttributes(_ctx, input) {
      const tg = targetGroup(reqString(input, 'TargetGroupArn'))
      return { Attributes: attributesView(tg) }
    },

    ModifyTargetGroupAttributes(_ctx, input) {
      const tg = targetGroup(reqString(input, 'TargetGroupArn'))
      applyAttributes(tg.attributes, objectList(input, 'Attributes'))
      return { Attributes: attributesView(tg) }
    },

    RegisterTargets(_ctx, input) {
      const tg = targetGroup(reqString(input, 'TargetGroupArn'))
      const raw = objectList(input, 'Targets')
      const targets = targetsOf(input, tg, true)
      for (const t of targets) {
        if (!IPV4.test(t.id)) {
          throw new AwsError(
            'InvalidTarget',
            `The IP address '${t.id}' is not a valid IPv4 address for target type ip`
          )
        }
      }
      targets.forEach((t, i) =>
        registry.register(tg, t, optString(raw[i] ?? {}, 'AvailabilityZone'))
      )
      return {}
    },

    DeregisterTargets(_ctx, input) {
      const tg = targetGroup(reqString(input, 'TargetGroupArn'))
      for (const t of targetsOf(input, tg, true)) registry.deregister(tg, t)
      return {}
    },

    DescribeTargetHealth(_ctx, input) {
      const tg = targetGroup(reqString(input, 'TargetGroupArn'))
      const asked = targetsOf(input, tg, false)
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
    },

    async CreateListener(ctx, input) {
      const lb = loadBalancer(reqString(input, 'LoadBalancerArn'))
      const port = optInt(input, 'Port', 1, 65535)
      if (port === undefined) throw validation('A listener port must be specified')
      const protocol = listenerProtocol(input, 'HTTP')
      const defaultActions = parseActions(input, 'DefaultActions', exists)
      const same = [...listeners.values()].find(
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
        defaultRuleArn: elbArn(
          ctx.region,
          `listener-rule/${lb.resourceId}/${listenerId}/${hexId(8)}`
        ),
        defaultActions,
        proxy: await startListenerServer(
          agent,
          () => record.port,
          request => route(record, request)
        )
      }
      listeners.set(arn, record)
      return { Listeners: [listenerView(record)] }
    },

    DescribeListeners(_ctx, input) {
      const arns = optStringList(input, 'ListenerArns')
      const lbArn = optString(input, 'LoadBalancerArn')
      if (arns === undefined && lbArn === undefined) {
        throw validation('You must specify either listener ARNs or a load balancer ARN')
      }
      if (arns !== undefined && lbArn !== undefined) {
        throw validation(
          'Listener ARNs and a load balancer ARN cannot be specified at the same time'
        )
      }
      if (lbArn !== undefined) loadBalancer(lbArn)
      const found =
        arns !== undefined
          ? arns.map(listener)
          : [...listeners.values()].filter(l => l.loadBalancerArn === lbArn)
      return { Listeners: found.map(listenerView) }
    },

    ModifyListener(_ctx, input) {
      const record = listener(reqString(input, 'ListenerArn'))
      const port = optInt(input, 'Port', 1, 65535)
      if (port !== undefined && port !== record.port) {
        const taken = [...listeners.values()].some(
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
          : parseActions(input, 'DefaultActions', exists)
      record.port = port ?? record.port
      record.protocol = protocol
      record.defaultActions = actions
      return { Listeners: [listenerView(record)] }
    },

    async DeleteListener(_ctx, input) {
      await removeListener(listener(reqString(input, 'ListenerArn')))
      return {}
    },

    CreateRule(ctx, input) {
      const record = listener(reqString(input, 'ListenerArn'))
      const priority = optInt(input, 'Priority', 1, 50_000)
      if (priority === undefined) throw validation('A rule priority must be specified')
      const conditions = parseConditions(input)
      const actions = parseActions(input, 'Actions', exists)
      if (rulesOf(record.arn).some(r => r.priority === priority)) {
        throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`)
      }
      const listenerPart = record.arn.slice(record.arn.indexOf(':listener/') + ':listener/'.length)
      const rule: RuleRecord = {
        arn: elbArn(ctx.region, `listener-rule/${listenerPart}/${hexId(8)}`),
        listenerArn: record.arn,
        priority,
        conditions,
        actions
      }
      rules.set(rule.arn, rule)
      return { Rules: [ruleView(rule)] }
    },

    DescribeRules(_ctx, input) {
      const listenerArn = optString(input, 'ListenerArn')
      const arns = optStringList(input, 'RuleArns')
      if ((listenerArn === undefined) === (arns === undefined)) {
        throw validation('You must specify either a listener ARN or rule ARNs, but not both')
      }
      if (listenerArn !== undefined) {
        const record = listener(listenerArn)
        const own = rulesOf(record.arn).sort((a, b) => a.priority - b.priority)
        return { Rules: [...own.map(ruleView), defaultRuleView(record)] }
      }
      return {
        Rules: (arns ?? []).map(arn => {
          const rule = rules.get(arn)
          if (rule !== undefined) return ruleView(rule)
          const owner = [...listeners.values()].find(l => l.defaultRuleArn === arn)
          if (owner !== undefined) return defaultRuleView(owner)
          throw new AwsError('RuleNotFound', `One or more rules not found`)
        })
      }
    },

    ModifyRule(_ctx, input) {
      const arn = reqString(input, 'RuleArn')
      const rule = rules.get(arn)
      const owner = [...listeners.values()].find(l => l.defaultRuleArn === arn)
      if (rule === undefined && owner === undefined) {
        throw new AwsError('RuleNotFound', `One or more rules not found`)
      }
      if (owner !== undefined) {
        if (input.Conditions !== undefined) {
          throw new AwsError('OperationNotPermitted', 'The default rule cannot have conditions')
        }
        if (input.Actions !== undefined)
          owner.defaultActions = parseActions(input, 'Actions', exists)
        return { Rules: [defaultRuleView(owner)] }
      }
      const r = rule as RuleRecord
      const conditions = input.Conditions === undefined ? r.conditions : parseConditions(input)
      const actions =
        input.Actions === undefined ? r.actions : parseActions(input, 'Actions', exists)
      r.conditions = conditions
      r.actions = actions
      return { Rules: [ruleView(r)] }
    },

    DeleteRule(_ctx, input) {
      const arn = reqString(input, 'RuleArn')
      if ([...listeners.values()].some(l => l.defaultRuleArn === arn)) {
        throw new AwsError('OperationNotPermitted', 'The default rule cannot be deleted')
      }
      if (!rules.delete(arn)) throw new AwsError('RuleNotFound', `One or more rules not found`)
      return {}
    }
  }

  function listenerProtocol(input: Input, fallback: string): string {
    const protocol = optString(input, 'Protocol') ?? fallback
    if (protocol !== 'HTTP') {
      throw new AwsError(
        'UnsupportedProtocol',
        `Protocol '${protocol}' is not supported by the simulator's listeners (HTTP)`
      )
    }
    return protocol
  }

  function attributesView(tg: TargetGroupRecord): { Key: string; Value: string }[] {
    return [...tg.attributes].map(([Key, Value]) => ({ Key, Value }))
  }

  async function removeListener(record: ListenerRecord): Promise<void> {
    for (const r of rulesOf(record.arn)) rules.delete(r.arn)
    listeners.delete(record.arn)
    await record.proxy.close()
  }

  return {
    async handle(ctx, input) {
      const handler = handlers[ctx.operation]
      if (handler === undefined) {
        throw new AwsError(
          'InvalidAction',
          `Could not find operation ${ctx.operation} for version 2015-12-01`
        )
      }
      return await Promise.resolve(handler(ctx, input))
    },

    isMutating: operation => MUTATING.test(operation),

    async reset() {
      const all = [...listeners.values()]
      listeners.clear()
      rules.clear()
      registry.clear()
      loadBalancers.clear()
      targetGroups.clear()
      roundRobins.clear()
      await Promise.all(all.map(l => l.proxy.close()))
      agent.destroy()
      agent = new Agent({ keepAlive: true })
    },

    dump() {
      return {
        loadBalancers: [...loadBalancers.values()].map(loadBalancerView),
        targetGroups: [...targetGroups.values()].map(tg => ({
          ...targetGroupView(tg, loadBalancerArnsOf(tg.arn)),
          Attributes: Object.fromEntries(tg.attributes),
          Targets: registry.list(tg.arn).map(r => ({
            ...r.target,
            health: registry.health(tg.arn, r.target)
          }))
        })),
        listeners: [...listeners.values()].map(l => ({
          ...listenerView(l),
          url: l.proxy.url,
          Rules: rulesOf(l.arn).map(ruleView)
        }))
      }
    },

    targetGroupExists: exists,

    targetGroupInfo(arn) {
      const tg = targetGroups.get(arn)
      if (tg === undefined) return undefined
      return {
        arn: tg.arn,
        name: tg.name,
        port: tg.port,
        healthCheckPath: tg.healthCheck.path,
        loadBalancerArns: loadBalancerArnsOf(arn)
      }
    },

    registerTargets(arn, targets) {
      const tg = targetGroup(arn)
      for (const t of targets) registry.register(tg, t)
    },

    // ECS keeps asking about its tasks' targets while they stop; a group deleted meanwhile
    // means there is nothing left to drain, not a failure of the ECS side.
    deregisterTargets(arn, targets) {
      const tg = targetGroups.get(arn)
      if (tg !== undefined) for (const t of targets) registry.deregister(tg, t)
    },

    targetHealth: (arn, target) => registry.health(arn, target),

    setForwardWeights(arn, weights) {
      checkTargetGroups(weights, exists)
      if (weights.length === 0) throw validation('At least one target group weight is required')
      for (const w of weights) {
        if (!Number.isInteger(w.weight) || w.weight < 0 || w.weight > 999) {
          throw validation(`Target group weight '${w.weight}' must be an integer from 0 to 999`)
        }
      }
      const action = forwardAction(arn)
      // Mutated in place so the action keeps its weighted-round-robin position.
      action.targetGroups = weights.map(w => ({
        targetGroupArn: w.targetGroupArn,
        weight: w.weight
      }))
      action.single = weights.length === 1
    },

    forwardWeights(arn) {
      return forwardAction(arn).targetGroups.map(g => ({ ...g }))
    },

    listeners(): ListenerInfo[] {
      return [...listeners.values()].map(l => {
        const lb = loadBalancers.get(l.loadBalancerArn)
        return {
          listenerArn: l.arn,
          loadBalancerArn: l.loadBalancerArn,
          loadBalancerName: lb?.name ?? '',
          port: l.port,
          url: l.proxy.url
        }
      })
    }
  }
}

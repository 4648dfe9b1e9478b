import {
  GitHubSeedError,
  type GitHubSeed,
  type ImagePushError,
  type ImageBehaviour,
  type ImagePush
} from './contract.js'
import { parseImagePush } from './ecr/push.js'
import { parseGitHubSeed } from './github/seed.js'

/**
 * The scenario file: the world the sim starts from (and returns to on reset). Validation names
 * the path of the offending value (`services[1].cluster: cluster 'qa' is not declared`), so a
 * bad file fails `startSim` before anything is created.
 */

export interface ScenarioTargetGroup {
  name: string
  port: number
  protocol: string
  healthCheckPath: string
  healthCheckIntervalSeconds?: number
  healthCheckTimeoutSeconds?: number
  healthyThresholdCount?: number
  unhealthyThresholdCount?: number
  matcher?: string
  deregistrationDelaySeconds?: number
}

export interface ScenarioListener {
  port: number
  /** The loopback port its proxy listens on (default: an ephemeral one). */
  bindPort?: number
  targetGroups: { name: string; weight: number }[]
}

export interface ScenarioLoadBalancer {
  name: string
  listeners: ScenarioListener[]
}

export interface ScenarioService {
  cluster: string
  name: string
  taskDefinition: string
  desiredCount: number
  targetGroup?: string
  containerName?: string
  containerPort?: number
  deploymentConfiguration?: Record<string, unknown>
  healthCheckGracePeriodSeconds?: number
  tags?: { key: string; value: string }[]
  waitForSteady: boolean
  /**
   * `loadBalancers[0].advancedConfiguration` of an ECS-native BLUE_GREEN, CANARY or LINEAR
   * service, by name: the alternate target group, the listener (load balancer and port) whose
   * weights ECS moves (the sim takes a listener ARN as the production rule), and the role.
   */
  advancedConfiguration?: ScenarioAdvancedConfiguration
}

export interface ScenarioAdvancedConfiguration {
  alternateTargetGroup: string
  productionListener: { loadBalancer: string; port: number }
  roleArn: string
}

export interface ScenarioAlarm {
  name: string
  state?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'
  reason?: string
  metricName: string
  namespace: string
  threshold: number
}

export interface ScenarioQueue {
  name: string
  deadLetterQueue?: string
  maxReceiveCount: number
  messages: number
}

export interface Scenario {
  region: string
  behaviours: Record<string, ImageBehaviour>
  clusters: string[]
  loadBalancers: ScenarioLoadBalancer[]
  targetGroups: ScenarioTargetGroup[]
  taskDefinitions: Record<string, unknown>[]
  services: ScenarioService[]
  alarms: ScenarioAlarm[]
  queues: ScenarioQueue[]
  /** Users, teams and branch histories GitHub knows (see README "GitHub world"). */
  github?: GitHubSeed
  /** Images pushed to the registry before anything else is created. */
  images: ImagePush[]
}

export class ScenarioError extends Error {
  constructor(
    readonly path: string,
    problem: string
  ) {
    super(path === '' ? problem : `${path}: ${problem}`)
    this.name = 'ScenarioError'
  }
}

type Obj = Record<string, unknown>

const scalarText = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : ''

const show = (value: unknown): string => JSON.stringify(value) ?? String(value)

function object(value: unknown, path: string, known: readonly string[] | undefined): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ScenarioError(path, `must be a mapping, got ${show(value)}`)
  }
  if (known !== undefined) {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        throw new ScenarioError(join(path, key), `unknown field (known: ${known.join(', ')})`)
      }
    }
  }
  return value as Obj
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

function list(parent: Obj, key: string, path: string): unknown[] {
  const value = parent[key]
  if (value === undefined || value === null) return []
  if (!Array.isArray(value))
    throw new ScenarioError(join(path, key), `must be a list, got ${show(value)}`)
  return value
}

function str(parent: Obj, key: string, path: string, required: true): string
function str(parent: Obj, key: string, path: string, required: false): string | undefined
function str(parent: Obj, key: string, path: string, required: boolean): string | undefined {
  const value = parent[key]
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ScenarioError(join(path, key), `must be a non-empty string, got ${show(value)}`)
  }
  return value
}

function int(
  parent: Obj,
  key: string,
  path: string,
  range: [number, number],
  fallback?: number
): number {
  const value = parent[key]
  if (value === undefined && fallback !== undefined) return fallback
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < range[0] ||
    value > range[1]
  ) {
    throw new ScenarioError(
      join(path, key),
      `must be an integer from ${range[0]} to ${range[1]}, got ${show(value)}`
    )
  }
  return value
}

function optionalInt(parent: Obj, key: string, path: string, range: [number, number]) {
  return parent[key] === undefined ? undefined : int(parent, key, path, range)
}

function unique(names: string[], path: (i: number) => string, what: string): void {
  const seen = new Set<string>()
  names.forEach((name, i) => {
    if (seen.has(name)) throw new ScenarioError(path(i), `duplicate ${what} '${name}'`)
    seen.add(name)
  })
}

const BEHAVIOUR_KEYS: Record<keyof ImageBehaviour, 'boolean' | 'number' | 'string' | 'object'> = {
  pullError: 'boolean',
  exitAfterMs: 'number',
  exitCode: 'number',
  exitReason: 'string',
  healthStatus: 'number',
  healthyAfterMs: 'number',
  flapEveryMs: 'number',
  errorRate: 'number',
  latencyMs: 'number',
  onlyWhenEnv: 'object'
}

/** `onlyWhenEnv`: variable names to string values. */
function onlyWhenEnv(value: unknown, path: string): void {
  if (value === null || Array.isArray(value)) {
    throw new ScenarioError(
      path,
      `must be a mapping of variable names to values, got ${show(value)}`
    )
  }
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string')
      throw new ScenarioError(join(path, name), `must be a string, got ${show(v)}`)
  }
}

function behaviour(value: unknown, path: string): ImageBehaviour {
  const raw = object(value, path, Object.keys(BEHAVIOUR_KEYS))
  for (const [key, v] of Object.entries(raw)) {
    const type = BEHAVIOUR_KEYS[key as keyof ImageBehaviour]
    if (typeof v !== type)
      throw new ScenarioError(join(path, key), `must be a ${type}, got ${show(v)}`)
    if (key === 'onlyWhenEnv') onlyWhenEnv(v, join(path, key))
    if (key === 'errorRate' && ((v as number) < 0 || (v as number) > 1)) {
      throw new ScenarioError(join(path, key), `must be between 0 and 1, got ${show(v)}`)
    }
  }
  const result: ImageBehaviour = raw
  return result
}

function targetGroup(value: unknown, path: string): ScenarioTargetGroup {
  const raw = object(value, path, [
    'name',
    'port',
    'protocol',
    'healthCheckPath',
    'healthCheckIntervalSeconds',
    'healthCheckTimeoutSeconds',
    'healthyThresholdCount',
    'unhealthyThresholdCount',
    'matcher',
    'deregistrationDelaySeconds'
  ])
  const name = str(raw, 'name', path, true)
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(name)) {
    throw new ScenarioError(
      join(path, 'name'),
      `'${name}' is not a valid target group name (1-32 letters, digits, hyphens; no hyphen at either end)`
    )
  }
  const interval = optionalInt(raw, 'healthCheckIntervalSeconds', path, [5, 300])
  const timeout = optionalInt(raw, 'healthCheckTimeoutSeconds', path, [2, 120])
  // ELBv2 refuses a timeout that is not shorter than the interval; say so with the file's path.
  if ((timeout ?? 5) >= (interval ?? 30)) {
    throw new ScenarioError(
      join(
        path,
        timeout === undefined ? 'healthCheckIntervalSeconds' : 'healthCheckTimeoutSeconds'
      ),
      `the health check timeout (${timeout === undefined ? '5 s, the default' : `${timeout} s`}) must be shorter than the interval (${interval ?? 30} s)`
    )
  }
  return {
    name,
    port: int(raw, 'port', path, [1, 65535]),
    protocol: str(raw, 'protocol', path, false) ?? 'HTTP',
    healthCheckPath: str(raw, 'healthCheckPath', path, false) ?? '/',
    healthCheckIntervalSeconds: interval,
    healthCheckTimeoutSeconds: timeout,
    healthyThresholdCount: optionalInt(raw, 'healthyThresholdCount', path, [2, 10]),
    unhealthyThresholdCount: optionalInt(raw, 'unhealthyThresholdCount', path, [2, 10]),
    matcher: str(raw, 'matcher', path, false),
    deregistrationDelaySeconds: optionalInt(raw, 'deregistrationDelaySeconds', path, [0, 3600])
  }
}

function loadBalancer(value: unknown, path: string, groups: Set<string>): ScenarioLoadBalancer {
  const raw = object(value, path, ['name', 'listeners'])
  const name = str(raw, 'name', path, true)
  const listeners = list(raw, 'listeners', path).map((l, i): ScenarioListener => {
    const lp = `${path}.listeners[${i}]`
    const listener = object(l, lp, ['port', 'bindPort', 'targetGroups'])
    const targets = list(listener, 'targetGroups', lp).map((t, j) => {
      const tp = `${lp}.targetGroups[${j}]`
      const entry = object(t, tp, ['name', 'weight'])
      const tgName = str(entry, 'name', tp, true)
      if (!groups.has(tgName)) {
        throw new ScenarioError(join(tp, 'name'), `target group '${tgName}' is not declared`)
      }
      return { name: tgName, weight: int(entry, 'weight', tp, [0, 999], 1) }
    })
    if (targets.length === 0) {
      throw new ScenarioError(join(lp, 'targetGroups'), 'needs at least one target group')
    }
    const bindPort = optionalInt(listener, 'bindPort', lp, [1, 65535])
    return {
      port: int(listener, 'port', lp, [1, 65535]),
      ...(bindPort === undefined ? {} : { bindPort }),
      targetGroups: targets
    }
  })
  unique(
    listeners.map(l => String(l.port)),
    i => `${path}.listeners[${i}].port`,
    'listener port'
  )
  return { name, listeners }
}

function taskDefinition(value: unknown, path: string): Record<string, unknown> {
  const raw = object(value, path, undefined)
  str(raw, 'family', path, true)
  const containers = list(raw, 'containerDefinitions', path)
  if (containers.length === 0) {
    throw new ScenarioError(join(path, 'containerDefinitions'), 'needs at least one container')
  }
  containers.forEach((c, i) => {
    const cp = `${path}.containerDefinitions[${i}]`
    const container = object(c, cp, undefined)
    str(container, 'name', cp, true)
    str(container, 'image', cp, true)
  })
  return raw
}

/** Two proxies cannot listen on one loopback port. */
function uniqueBindPorts(loadBalancers: ScenarioLoadBalancer[]): void {
  const seen = new Map<number, string>()
  loadBalancers.forEach((lb, i) =>
    lb.listeners.forEach((l, j) => {
      if (l.bindPort === undefined) return
      const path = `loadBalancers[${i}].listeners[${j}].bindPort`
      const first = seen.get(l.bindPort)
      if (first !== undefined) {
        throw new ScenarioError(path, `port ${l.bindPort} is already bound by ${first}`)
      }
      seen.set(l.bindPort, path.slice(0, -'.bindPort'.length))
    })
  )
}

interface Declared {
  clusters: Set<string>
  groups: Set<string>
  families: Map<string, Record<string, unknown>>
  loadBalancers: ScenarioLoadBalancer[]
}

function advancedConfiguration(
  value: unknown,
  path: string,
  declared: Declared,
  group: string | undefined
): ScenarioAdvancedConfiguration {
  const raw = object(value, path, ['alternateTargetGroup', 'productionListener', 'roleArn'])
  if (group === undefined) throw new ScenarioError(path, 'only makes sense with a targetGroup')
  const alternate = str(raw, 'alternateTargetGroup', path, true)
  if (!declared.groups.has(alternate) || alternate === group) {
    throw new ScenarioError(
      join(path, 'alternateTargetGroup'),
      `'${alternate}' must be a declared target group other than '${group}'`
    )
  }
  const lp = join(path, 'productionListener')
  const listener = object(raw.productionListener, lp, ['loadBalancer', 'port'])
  const loadBalancer = str(listener, 'loadBalancer', lp, true)
  const port = int(listener, 'port', lp, [1, 65535])
  const found = declared.loadBalancers
    .find(lb => lb.name === loadBalancer)
    ?.listeners.find(l => l.port === port)
  if (found === undefined) {
    throw new ScenarioError(
      lp,
      `load balancer '${loadBalancer}' declares no listener on port ${port}`
    )
  }
  return {
    alternateTargetGroup: alternate,
    productionListener: { loadBalancer, port },
    roleArn: str(raw, 'roleArn', path, true)
  }
}

function containersOf(taskDef: Record<string, unknown>): Obj[] {
  return taskDef.containerDefinitions as Obj[]
}

function service(value: unknown, path: string, declared: Declared): ScenarioService {
  const raw = object(value, path, [
    'cluster',
    'name',
    'taskDefinition',
    'desiredCount',
    'targetGroup',
    'containerName',
    'containerPort',
    'deploymentConfiguration',
    'healthCheckGracePeriodSeconds',
    'tags',
    'waitForSteady',
    'advancedConfiguration'
  ])
  const cluster = str(raw, 'cluster', path, true)
  if (!declared.clusters.has(cluster)) {
    throw new ScenarioError(join(path, 'cluster'), `cluster '${cluster}' is not declared`)
  }
  const taskDefinitionRef = str(raw, 'taskDefinition', path, true)
  const family = taskDefinitionRef.split(':')[0] ?? taskDefinitionRef
  const taskDef = declared.families.get(family)
  if (taskDef === undefined) {
    throw new ScenarioError(
      join(path, 'taskDefinition'),
      `task definition family '${family}' is not declared`
    )
  }
  const result: ScenarioService = {
    cluster,
    name: str(raw, 'name', path, true),
    taskDefinition: taskDefinitionRef,
    desiredCount: int(raw, 'desiredCount', path, [0, 100], 1),
    waitForSteady: raw.waitForSteady === undefined ? false : raw.waitForSteady === true
  }
  if (raw.waitForSteady !== undefined && typeof raw.waitForSteady !== 'boolean') {
    throw new ScenarioError(
      join(path, 'waitForSteady'),
      `must be true or false, got ${show(raw.waitForSteady)}`
    )
  }
  if (raw.deploymentConfiguration !== undefined) {
    result.deploymentConfiguration = object(
      raw.deploymentConfiguration,
      join(path, 'deploymentConfiguration'),
      undefined
    )
  }
  const grace = optionalInt(raw, 'healthCheckGracePeriodSeconds', path, [0, 2147483647])
  if (grace !== undefined) result.healthCheckGracePeriodSeconds = grace
  if (raw.tags !== undefined) {
    result.tags = list(raw, 'tags', path).map((t, i) => {
      const tp = `${path}.tags[${i}]`
      const tag = object(t, tp, ['key', 'value'])
      return { key: str(tag, 'key', tp, true), value: scalarText(tag.value) }
    })
  }
  const group = str(raw, 'targetGroup', path, false)
  if (group === undefined) {
    for (const key of ['containerName', 'containerPort', 'advancedConfiguration']) {
      if (raw[key] !== undefined) {
        throw new ScenarioError(join(path, key), 'only makes sense with a targetGroup')
      }
    }
    return result
  }
  if (!declared.groups.has(group)) {
    throw new ScenarioError(join(path, 'targetGroup'), `target group '${group}' is not declared`)
  }
  const containers = containersOf(taskDef)
  const containerName = str(raw, 'containerName', path, false) ?? (containers[0]?.name as string)
  const container = containers.find(c => c.name === containerName)
  if (container === undefined) {
    throw new ScenarioError(
      join(path, 'containerName'),
      `container '${containerName}' is not in task definition family '${family}'`
    )
  }
  const mappings = Array.isArray(container.portMappings) ? (container.portMappings as Obj[]) : []
  const firstPort = mappings[0]?.containerPort
  const containerPort =
    raw.containerPort === undefined && typeof firstPort === 'number'
      ? firstPort
      : int(raw, 'containerPort', path, [1, 65535])
  const advanced =
    raw.advancedConfiguration === undefined
      ? {}
      : {
          advancedConfiguration: advancedConfiguration(
            raw.advancedConfiguration,
            join(path, 'advancedConfiguration'),
            declared,
            group
          )
        }
  return { ...result, targetGroup: group, containerName, containerPort, ...advanced }
}

const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const

function alarm(value: unknown, path: string): ScenarioAlarm {
  const raw = object(value, path, [
    'name',
    'state',
    'reason',
    'metricName',
    'namespace',
    'threshold'
  ])
  const state = str(raw, 'state', path, false)
  if (state !== undefined && !(ALARM_STATES as readonly string[]).includes(state)) {
    throw new ScenarioError(
      join(path, 'state'),
      `must be one of ${ALARM_STATES.join(', ')}, got '${state}'`
    )
  }
  const threshold = raw.threshold ?? 1
  if (typeof threshold !== 'number') {
    throw new ScenarioError(join(path, 'threshold'), `must be a number, got ${show(threshold)}`)
  }
  return {
    name: str(raw, 'name', path, true),
    state: state as ScenarioAlarm['state'],
    reason: str(raw, 'reason', path, false),
    metricName: str(raw, 'metricName', path, false) ?? 'HTTPCode_Target_5XX_Count',
    namespace: str(raw, 'namespace', path, false) ?? 'AWS/ApplicationELB',
    threshold
  }
}

function queue(value: unknown, path: string): ScenarioQueue {
  const raw = object(value, path, ['name', 'deadLetterQueue', 'maxReceiveCount', 'messages'])
  const name = str(raw, 'name', path, true)
  if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) {
    throw new ScenarioError(join(path, 'name'), `'${name}' is not a valid queue name`)
  }
  return {
    name,
    deadLetterQueue: str(raw, 'deadLetterQueue', path, false),
    maxReceiveCount: int(raw, 'maxReceiveCount', path, [1, 1000], 3),
    messages: int(raw, 'messages', path, [0, 10000], 0)
  }
}

/** Queues ordered so every dead-letter queue is created before the queues that use it. */
function orderQueues(queues: ScenarioQueue[]): ScenarioQueue[] {
  const byName = new Map(queues.map(q => [q.name, q]))
  const ordered: ScenarioQueue[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (q: ScenarioQueue, index: number): void => {
    if (state.get(q.name) === 'done') return
    if (state.get(q.name) === 'visiting') {
      throw new ScenarioError(
        `queues[${index}].deadLetterQueue`,
        `dead-letter cycle through '${q.name}'`
      )
    }
    state.set(q.name, 'visiting')
    const dlq = q.deadLetterQueue === undefined ? undefined : byName.get(q.deadLetterQueue)
    if (dlq !== undefined) visit(dlq, queues.indexOf(dlq))
    state.set(q.name, 'done')
    ordered.push(q)
  }
  queues.forEach(visit)
  return ordered
}

const TOP_LEVEL = [
  'region',
  'behaviours',
  'clusters',
  'loadBalancers',
  'targetGroups',
  'taskDefinitions',
  'services',
  'alarms',
  'queues',
  'github',
  'images'
] as const

function queuesOf(raw: Obj): ScenarioQueue[] {
  const queues = list(raw, 'queues', '').map((q, i) => queue(q, `queues[${i}]`))
  unique(
    queues.map(q => q.name),
    i => `queues[${i}].name`,
    'queue'
  )
  const queueNames = new Set(queues.map(q => q.name))
  queues.forEach((q, i) => {
    if (q.deadLetterQueue !== undefined && !queueNames.has(q.deadLetterQueue)) {
      throw new ScenarioError(
        `queues[${i}].deadLetterQueue`,
        `queue '${q.deadLetterQueue}' is not declared`
      )
    }
  })
  return orderQueues(queues)
}

function githubOf(raw: Obj): GitHubSeed | undefined {
  if (raw.github === undefined || raw.github === null) return undefined
  try {
    return parseGitHubSeed(raw.github, 'github')
  } catch (error) {
    if (error instanceof GitHubSeedError) throw new ScenarioError(error.path, error.problem)
    throw error
  }
}

/** The push's own checks; whether its behaviour markers are known is decided when it is pushed. */
function imagesOf(raw: Obj): ImagePush[] {
  const images = list(raw, 'images', '').map((image, i) => {
    try {
      return parseImagePush(image, `images[${i}]`)
    } catch (error) {
      // parseImagePush throws nothing else.
      const { path, problem } = error as ImagePushError
      throw new ScenarioError(path, problem)
    }
  })
  unique(
    images.map(i => `${i.repository}:${i.tag}`),
    i => `images[${i}].tag`,
    'image'
  )
  return images
}

export function validateScenario(value: unknown): Scenario {
  const raw = object(value ?? {}, '', TOP_LEVEL)
  const region = str(raw, 'region', '', false) ?? 'us-east-1'
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new ScenarioError('region', `'${region}' is not a region name like us-east-1`)
  }
  const behaviours: Record<string, ImageBehaviour> = {}
  if (raw.behaviours !== undefined) {
    const map = object(raw.behaviours, 'behaviours', undefined)
    for (const [key, b] of Object.entries(map)) behaviours[key] = behaviour(b, `behaviours.${key}`)
  }
  const clusters = list(raw, 'clusters', '').map((c, i) => {
    if (typeof c !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(c)) {
      throw new ScenarioError(`clusters[${i}]`, `must be a cluster name, got ${show(c)}`)
    }
    return c
  })
  unique(clusters, i => `clusters[${i}]`, 'cluster')
  const targetGroups = list(raw, 'targetGroups', '').map((t, i) =>
    targetGroup(t, `targetGroups[${i}]`)
  )
  unique(
    targetGroups.map(t => t.name),
    i => `targetGroups[${i}].name`,
    'target group'
  )
  const groups = new Set(targetGroups.map(t => t.name))
  const loadBalancers = list(raw, 'loadBalancers', '').map((l, i) =>
    loadBalancer(l, `loadBalancers[${i}]`, groups)
  )
  unique(
    loadBalancers.map(l => l.name),
    i => `loadBalancers[${i}].name`,
    'load balancer'
  )
  uniqueBindPorts(loadBalancers)
  const taskDefinitions = list(raw, 'taskDefinitions', '').map((t, i) =>
    taskDefinition(t, `taskDefinitions[${i}]`)
  )
  const families = new Map<string, Record<string, unknown>>()
  // Several entries may share a family: they become revisions 1, 2, ... and the last one wins.
  for (const t of taskDefinitions) families.set(t.family as string, t)
  const declared: Declared = { clusters: new Set(clusters), groups, families, loadBalancers }
  const services = list(raw, 'services', '').map((s, i) => service(s, `services[${i}]`, declared))
  unique(
    services.map(s => `${s.cluster}/${s.name}`),
    i => `services[${i}].name`,
    'service'
  )
  const alarms = list(raw, 'alarms', '').map((a, i) => alarm(a, `alarms[${i}]`))
  unique(
    alarms.map(a => a.name),
    i => `alarms[${i}].name`,
    'alarm'
  )
  return {
    region,
    behaviours,
    clusters,
    loadBalancers,
    targetGroups,
    taskDefinitions,
    services,
    alarms,
    queues: queuesOf(raw),
    github: githubOf(raw),
    images: imagesOf(raw)
  }
}

import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { parse, YAMLParseError } from 'yaml'
import { simMsPerClockMs } from './clock.js'
import { SIM_ACCOUNT_ID, type AwsServiceName, type GitHubSeed, type ImagePush } from './contract.js'
import { encodeQueryParams } from './protocols/query-codec.js'
import {
  ScenarioError,
  validateScenario,
  type Scenario,
  type ScenarioAlarm,
  type ScenarioLoadBalancer,
  type ScenarioService,
  type ScenarioTargetGroup
} from './scenario-schema.js'
import type { World } from './world.js'

export { ScenarioError, validateScenario, type Scenario } from './scenario-schema.js'

/**
 * A valid scenario the world refused (a module error, a port in use, a service that never got
 * steady). What was created before it stays: applying a scenario is not a transaction.
 */
export class ScenarioApplyError extends Error {
  override name = 'ScenarioApplyError'
}

/** Read (YAML file path) or take (parsed object) a scenario and validate it. */
export async function loadScenario(source: string | object): Promise<Scenario> {
  if (typeof source !== 'string') return validateScenario(source)
  let text: string
  try {
    text = await readFile(source, 'utf8')
  } catch (error) {
    throw new ScenarioError('', `cannot read scenario file ${source}: ${(error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = parse(text)
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message : String(error)
    throw new ScenarioError('', `${source} is not valid YAML: ${detail}`)
  }
  try {
    return validateScenario(parsed)
  } catch (error) {
    if (error instanceof ScenarioError) throw new ScenarioError('', `${source}: ${error.message}`)
    throw error
  }
}

const ELB_VERSION = '2015-12-01'
const SUBNETS = ['subnet-0sim0000000000a', 'subnet-0sim0000000000b']
const SECURITY_GROUPS = ['sg-0sim00000000000a']

export interface ApplyOptions {
  /** Longest a `waitForSteady` service may take, in sim ms. */
  steadyTimeoutMs?: number
  /** Poll interval for `waitForSteady`, in sim ms. */
  pollMs?: number
}

/** One API call into a module, as a client would make it; a refusal is a ScenarioApplyError. */
type Call = (
  service: AwsServiceName,
  operation: string,
  input: Record<string, unknown>
) => Promise<Record<string, unknown>>

function moduleCaller(world: World, region: string): Call {
  return async (service, operation, input) => {
    const ctx = { service, operation, region, accountId: SIM_ACCOUNT_ID, requestId: randomUUID() }
    // The wire round trip, so the module sees what a client's request would decode to.
    let params = JSON.parse(JSON.stringify(input)) as Record<string, unknown>
    if (service === 'elbv2') {
      params = world.queryCodec.decodeQueryRequest(
        encodeQueryParams(operation, ELB_VERSION, input)
      ).params
    }
    try {
      return ((await world.aws[service].handle(ctx, params)) ?? {}) as Record<string, unknown>
    } catch (error) {
      throw new ScenarioApplyError(
        `scenario: ${service} ${operation} failed: ${(error as Error).message}`,
        { cause: error }
      )
    }
  }
}

/**
 * Build the scenario's world through the modules' own `handle()` — the code paths API clients
 * use — so a scenario can never create a state the API could not.
 */
export async function applyScenario(
  world: World,
  scenario: Scenario,
  options: ApplyOptions = {}
): Promise<void> {
  const call = moduleCaller(world, scenario.region)
  if (scenario.github !== undefined) seedGitHub(world, scenario.github)
  pushImages(world, scenario.images)
  for (const clusterName of scenario.clusters) await call('ecs', 'CreateCluster', { clusterName })
  const groupArns = await createTargetGroups(call, scenario.targetGroups)
  await createLoadBalancers(call, world, scenario.loadBalancers, groupArns)
  for (const taskDefinition of scenario.taskDefinitions) {
    await call('ecs', 'RegisterTaskDefinition', taskDefinition)
  }
  for (const service of scenario.services) {
    await call('ecs', 'CreateService', createServiceInput(service, groupArns, world))
  }
  await createAlarms(call, scenario.alarms)
  await createQueues(call, scenario)
  const steady = scenario.services.filter(s => s.waitForSteady)
  await Promise.all(steady.map(s => waitForSteady(s, call, world, options)))
}

/** The target groups' ARNs by name. */
async function createTargetGroups(
  call: Call,
  targetGroups: ScenarioTargetGroup[]
): Promise<Map<string, string>> {
  const groupArns = new Map<string, string>()
  for (const tg of targetGroups) {
    const result = await call('elbv2', 'CreateTargetGroup', {
      Name: tg.name,
      Protocol: tg.protocol,
      Port: tg.port,
      VpcId: 'vpc-0sim000000000000a',
      TargetType: 'ip',
      HealthCheckProtocol: tg.protocol,
      HealthCheckPath: tg.healthCheckPath,
      HealthCheckIntervalSeconds: tg.healthCheckIntervalSeconds,
      HealthCheckTimeoutSeconds: tg.healthCheckTimeoutSeconds,
      HealthyThresholdCount: tg.healthyThresholdCount,
      UnhealthyThresholdCount: tg.unhealthyThresholdCount,
      Matcher: tg.matcher === undefined ? undefined : { HttpCode: tg.matcher }
    })
    const arn = firstArn(result, 'TargetGroups', 'TargetGroupArn', `target group ${tg.name}`)
    groupArns.set(tg.name, arn)
    if (tg.deregistrationDelaySeconds !== undefined) {
      await call('elbv2', 'ModifyTargetGroupAttributes', {
        TargetGroupArn: arn,
        Attributes: [
          {
            Key: 'deregistration_delay.timeout_seconds',
            Value: String(tg.deregistrationDelaySeconds)
          }
        ]
      })
    }
  }
  return groupArns
}

async function createLoadBalancers(
  call: Call,
  world: World,
  loadBalancers: ScenarioLoadBalancer[],
  groupArns: Map<string, string>
): Promise<void> {
  for (const lb of loadBalancers) {
    const result = await call('elbv2', 'CreateLoadBalancer', {
      Name: lb.name,
      Type: 'application',
      Scheme: 'internet-facing',
      IpAddressType: 'ipv4',
      Subnets: SUBNETS,
      SecurityGroups: SECURITY_GROUPS
    })
    const lbArn = firstArn(result, 'LoadBalancers', 'LoadBalancerArn', `load balancer ${lb.name}`)
    for (const listener of lb.listeners) {
      const created = await call('elbv2', 'CreateListener', {
        LoadBalancerArn: lbArn,
        Protocol: 'HTTP',
        Port: listener.port,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: listener.targetGroups.map(t => ({
                TargetGroupArn: groupArns.get(t.name),
                Weight: t.weight
              }))
            }
          }
        ]
      })
      if (listener.bindPort !== undefined) {
        const arn = firstArn(created, 'Listeners', 'ListenerArn', `listener ${listener.port}`)
        await bindListener(world, lb.name, listener.port, arn, listener.bindPort)
      }
    }
  }
}

async function createAlarms(call: Call, alarms: ScenarioAlarm[]): Promise<void> {
  for (const alarm of alarms) {
    await call('cloudwatch', 'PutMetricAlarm', {
      AlarmName: alarm.name,
      MetricName: alarm.metricName,
      Namespace: alarm.namespace,
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: alarm.threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching'
    })
    if (alarm.state !== undefined) {
      await call('cloudwatch', 'SetAlarmState', {
        AlarmName: alarm.name,
        StateValue: alarm.state,
        StateReason: alarm.reason ?? 'Set by the scenario'
      })
    }
  }
}

async function createQueues(call: Call, scenario: Scenario): Promise<void> {
  for (const queue of scenario.queues) {
    const attributes: Record<string, string> = {}
    if (queue.deadLetterQueue !== undefined) {
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: `arn:aws:sqs:${scenario.region}:${SIM_ACCOUNT_ID}:${queue.deadLetterQueue}`,
        maxReceiveCount: queue.maxReceiveCount
      })
    }
    const result = await call('sqs', 'CreateQueue', {
      QueueName: queue.name,
      Attributes: attributes
    })
    const queueUrl = result.QueueUrl
    if (typeof queueUrl !== 'string') {
      throw new ScenarioApplyError(
        `scenario: sqs CreateQueue for ${queue.name} returned no QueueUrl`
      )
    }
    for (let i = 1; i <= queue.messages; i++) {
      await call('sqs', 'SendMessage', {
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({ scenario: true, queue: queue.name, n: i })
      })
    }
  }
}

/** Images reach a registry through the Docker registry API, which the sim does not serve. */
function pushImages(world: World, images: ImagePush[]): void {
  images.forEach((image, i) => {
    try {
      world.ecr.pushImage(image, `images[${i}]`)
    } catch (error) {
      throw new ScenarioApplyError(`scenario: ${(error as Error).message}`, { cause: error })
    }
  })
}

/** ELBv2 has no setting for where its proxy listens on this machine: the module takes it. */
async function bindListener(
  world: World,
  loadBalancer: string,
  port: number,
  listenerArn: string,
  bindPort: number
): Promise<void> {
  try {
    await world.elb.bindListener(listenerArn, bindPort)
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
    const reason = inUse ? 'the port is in use' : (error as Error).message
    throw new ScenarioApplyError(
      `scenario: load balancer '${loadBalancer}' listener ${port} cannot listen on 127.0.0.1:${bindPort} (bindPort): ${reason}`,
      { cause: error }
    )
  }
}

/** GitHub has no API to create users or commits: the module takes the declaration itself. */
function seedGitHub(world: World, seed: GitHubSeed): void {
  try {
    world.github.seed(seed)
  } catch (error) {
    throw new ScenarioApplyError(`scenario: github ${(error as Error).message}`, { cause: error })
  }
}

/** The service's advancedConfiguration with ARNs: the listener is the production rule. */
function advancedInput(
  service: ScenarioService,
  groupArns: Map<string, string>,
  world: World
): Record<string, unknown> | undefined {
  const advanced = service.advancedConfiguration
  if (advanced === undefined) return undefined
  const { loadBalancer, port } = advanced.productionListener
  const listener = world.elb
    .listeners()
    .find(l => l.loadBalancerName === loadBalancer && l.port === port)
  return {
    alternateTargetGroupArn: groupArns.get(advanced.alternateTargetGroup),
    productionListenerRule: listener?.listenerArn,
    roleArn: advanced.roleArn
  }
}

function createServiceInput(
  service: ScenarioService,
  groupArns: Map<string, string>,
  world: World
): Record<string, unknown> {
  const advancedConfiguration = advancedInput(service, groupArns, world)
  return {
    cluster: service.cluster,
    serviceName: service.name,
    taskDefinition: service.taskDefinition,
    desiredCount: service.desiredCount,
    launchType: 'FARGATE',
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: SUBNETS,
        securityGroups: SECURITY_GROUPS,
        assignPublicIp: 'DISABLED'
      }
    },
    loadBalancers:
      service.targetGroup === undefined
        ? undefined
        : [
            {
              targetGroupArn: groupArns.get(service.targetGroup),
              containerName: service.containerName,
              containerPort: service.containerPort,
              ...(advancedConfiguration !== undefined && { advancedConfiguration })
            }
          ],
    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
    deploymentConfiguration: service.deploymentConfiguration,
    tags: service.tags
  }
}

function firstArn(
  result: Record<string, unknown>,
  list: string,
  key: string,
  what: string
): string {
  const items = result[list]
  const arn = Array.isArray(items)
    ? (items[0] as Record<string, unknown> | undefined)?.[key]
    : undefined
  if (typeof arn !== 'string')
    throw new ScenarioApplyError(`scenario: creating ${what} returned no ${key}`)
  return arn
}

interface DescribedService {
  desiredCount?: number
  runningCount?: number
  deployments?: { rolloutState?: string }[]
}

async function waitForSteady(
  service: ScenarioService,
  call: Call,
  world: World,
  options: ApplyOptions
): Promise<void> {
  const timeout = options.steadyTimeoutMs ?? 15 * 60_000
  const poll = options.pollMs ?? 1000
  const deadline = world.clock.now() + timeout / simMsPerClockMs(world.clock)
  for (;;) {
    const result = await call('ecs', 'DescribeServices', {
      cluster: service.cluster,
      services: [service.name]
    })
    const described = (result.services as DescribedService[] | undefined)?.[0]
    if (described !== undefined && isSteady(described)) return
    if (world.clock.now() >= deadline) {
      throw new ScenarioApplyError(
        `scenario: service '${service.name}' in cluster '${service.cluster}' did not reach a steady state ` +
          `within ${timeout / 1000} sim seconds (running ${described?.runningCount ?? '?'} of ${described?.desiredCount ?? '?'})`
      )
    }
    await world.clock.sleep(poll)
  }
}

function isSteady(service: DescribedService): boolean {
  const deployments = service.deployments ?? []
  return (
    deployments.length === 1 &&
    (deployments[0]?.rolloutState === undefined || deployments[0].rolloutState === 'COMPLETED') &&
    service.runningCount === service.desiredCount
  )
}

import type { Container, LoadBalancer, Service, Task } from '@aws-sdk/client-ecs'
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { ElbClient } from '../deps.js'
import { loadElb } from '../lazy-elb.js'
import type { AwsCallListener } from './services.js'
import { taskIdOf } from './tasks.js'
import { describeUnhealthyTargets, targetGroupName } from './describe.js'
import type { TargetView } from './types.js'

export interface ElbReadDeps {
  elb: ElbClient
  onAwsCall?: AwsCallListener
}

export interface ObserveTargetsOptions {
  cluster: string
  service: Service
  /** Tasks of our deployment; only RUNNING ones can be targets. */
  tasks: Task[]
}

/**
 * One load balancer's target group and, for ECS-native traffic shifting (BLUE_GREEN, CANARY,
 * LINEAR), its alternate: each deployment registers its tasks in the group of the pair that
 * did not serve production before, so the tasks of a deployment can be in either.
 */
export interface TargetGroupPair {
  targetGroupArn: string
  alternateTargetGroupArn?: string
}

/** The target group pairs of a service, once each, in the order of service.loadBalancers. */
export function targetGroupPairsOf(service: Service): TargetGroupPair[] {
  const pairs = new Map<string, TargetGroupPair>()
  for (const loadBalancer of service.loadBalancers ?? []) {
    const arn = loadBalancer.targetGroupArn
    if (arn === undefined || arn === '' || pairs.has(arn)) continue
    const alternate = loadBalancer.advancedConfiguration?.alternateTargetGroupArn
    pairs.set(arn, {
      targetGroupArn: arn,
      ...(alternate && { alternateTargetGroupArn: alternate })
    })
  }
  return [...pairs.values()]
}

/** The target groups of a service, once each, in the order of service.loadBalancers. */
export function targetGroupsOf(service: Service): string[] {
  return targetGroupPairsOf(service).map(pair => pair.targetGroupArn)
}

/** Every group our tasks may be registered in: each pair's group, then its alternate. */
function observedGroupsOf(service: Service): string[] {
  const groups = targetGroupPairsOf(service).flatMap(pair =>
    pair.alternateTargetGroupArn === undefined
      ? [pair.targetGroupArn]
      : [pair.targetGroupArn, pair.alternateTargetGroupArn]
  )
  return [...new Set(groups)]
}

/**
 * Per pair, the group that holds our tasks: the one where more of our running tasks are
 * targets; the service's own group when neither (or a plain service, which has no alternate).
 */
export function groupsHoldingOurTasks(service: Service, targets: readonly TargetView[]): string[] {
  const count = (group: string) => targets.filter(t => t.targetGroupArn === group).length
  const groups = targetGroupPairsOf(service).map(({ targetGroupArn, alternateTargetGroupArn }) =>
    alternateTargetGroupArn !== undefined && count(alternateTargetGroupArn) > count(targetGroupArn)
      ? alternateTargetGroupArn
      : targetGroupArn
  )
  return [...new Set(groups)]
}

/** The load balancer entries that register tasks in `group`, as their group or its alternate. */
function loadBalancersOf(service: Service, group: string): LoadBalancer[] {
  return (service.loadBalancers ?? []).filter(
    loadBalancer =>
      loadBalancer.targetGroupArn === group ||
      loadBalancer.advancedConfiguration?.alternateTargetGroupArn === group
  )
}

/** The private IP of an awsvpc task: from its ENI attachment, else a container's interface. */
export function taskIp(task: Task): string | undefined {
  for (const attachment of task.attachments ?? []) {
    if (attachment.type !== 'ElasticNetworkInterface') continue
    const detail = attachment.details?.find(pair => pair.name === 'privateIPv4Address')
    if (detail?.value) return detail.value
  }
  for (const container of task.containers ?? []) {
    for (const eni of container.networkInterfaces ?? []) {
      if (eni.privateIpv4Address) return eni.privateIpv4Address
    }
  }
  // Tasks with host port bindings (the local simulator) may only say where they are bound.
  for (const container of task.containers ?? []) {
    for (const binding of container.networkBindings ?? []) {
      if (binding.bindIP && binding.bindIP !== '0.0.0.0') return binding.bindIP
    }
  }
  return undefined
}

function hostPortOf(container: Container | undefined, containerPort: number | undefined) {
  const bindings = (container?.networkBindings ?? []).filter(
    binding => binding.hostPort !== undefined
  )
  const exact = bindings.find(binding => binding.containerPort === containerPort)
  return (exact ?? bindings[0])?.hostPort
}

/**
 * The port a task is registered on: its host port binding when it has one (every task of the
 * local simulator listens on 127.0.0.1 with its own port), else the container port (awsvpc).
 */
export function taskPort(task: Task, loadBalancer: LoadBalancer): number | undefined {
  const container = task.containers?.find(c => c.name === loadBalancer.containerName)
  return hostPortOf(container, loadBalancer.containerPort) ?? loadBalancer.containerPort
}

/** The targets of one group that are our running tasks (matched by IP and port), each tagged with its task. */
function ourTargets(
  targetGroupArn: string,
  descriptions: readonly TargetHealthDescription[],
  running: readonly Task[],
  loadBalancers: readonly LoadBalancer[]
): TargetView[] {
  const views: TargetView[] = []
  for (const description of descriptions) {
    const id = description.Target?.Id
    if (id === undefined) continue
    const port = description.Target?.Port
    const task = running.find(
      candidate =>
        taskIp(candidate) === id &&
        (port === undefined ||
          loadBalancers.some(loadBalancer => taskPort(candidate, loadBalancer) === port))
    )
    if (task === undefined) continue
    const health = description.TargetHealth
    views.push({
      targetGroupArn,
      id,
      port: port ?? Number(description.HealthCheckPort ?? 0),
      state: health?.State ?? 'unknown',
      ...(health?.Reason !== undefined && { reason: health.Reason }),
      ...(health?.Description !== undefined && { description: health.Description }),
      taskId: taskIdOf(task.taskArn ?? '')
    })
  }
  return views
}

/**
 * One DescribeTargetHealth call per target group of the service, the alternate of a
 * traffic-shifting load balancer included; the answer is narrowed to the targets that are our
 * RUNNING tasks. Targets of other deployments' tasks are left out: their health says nothing
 * about ours.
 */
export async function observeTargets(
  deps: ElbReadDeps,
  options: ObserveTargetsOptions
): Promise<TargetView[]> {
  const { DescribeTargetHealthCommand } = await loadElb()
  const running = options.tasks.filter(task => task.lastStatus === 'RUNNING')
  const views: TargetView[] = []
  for (const targetGroupArn of observedGroupsOf(options.service)) {
    deps.onAwsCall?.('DescribeTargetHealth')
    const response = await deps.elb.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })
    )
    const loadBalancers = loadBalancersOf(options.service, targetGroupArn)
    const descriptions = response.TargetHealthDescriptions ?? []
    views.push(...ourTargets(targetGroupArn, descriptions, running, loadBalancers))
  }
  return views
}

export interface TargetJudgement {
  healthy: boolean
  /** `2/2 targets healthy in web-tg` or what is missing, per target group. */
  detail: string
}

/**
 * Our deployment serves traffic when, in every target group of the service that holds our
 * tasks (of a traffic-shifting pair, the one they are registered in), all targets that are our
 * tasks are healthy and there are as many of them as desired tasks.
 */
export function judgeTargets(
  service: Service,
  targets: readonly TargetView[],
  desired: number
): TargetJudgement {
  let healthy = true
  const details: string[] = []
  for (const group of groupsHoldingOurTasks(service, targets)) {
    const ours = targets.filter(target => target.targetGroupArn === group)
    const healthyCount = ours.filter(target => target.state === 'healthy').length
    const groupHealthy = healthyCount >= desired && healthyCount === ours.length
    healthy &&= groupHealthy
    const unhealthy = describeUnhealthyTargets(ours)
    details.push(
      `${healthyCount}/${desired} targets healthy in ${targetGroupName(group)}` +
        (unhealthy.length > 0 ? `: ${unhealthy.join('; ')}` : '')
    )
  }
  return { healthy, detail: details.join('; ') }
}

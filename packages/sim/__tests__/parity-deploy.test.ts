import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch'
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type DescribeServicesCommandOutput,
  type Service
} from '@aws-sdk/client-ecs'
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { startSim, type Sim } from '../src/index.js'

/**
 * Section 4 behaviours end to end: rolling deployments, the circuit breaker with rollback and
 * deployment alarms, observed only through the real SDK clients.
 */

const credentials = { accessKeyId: 'AKIDPARITY', secretAccessKey: 'parity-secret' }
const LIFECYCLE = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED'
]

function world(desiredCount: number): object {
  return {
    clusters: ['shop'],
    loadBalancers: [
      { name: 'web', listeners: [{ port: 80, targetGroups: [{ name: 'web-blue', weight: 100 }] }] }
    ],
    targetGroups: [
      {
        name: 'web-blue',
        port: 8080,
        healthCheckPath: '/health',
        healthCheckIntervalSeconds: 5,
        healthCheckTimeoutSeconds: 2,
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
        deregistrationDelaySeconds: 5
      }
    ],
    taskDefinitions: [taskDefinition('registry.example.com/shop/web:1.0.0')],
    services: [
      {
        cluster: 'shop',
        name: 'web',
        taskDefinition: 'web',
        desiredCount,
        targetGroup: 'web-blue',
        healthCheckGracePeriodSeconds: 10,
        deploymentConfiguration: {
          minimumHealthyPercent: 100,
          maximumPercent: 200,
          deploymentCircuitBreaker: { enable: true, rollback: true }
        },
        waitForSteady: true
      }
    ],
    alarms: [{ name: 'web-5xx', state: 'OK' }]
  }
}

function taskDefinition(image: string) {
  return {
    family: 'web',
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc' as const,
    requiresCompatibilities: ['FARGATE' as const],
    containerDefinitions: [
      { name: 'web', image, essential: true, portMappings: [{ containerPort: 8080 }] }
    ]
  }
}

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  everyMs = 20
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value)}`)
    await new Promise(resolve => setTimeout(resolve, everyMs))
  }
}

/** Event messages created at or after `since`, oldest first. */
function eventsSince(service: Service | undefined, since: Set<string>): string[] {
  return (service?.events ?? [])
    .filter(e => !since.has(e.id!))
    .reverse()
    .map(e => e.message!)
}

/** Asserts `patterns` appear in `messages` in this order (other messages may interleave). */
function expectInOrder(messages: string[], patterns: RegExp[]): void {
  let at = 0
  for (const pattern of patterns) {
    const found = messages.findIndex((m, i) => i >= at && pattern.test(m))
    if (found < 0) throw new Error(`${pattern} not found in order in:\n${messages.join('\n')}`)
    at = found + 1
  }
}

describe('a rolling deployment, step by step (time scale 10)', () => {
  let sim: Sim
  let ecs: ECSClient
  let elb: ElasticLoadBalancingV2Client
  beforeAll(async () => {
    sim = await startSim({ scenario: world(2), timeScale: 10 })
    const config = { endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 }
    ecs = new ECSClient(config)
    elb = new ElasticLoadBalancingV2Client(config)
  }, 30_000)
  afterAll(async () => {
    ecs.destroy()
    elb.destroy()
    await sim.stop()
  })

  it('walks new tasks through the lifecycle, drains old ones only after new ones are healthy, and logs the events', async () => {
    const describe = () =>
      ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }))
    const before = await describe()
    const seen = new Set((before.services?.[0]?.events ?? []).map(e => e.id!))
    const oldTasks = (await ecs.send(new ListTasksCommand({ cluster: 'shop', serviceName: 'web' })))
      .taskArns!
    expect(oldTasks).toHaveLength(2)
    const { TargetGroups } = await elb.send(
      new DescribeTargetGroupsCommand({ Names: ['web-blue'] })
    )
    const tgArn = TargetGroups![0]!.TargetGroupArn!
    const oldTaskDetails = await ecs.send(
      new DescribeTasksCommand({ cluster: 'shop', tasks: oldTasks })
    )
    const ipPort = (t: (typeof oldTaskDetails.tasks & object)[number]) =>
      t.containers?.[0]?.networkBindings?.[0]?.hostPort ?? 0
    expect(oldTaskDetails.tasks?.every(t => ipPort(t) > 0)).toBe(true)
    const oldPorts = new Set(oldTaskDetails.tasks!.map(ipPort))

    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand(taskDefinition('registry.example.com/shop/web:1.1.0'))
    )
    const updated = await ecs.send(
      new UpdateServiceCommand({
        cluster: 'shop',
        service: 'web',
        taskDefinition: registered.taskDefinition!.taskDefinitionArn
      })
    )
    const newDeploymentId = updated.service!.deployments![0]!.id!
    expect(updated.service?.deployments?.[0]?.rolloutState).toBe('IN_PROGRESS')

    // Poll tasks and target health together until the deployment completes.
    const statuses = new Map<string, string[]>()
    const violations: string[] = []
    let final: DescribeServicesCommandOutput | undefined
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const listed = await ecs.send(
        new ListTasksCommand({ cluster: 'shop', startedBy: newDeploymentId })
      )
      if ((listed.taskArns ?? []).length > 0) {
        const described = await ecs.send(
          new DescribeTasksCommand({ cluster: 'shop', tasks: listed.taskArns })
        )
        for (const task of described.tasks ?? []) {
          const history = statuses.get(task.taskArn!) ?? []
          if (history[history.length - 1] !== task.lastStatus) history.push(task.lastStatus!)
          statuses.set(task.taskArn!, history)
        }
      }
      const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))
      const descriptions = health.TargetHealthDescriptions ?? []
      const oldServing = descriptions.filter(
        d => oldPorts.has(d.Target!.Port!) && d.TargetHealth?.State === 'healthy'
      ).length
      const newHealthy = descriptions.filter(
        d => !oldPorts.has(d.Target!.Port!) && d.TargetHealth?.State === 'healthy'
      ).length
      // minimumHealthyPercent 100: an old target leaves only once a new one is healthy.
      if (oldServing + newHealthy < 2) violations.push(`old ${oldServing}, new ${newHealthy}`)
      final = await describe()
      const primary = final.services?.[0]?.deployments?.[0]
      if (primary?.rolloutState === 'COMPLETED' && final.services?.[0]?.deployments?.length === 1)
        break
      await new Promise(resolve => setTimeout(resolve, 15))
    }
    expect(violations).toEqual([])
    const service = final!.services![0]!
    expect(service.deployments?.[0]?.rolloutState).toBe('COMPLETED')
    expect(service.taskDefinition).toBe(registered.taskDefinition!.taskDefinitionArn)
    expect(service.runningCount).toBe(2)

    // Every new task went PROVISIONING -> ... -> RUNNING, in lifecycle order.
    expect(statuses.size).toBe(2)
    for (const history of statuses.values()) {
      expect(history[0]).toBe('PROVISIONING')
      expect(history[history.length - 1]).toBe('RUNNING')
      const order = history.map(s => LIFECYCLE.indexOf(s))
      expect(order).toEqual([...order].sort((a, b) => a - b))
      expect(history).toContain('PENDING')
    }

    // The old tasks stopped for scaling, after draining.
    const old = await ecs.send(new DescribeTasksCommand({ cluster: 'shop', tasks: oldTasks }))
    for (const task of old.tasks ?? []) {
      expect(task.desiredStatus).toBe('STOPPED')
      expect(task.stopCode).toBe('ServiceSchedulerInitiated')
      expect(task.stoppedReason).toMatch(/^Scaling activity initiated by \(deployment ecs-svc\//)
    }

    expectInOrder(eventsSince(service, seen), [
      /^\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/,
      /^\(service web\) registered 1 targets in \(target-group arn:aws:elasticloadbalancing:/,
      /^\(service web\) has stopped \d running tasks: \(task [0-9a-f]{32}\)( \(task [0-9a-f]{32}\))?\.$/,
      /^\(service web\) deregistered 1 targets in \(target-group /,
      /^\(service web, taskSet ecs-svc\/\d+\) has begun draining connections on 1 tasks\.$/,
      new RegExp(`^\\(service web\\) \\(deployment ${newDeploymentId}\\) deployment completed\\.$`),
      /^\(service web\) has reached a steady state\.$/
    ])
  }, 40_000)
})

describe('failed deployments roll back (time scale 50)', () => {
  let sim: Sim
  let ecs: ECSClient
  let cloudwatch: CloudWatchClient
  beforeAll(async () => {
    sim = await startSim({ scenario: world(1), timeScale: 50 })
    const config = { endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 }
    ecs = new ECSClient(config)
    cloudwatch = new CloudWatchClient(config)
  }, 30_000)
  afterAll(async () => {
    ecs.destroy()
    cloudwatch.destroy()
    await sim.stop()
  })

  const describeWeb = () =>
    ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }))

  it('trips the circuit breaker on a -crash image and ends COMPLETED on the old task definition', async () => {
    const before = (await describeWeb()).services![0]!
    const oldTaskDefinition = before.taskDefinition!
    const seen = new Set((before.events ?? []).map(e => e.id!))
    const crash = await ecs.send(
      new RegisterTaskDefinitionCommand(taskDefinition('registry.example.com/shop/web:1.1.0-crash'))
    )
    const update = await ecs.send(
      new UpdateServiceCommand({
        cluster: 'shop',
        service: 'web',
        taskDefinition: crash.taskDefinition!.taskDefinitionArn
      })
    )
    const failedId = update.service!.deployments![0]!.id!

    // failedTasks rises while the crashing deployment is PRIMARY.
    const failedCounts = new Set<number>()
    const failed = await waitFor(
      describeWeb,
      r => {
        const d = r.services?.[0]?.deployments?.find(x => x.id === failedId)
        if (d?.failedTasks !== undefined) failedCounts.add(d.failedTasks)
        return d?.rolloutState === 'FAILED'
      },
      20_000,
      10
    )
    expect(Math.max(...failedCounts)).toBeGreaterThanOrEqual(1)
    const failedDeployment = failed.services![0]!.deployments!.find(d => d.id === failedId)!
    expect(failedDeployment.rolloutStateReason).toBe(
      'ECS deployment circuit breaker: tasks failed to start.'
    )
    expect(failedDeployment.failedTasks).toBeGreaterThanOrEqual(3)
    const rollbackPrimary = failed.services![0]!.deployments![0]!
    expect(rollbackPrimary.status).toBe('PRIMARY')
    expect(rollbackPrimary.taskDefinition).toBe(oldTaskDefinition)
    expect(rollbackPrimary.rolloutStateReason).toMatch(
      /^ECS deployment circuit breaker: rolling back to deploymentId ecs-svc\/\d+\.$/
    )

    // The trap: a waiter that only checks "PRIMARY COMPLETED and running == desired" says green.
    const settled = await waitFor(describeWeb, r => {
      const s = r.services?.[0]
      return s?.deployments?.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED'
    })
    const service = settled.services![0]!
    expect(service.runningCount).toBe(service.desiredCount)
    expect(service.taskDefinition).toBe(oldTaskDefinition)
    expect(service.deployments![0]!.taskDefinition).toBe(oldTaskDefinition)
    expect(service.taskDefinition).not.toBe(crash.taskDefinition!.taskDefinitionArn)

    // A crashed task: essential container exited with code 1.
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster: 'shop', startedBy: failedId, desiredStatus: 'STOPPED' })
    )
    const crashed = await ecs.send(
      new DescribeTasksCommand({ cluster: 'shop', tasks: stopped.taskArns!.slice(0, 1) })
    )
    expect(crashed.tasks?.[0]?.stopCode).toBe('EssentialContainerExited')
    expect(crashed.tasks?.[0]?.containers?.[0]?.exitCode).toBe(1)
    // The container ran before it crashed: the task reached RUNNING, then stopped.
    expect(crashed.tasks?.[0]?.startedAt).toBeInstanceOf(Date)
    expect(crashed.tasks![0]!.stoppedAt!.getTime()).toBeGreaterThanOrEqual(
      crashed.tasks![0]!.startedAt!.getTime()
    )

    const list = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: 'shop', service: 'web' })
    )
    expect(list.serviceDeployments?.[0]?.status).toBe('ROLLBACK_SUCCESSFUL')
    const detail = await ecs.send(
      new DescribeServiceDeploymentsCommand({
        serviceDeploymentArns: [list.serviceDeployments![0]!.serviceDeploymentArn!]
      })
    )
    expect(detail.serviceDeployments?.[0]?.deploymentCircuitBreaker?.status).toBe('TRIGGERED')
    expect(detail.serviceDeployments?.[0]?.rollback?.reason).toMatch(/circuit breaker/)

    expectInOrder(eventsSince(service, seen), [
      new RegExp(
        `^\\(service web\\) \\(deployment ${failedId}\\) deployment failed: tasks failed to start\\.$`
      ),
      /^\(service web\) rolling back to deployment ecs-svc\/\d+\.$/,
      /deployment completed\.$/,
      /^\(service web\) has reached a steady state\.$/
    ])
  }, 30_000)

  it('rolls back when a deployment alarm goes to ALARM mid-deployment', async () => {
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'web-latency',
        MetricName: 'TargetResponseTime',
        Namespace: 'AWS/ApplicationELB',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold'
      })
    )
    const before = (await describeWeb()).services![0]!
    const oldTaskDefinition = before.taskDefinition!
    const v2 = await ecs.send(
      new RegisterTaskDefinitionCommand(taskDefinition('registry.example.com/shop/web:1.2.0'))
    )
    const update = await ecs.send(
      new UpdateServiceCommand({
        cluster: 'shop',
        service: 'web',
        taskDefinition: v2.taskDefinition!.taskDefinitionArn,
        deploymentConfiguration: {
          minimumHealthyPercent: 100,
          maximumPercent: 200,
          deploymentCircuitBreaker: { enable: true, rollback: true },
          alarms: { alarmNames: ['web-latency'], enable: true, rollback: true }
        }
      })
    )
    const deploymentId = update.service!.deployments![0]!.id!
    // Mid-deployment: once the new task is RUNNING (and must drain when stopped), the alarm fires.
    const started = await waitFor(
      () => ecs.send(new ListTasksCommand({ cluster: 'shop', startedBy: deploymentId })),
      r => (r.taskArns ?? []).length > 0
    )
    await waitFor(
      () => ecs.send(new DescribeTasksCommand({ cluster: 'shop', tasks: started.taskArns })),
      r => r.tasks?.[0]?.lastStatus === 'RUNNING',
      20_000,
      5
    )
    await cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: 'web-latency',
        StateValue: 'ALARM',
        StateReason: 'parity drill'
      })
    )
    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['web-latency'] }))
    expect(alarms.MetricAlarms?.[0]?.StateValue).toBe('ALARM')

    const failed = await waitFor(
      describeWeb,
      r =>
        (r.services?.[0]?.deployments ?? []).some(
          d => d.id === deploymentId && d.rolloutState === 'FAILED'
        ),
      20_000,
      5
    )
    const failedDeployment = failed.services![0]!.deployments!.find(d => d.id === deploymentId)!
    expect(failedDeployment.rolloutStateReason).toMatch(/alarm/i)
    expect(failedDeployment.rolloutStateReason).toContain('web-latency')

    const settled = await waitFor(describeWeb, r => {
      const s = r.services?.[0]
      return s?.deployments?.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED'
    })
    expect(settled.services![0]!.taskDefinition).toBe(oldTaskDefinition)
    expect(
      settled.services![0]!.events?.some(e =>
        e.message?.endsWith(`(deployment ${deploymentId}) deployment failed: alarm detected.`)
      )
    ).toBe(true)

    const list = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: 'shop', service: 'web' })
    )
    const latest = list.serviceDeployments![0]!
    expect(latest.status).toBe('ROLLBACK_SUCCESSFUL')
    const detail = await ecs.send(
      new DescribeServiceDeploymentsCommand({
        serviceDeploymentArns: [latest.serviceDeploymentArn!]
      })
    )
    expect(detail.serviceDeployments?.[0]?.alarms?.status).toBe('TRIGGERED')
    expect(detail.serviceDeployments?.[0]?.alarms?.triggeredAlarmNames).toEqual(['web-latency'])
    expect(detail.serviceDeployments?.[0]?.statusReason).toBe('Alarm(s) detected: web-latency.')
  }, 30_000)
})

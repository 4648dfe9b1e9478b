import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type Task
} from '@aws-sdk/client-ecs'
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { startSim, type Sim } from '../src/index.js'

/**
 * Image-tag behaviours (`-pullerror`, `-oom`, `-unhealthy`, `-slow`, `-errors`, `-latency`) as a
 * client sees them: through DescribeTasks, DescribeTargetHealth and real HTTP via the listeners.
 */

const credentials = { accessKeyId: 'AKIDPARITY', secretAccessKey: 'parity-secret' }
const network = {
  awsvpcConfiguration: { subnets: ['subnet-0parity'], securityGroups: ['sg-0parity'] }
}
const SCALE = 50
const KINDS = ['unhealthy', 'slow', 'errors', 'latency'] as const

function taskDefinition(family: string, image: string) {
  return {
    family,
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    containerDefinitions: [{ name: 'app', image, portMappings: [{ containerPort: 8080 }] }]
  }
}

const scenario = {
  clusters: ['img'],
  loadBalancers: KINDS.map(kind => ({
    name: `lb-${kind}`,
    listeners: [{ port: 80, targetGroups: [{ name: `tg-${kind}`, weight: 100 }] }]
  })),
  targetGroups: KINDS.map(kind => ({
    name: `tg-${kind}`,
    port: 8080,
    healthCheckPath: '/health',
    healthCheckIntervalSeconds: 5,
    healthCheckTimeoutSeconds: 2,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 2,
    deregistrationDelaySeconds: 5
  })),
  taskDefinitions: [
    ...KINDS.map(kind => taskDefinition(kind, `registry.example.com/shop/app:2.0.0-${kind}`)),
    taskDefinition('pull', 'registry.example.com/shop/app:2.0.0-pullerror'),
    taskDefinition('oom', 'registry.example.com/shop/app:2.0.0-oom')
  ],
  services: KINDS.map(kind => ({
    cluster: 'img',
    name: kind,
    taskDefinition: kind,
    // The slow service is scaled up by its test, so the warm-up is watched from the start.
    desiredCount: kind === 'errors' ? 2 : kind === 'slow' ? 0 : 1,
    targetGroup: `tg-${kind}`,
    // Long grace: ECS must not replace the slow task before its health path warms up.
    healthCheckGracePeriodSeconds: kind === 'slow' ? 600 : 10,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false } },
    waitForSteady: kind === 'errors' || kind === 'latency'
  }))
}

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
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

describe('image behaviours through the real clients and the listeners', () => {
  let sim: Sim
  let ecs: ECSClient
  let elb: ElasticLoadBalancingV2Client
  let listeners: { loadBalancerName: string; url: string }[]
  beforeAll(async () => {
    sim = await startSim({ scenario, timeScale: SCALE })
    const config = { endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 }
    ecs = new ECSClient(config)
    elb = new ElasticLoadBalancingV2Client(config)
    const body = (await (await fetch(`${sim.url}/_sim/listeners`)).json()) as {
      listeners: typeof listeners
    }
    listeners = body.listeners
  }, 30_000)
  afterAll(async () => {
    ecs.destroy()
    elb.destroy()
    await sim.stop()
  })

  const listenerUrl = (kind: string) =>
    listeners.find(l => l.loadBalancerName === `lb-${kind}`)!.url
  const targetGroupArn = async (kind: string) =>
    (await elb.send(new DescribeTargetGroupsCommand({ Names: [`tg-${kind}`] }))).TargetGroups![0]!
      .TargetGroupArn!
  const health = async (kind: string): Promise<TargetHealthDescription[]> =>
    (
      await elb.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: await targetGroupArn(kind) })
      )
    ).TargetHealthDescriptions ?? []
  const runToStop = async (family: string): Promise<Task> => {
    const ran = await ecs.send(
      new RunTaskCommand({
        cluster: 'img',
        taskDefinition: family,
        launchType: 'FARGATE',
        networkConfiguration: network
      })
    )
    const arn = ran.tasks![0]!.taskArn!
    const done = await waitFor(
      () => ecs.send(new DescribeTasksCommand({ cluster: 'img', tasks: [arn] })),
      r => r.tasks?.[0]?.lastStatus === 'STOPPED'
    )
    return done.tasks![0]!
  }

  it('-pullerror: the task never starts and stops with CannotPullContainerError', async () => {
    const task = await runToStop('pull')
    expect(task.stopCode).toBe('TaskFailedToStart')
    expect(task.stoppedReason).toMatch(/^CannotPullContainerError: /)
    expect(task.stoppedReason).toContain('registry.example.com/shop/app:2.0.0-pullerror')
    expect(task.startedAt).toBeUndefined()
  })

  it('-oom: the container exits 137 with OutOfMemoryError', async () => {
    const task = await runToStop('oom')
    expect(task.stopCode).toBe('EssentialContainerExited')
    expect(task.stoppedReason).toBe('Essential container in task exited')
    expect(task.containers?.[0]?.exitCode).toBe(137)
    expect(task.containers?.[0]?.reason).toBe(
      'OutOfMemoryError: Container killed due to memory usage'
    )
  })

  it('-unhealthy: the target is unhealthy with Target.ResponseCodeMismatch [503]', async () => {
    const described = await waitFor(
      () => health('unhealthy'),
      d => d.some(t => t.TargetHealth?.State === 'unhealthy')
    )
    const target = described.find(t => t.TargetHealth?.State === 'unhealthy')!
    expect(target.TargetHealth?.Reason).toBe('Target.ResponseCodeMismatch')
    expect(target.TargetHealth?.Description).toBe('Health checks failed with these codes: [503]')
    expect(target.Target?.Id).toBe('127.0.0.1')
    expect(typeof target.HealthCheckPort).toBe('string')
  })

  it('-slow: the health path turns healthy only ~30 sim seconds after start', async () => {
    // The container starts after this call, so its 30 sim s warm-up ends >= 600 real ms later.
    const scaledAt = Date.now()
    const scaled = await ecs.send(
      new UpdateServiceCommand({ cluster: 'img', service: 'slow', desiredCount: 1 })
    )
    expect(scaled.service?.desiredCount).toBe(1)
    const { taskArns } = await waitFor(
      () => ecs.send(new ListTasksCommand({ cluster: 'img', serviceName: 'slow' })),
      r => (r.taskArns ?? []).length > 0
    )
    await waitFor(
      () => ecs.send(new DescribeTasksCommand({ cluster: 'img', tasks: taskArns })),
      r => r.tasks?.[0]?.lastStatus === 'RUNNING'
    )
    const states: string[] = []
    const healthy = await waitFor(
      () => health('slow'),
      d => {
        const state = d[0]?.TargetHealth?.State
        if (state !== undefined && states[states.length - 1] !== state) states.push(state)
        return state === 'healthy'
      },
      15_000,
      10
    )
    const becameHealthy = Date.now()
    // Registered while still warming up: not healthy first (initial, then 503s), healthy later.
    expect(['initial', 'unhealthy']).toContain(states[0])
    expect(states[states.length - 1]).toBe('healthy')
    expect(healthy).toHaveLength(1)
    expect(becameHealthy - scaledAt).toBeGreaterThanOrEqual((30_000 / SCALE) * 0.95)
    // The grace period kept ECS from replacing the warming task.
    const still = await ecs.send(new DescribeTasksCommand({ cluster: 'img', tasks: taskArns }))
    expect(still.tasks?.[0]?.lastStatus).toBe('RUNNING')
  })

  it('-errors: about 20 % of requests through the listener answer 500', async () => {
    const url = listenerUrl('errors')
    let errors = 0
    const total = 200
    for (let i = 0; i < total; i++) {
      const res = await fetch(`${url}/`)
      await res.arrayBuffer()
      if (res.status === 500) errors++
      else expect(res.status).toBe(200)
    }
    expect(errors / total).toBeGreaterThanOrEqual(0.15)
    expect(errors / total).toBeLessThanOrEqual(0.25)
  })

  it('-latency: every response through the listener is 400 sim ms late', async () => {
    const url = listenerUrl('latency')
    for (let i = 0; i < 2; i++) {
      const start = performance.now()
      const res = await fetch(`${url}/`)
      const body = (await res.json()) as { version: string }
      expect(res.status).toBe(200)
      expect(body.version).toBe('2.0.0-latency')
      // Sim time: 400 ms at scale 50 is 8 real ms (timer granularity allows a little less).
      expect(performance.now() - start).toBeGreaterThanOrEqual(400 / SCALE - 1)
      expect(res.headers.get('x-sim-task-definition')).toMatch(/^[\w-]+:\d+$/)
      expect(res.headers.get('x-sim-target-time-ms')).toBeNull()
    }
  })

  it('imageDigest is stable for the same image and differs between images', async () => {
    const errorsTasks = await ecs.send(
      new ListTasksCommand({ cluster: 'img', serviceName: 'errors' })
    )
    const latencyTasks = await ecs.send(
      new ListTasksCommand({ cluster: 'img', serviceName: 'latency' })
    )
    const described = await ecs.send(
      new DescribeTasksCommand({
        cluster: 'img',
        tasks: [...errorsTasks.taskArns!, ...latencyTasks.taskArns!]
      })
    )
    const digests = described.tasks!.map(t => t.containers![0]!.imageDigest!)
    expect(digests).toHaveLength(3)
    for (const digest of digests) expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(digests[0]).toBe(digests[1])
    expect(digests[2]).not.toBe(digests[0])
    // The same reference gets the same digest again on a fresh task.
    const again = await runToStop('oom')
    const oomAgain = await runToStop('oom')
    expect(again.containers?.[0]?.imageDigest).toBe(oomAgain.containers?.[0]?.imageDigest)
  })
})

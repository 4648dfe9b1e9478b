/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- ECS responses are read as untyped wire JSON */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createWorld, NETWORK, taskDefinitionInput, waitFor, type World } from './ecs-fakes.js'

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/abc'
let world: World

afterEach(async () => {
  await world.close()
})

async function service(name = 'web'): Promise<any> {
  const out = await world.call('DescribeServices', { cluster: 'main', services: [name] })
  return out.services[0]
}

async function setUp(
  options: { lb?: boolean; config?: Record<string, unknown>; desired?: number; scale?: number } = {}
) {
  world = createWorld(options.scale)
  await world.call('CreateCluster', { clusterName: 'main' })
  const v1 = await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v1'))
  if (options.lb === true) world.elb.addGroup(TG)
  await world.call('CreateService', {
    cluster: 'main',
    serviceName: 'web',
    taskDefinition: 'web',
    desiredCount: options.desired ?? 2,
    networkConfiguration: NETWORK,
    loadBalancers:
      options.lb === true
        ? [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }]
        : undefined,
    deploymentConfiguration: options.config
  })
  await waitFor(async () => (await service()).deployments[0].rolloutState === 'COMPLETED')
  return v1.taskDefinition.taskDefinitionArn as string
}

function messages(svc: any): string[] {
  return (svc.events as { message: string }[]).map(e => e.message).reverse()
}

describe('rolling deployment', () => {
  it('replaces tasks within min/max percent and reports the AWS event sequence', async () => {
    await setUp({ lb: true })
    const first = await service()
    expect(first.runningCount).toBe(2)
    expect(first.deployments).toHaveLength(1)
    expect(messages(first)).toContain(`(service web) registered 1 targets in (target-group ${TG})`)
    expect(messages(first).at(-1)).toBe('(service web) has reached a steady state.')

    const v2 = await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2'))
    const updated = await world.call('UpdateService', {
      cluster: 'main',
      service: 'web',
      taskDefinition: 'web:2'
    })
    const newId = updated.service.deployments[0].id as string
    expect(updated.service.deployments.map((d: any) => d.status)).toEqual(['PRIMARY', 'ACTIVE'])
    expect(updated.service.deployments[0].rolloutStateReason).toBe(
      `ECS deployment ${newId} in progress.`
    )

    // max 200 %: both new tasks start before any old one stops; live tasks never exceed 4.
    let maxLive = 0
    await waitFor(async () => {
      const tasks = await world.call('ListTasks', { cluster: 'main', serviceName: 'web' })
      maxLive = Math.max(maxLive, tasks.taskArns.length)
      const svc = await service()
      if (svc.deployments.length === 2 && svc.deployments[1].desiredCount < 2)
        world.elb.finishDraining()
      return svc.deployments[0].rolloutState === 'COMPLETED'
    })
    expect(maxLive).toBeLessThanOrEqual(4)
    const done = await service()
    expect(done.taskDefinition).toBe(v2.taskDefinition.taskDefinitionArn)
    expect(done.deployments).toHaveLength(1)
    expect(done.deployments[0]).toMatchObject({ id: newId, runningCount: 2 })
    expect(done.deployments[0].rolloutStateReason).toBe(`ECS deployment ${newId} completed.`)
    const log = messages(done)
    const started = log.findIndex(
      m =>
        /^\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/.test(
          m
        ) && log.indexOf(m) > 3
    )
    const stopped = log.findIndex(m => m.startsWith('(service web) has stopped'))
    const draining = log.findIndex(
      m =>
        m.startsWith('(service web, taskSet ecs-svc/') &&
        m.endsWith('has begun draining connections on 1 tasks.')
    )
    const completed = log.indexOf(`(service web) (deployment ${newId}) deployment completed.`)
    expect(started).toBeGreaterThan(-1)
    expect(stopped).toBeGreaterThan(started)
    expect(draining).toBeGreaterThan(stopped)
    expect(completed).toBeGreaterThan(draining)
    expect(log.at(-1)).toBe('(service web) has reached a steady state.')
    expect(log).toContain(`(service web) deregistered 1 targets in (target-group ${TG})`)

    const stoppedTasks = await world.call('ListTasks', {
      cluster: 'main',
      serviceName: 'web',
      desiredStatus: 'STOPPED'
    })
    const described = await world.call('DescribeTasks', {
      cluster: 'main',
      tasks: stoppedTasks.taskArns
    })
    expect(described.tasks[0]).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: `Scaling activity initiated by (deployment ${newId})`
    })
    const sds = await world.call('ListServiceDeployments', { cluster: 'main', service: 'web' })
    expect(sds.serviceDeployments.map((s: any) => s.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL'])
  })

  it('with min 50 % / max 100 % stops half the old tasks before starting new ones', async () => {
    await setUp({ config: { minimumHealthyPercent: 50, maximumPercent: 100 }, desired: 2 })
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2'))
    await world.call('UpdateService', { cluster: 'main', service: 'web', taskDefinition: 'web:2' })
    let maxLive = 0
    await waitFor(async () => {
      const tasks = await world.call('ListTasks', { cluster: 'main', serviceName: 'web' })
      maxLive = Math.max(maxLive, tasks.taskArns.length)
      return (await service()).deployments[0].rolloutState === 'COMPLETED'
    })
    expect(maxLive).toBeLessThanOrEqual(2)
    const log = messages(await service())
    const firstStop = log.findIndex(m => m.startsWith('(service web) has stopped 1 running tasks'))
    const secondStart = log.findLastIndex(m => m.startsWith('(service web) has started 1 tasks'))
    expect(firstStop).toBeGreaterThan(-1)
    expect(secondStart).toBeGreaterThan(firstStop)
  })

  it('reports that min 100 % / max 100 % cannot move', async () => {
    await setUp({ config: { minimumHealthyPercent: 100, maximumPercent: 100 }, desired: 1 })
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2'))
    await world.call('UpdateService', { cluster: 'main', service: 'web', taskDefinition: 'web:2' })
    await waitFor(async () =>
      messages(await service()).some(m => m.includes('was unable to stop or start tasks'))
    )
    expect((await service()).deployments[0].rolloutState).toBe('IN_PROGRESS')
  })

  it('changes desiredCount without a new deployment', async () => {
    await setUp({ desired: 1 })
    const out = await world.call('UpdateService', {
      cluster: 'main',
      service: 'web',
      desiredCount: 3
    })
    expect(out.service.deployments).toHaveLength(1)
    await waitFor(async () => (await service()).runningCount === 3)
    await world.call('UpdateService', { cluster: 'main', service: 'web', desiredCount: 1 })
    await waitFor(async () => (await service()).runningCount === 1)
    expect((await service()).deployments).toHaveLength(1)
  })
})

describe('circuit breaker', () => {
  const breaker = (rollback: boolean) => ({ deploymentCircuitBreaker: { enable: true, rollback } })

  it('fails a crash-looping deployment and rolls back to the last completed revision', async () => {
    const v1 = await setUp({ config: breaker(true), desired: 1, scale: 200 })
    const firstDeployment = (await service()).deployments[0].id
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2-crash'))
    const updated = await world.call('UpdateService', {
      cluster: 'main',
      service: 'web',
      taskDefinition: 'web:2'
    })
    const failedId = updated.service.deployments[0].id
    // Snapshot the service while the failed deployment still has tasks.
    const during = await waitFor(async () => {
      const svc = await service()
      return svc.deployments.some((d: any) => d.rolloutState === 'FAILED') ? svc : undefined
    })
    expect(during.deployments[0].rolloutStateReason).toBe(
      `ECS deployment circuit breaker: rolling back to deploymentId ${firstDeployment}.`
    )
    expect(during.deployments[0].taskDefinition).toBe(v1)
    const failed = during.deployments.find((d: any) => d.id === failedId)
    expect(failed).toMatchObject({
      status: 'ACTIVE',
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.'
    })
    expect(failed.failedTasks).toBeGreaterThanOrEqual(3)
    const log = messages(during)
    expect(log).toContain(
      `(service web) (deployment ${failedId}) deployment failed: tasks failed to start.`
    )
    expect(log).toContain(`(service web) rolling back to deployment ${firstDeployment}.`)
    expect(log).toContain('(service web) is unable to consistently start tasks successfully.')

    await waitFor(async () => {
      const svc = await service()
      return svc.deployments.length === 1 && svc.deployments[0].rolloutState === 'COMPLETED'
    })
    const after = await service()
    expect(after.taskDefinition).toBe(v1)
    expect(after.deployments[0].taskDefinition).toBe(v1)
    const sdArn = after.currentServiceDeployment
    const sd = (await world.call('DescribeServiceDeployments', { serviceDeploymentArns: [sdArn] }))
      .serviceDeployments[0]
    expect(sd.status).toBe('ROLLBACK_SUCCESSFUL')
    expect(sd.deploymentCircuitBreaker).toMatchObject({ status: 'TRIGGERED', threshold: 3 })
    expect(sd.rollback.serviceRevisionArn).toBe(sd.sourceServiceRevisions[0].arn)
    const stopped = await world.call('ListTasks', {
      cluster: 'main',
      desiredStatus: 'STOPPED',
      startedBy: failedId
    })
    const tasks = await world.call('DescribeTasks', { cluster: 'main', tasks: stopped.taskArns })
    expect(tasks.tasks[0]).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited'
    })
    expect(tasks.tasks[0].containers[0].exitCode).toBe(1)
  })

  it('without rollback leaves the deployment FAILED and launches no more tasks', async () => {
    await setUp({ config: breaker(false), desired: 1, scale: 200 })
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2-pullerror'))
    await world.call('UpdateService', { cluster: 'main', service: 'web', taskDefinition: 'web:2' })
    await waitFor(async () => (await service()).deployments[0].rolloutState === 'FAILED')
    const svc = await service()
    expect(svc.deployments[0].status).toBe('PRIMARY')
    const launched = world.runtime.started.length
    const stopped = await world.call('ListTasks', { cluster: 'main', desiredStatus: 'STOPPED' })
    const task = (await world.call('DescribeTasks', { cluster: 'main', tasks: stopped.taskArns }))
      .tasks[0]
    expect(task.stopCode).toBe('TaskFailedToStart')
    expect(task.stoppedReason).toMatch(/^CannotPullContainerError: /)
    await world.clock.sleep(5000)
    expect(world.runtime.started.length).toBe(launched)
    const sd = (
      await world.call('DescribeServiceDeployments', {
        serviceDeploymentArns: [svc.currentServiceDeployment]
      })
    ).serviceDeployments[0]
    expect(sd.status).toBe('STOPPED')
    expect(sd.stoppedAt).toBeInstanceOf(Date)
    expect(svc.runningCount).toBe(1)
  })

  it('honours a COUNT threshold', async () => {
    await setUp({
      config: {
        deploymentCircuitBreaker: {
          enable: true,
          rollback: false,
          thresholdConfiguration: { type: 'COUNT', value: 1 }
        }
      },
      desired: 1
    })
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2-oom'))
    await world.call('UpdateService', { cluster: 'main', service: 'web', taskDefinition: 'web:2' })
    await waitFor(async () => (await service()).deployments[0].rolloutState === 'FAILED')
    expect((await service()).deployments[0].failedTasks).toBe(1)
  })
})

describe('deployment alarms', () => {
  it('fails the deployment when an alarm fires and rolls back', async () => {
    await setUp({
      config: { alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true } },
      desired: 1,
      scale: 200
    })
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2'))
    const updated = await world.call('UpdateService', {
      cluster: 'main',
      service: 'web',
      taskDefinition: 'web:2'
    })
    const id = updated.service.deployments[0].id
    // The alarm fires while the new revision bakes: the deployment is still IN_PROGRESS.
    await waitFor(async () => {
      const svc = await service()
      return svc.deployments.length === 1 && svc.runningCount === 1
    })
    expect((await service()).deployments[0].rolloutState).toBe('IN_PROGRESS')
    world.alarms.states.set('web-5xx', 'ALARM')
    await waitFor(async () =>
      (await service()).deployments.some((d: any) => d.rolloutState === 'FAILED')
    )
    const svc = await service()
    const failed = svc.deployments.find((d: any) => d.id === id)
    expect(failed.rolloutStateReason).toContain('alarm')
    expect(messages(svc)).toContain(
      `(service web) (deployment ${id}) deployment failed: alarm detected.`
    )
    const sd = (
      await world.call('DescribeServiceDeployments', {
        serviceDeploymentArns: [svc.currentServiceDeployment]
      })
    ).serviceDeployments[0]
    expect(sd.alarms).toEqual({
      status: 'TRIGGERED',
      alarmNames: ['web-5xx'],
      triggeredAlarmNames: ['web-5xx']
    })
    await waitFor(async () => (await service()).deployments.length === 1)
    expect((await service()).taskDefinition).toMatch(/web:1$/)
  })
})

describe('load balancer health', () => {
  it('stops tasks whose targets are unhealthy after the grace period', async () => {
    await setUp({ lb: true, desired: 1 })
    world.elb.health = 'unhealthy'
    await waitFor(async () => messages(await service()).some(m => m.includes('is unhealthy in')))
    const log = messages(await service())
    expect(log.find(m => m.includes('is unhealthy in'))).toMatch(
      new RegExp(
        `^\\(service web\\) \\(task [0-9a-f]{32}\\) \\(port \\d+\\) is unhealthy in \\(target-group ${TG.replace(/[/.]/g, '\\$&')}\\) due to \\(reason Health checks failed with these codes: \\[503\\]\\)\\.$`
      )
    )
    world.elb.finishDraining()
    const stopped = await waitFor(async () => {
      const list = await world.call('ListTasks', { cluster: 'main', desiredStatus: 'STOPPED' })
      return list.taskArns.length > 0 ? list : undefined
    })
    const task = (await world.call('DescribeTasks', { cluster: 'main', tasks: stopped.taskArns }))
      .tasks[0]
    expect(task.stoppedReason).toBe(`Task failed ELB health checks in (target-group ${TG})`)
    expect(task.stopCode).toBe('ServiceSchedulerInitiated')
    expect(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED']).toContain(task.lastStatus)
  })

  it('maps tasks to targets through hostPort', async () => {
    await setUp({ lb: true, desired: 1 })
    const list = await world.call('ListTasks', { cluster: 'main', serviceName: 'web' })
    const task = (await world.call('DescribeTasks', { cluster: 'main', tasks: list.taskArns }))
      .tasks[0]
    const binding = task.containers[0].networkBindings[0]
    expect(binding).toMatchObject({ containerPort: 8080, bindIP: '127.0.0.1', protocol: 'tcp' })
    expect(world.elb.registered.get(TG)).toEqual([{ id: '127.0.0.1', port: binding.hostPort }])
    expect(task.attachments[0].details).toContainEqual({
      name: 'privateIPv4Address',
      value: '127.0.0.1'
    })
  })
})

describe('StopServiceDeployment', () => {
  it('rolls an ongoing deployment back to its source revision', async () => {
    await setUp({ desired: 1 })
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2'))
    const updated = await world.call('UpdateService', {
      cluster: 'main',
      service: 'web',
      taskDefinition: 'web:2'
    })
    const arn = updated.service.currentServiceDeployment
    await expect(
      world.call('StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'ROLLBACK' })
    ).resolves.toEqual({ serviceDeploymentArn: arn })
    await expect(
      world.call('StopServiceDeployment', { serviceDeploymentArn: arn })
    ).resolves.toEqual({ serviceDeploymentArn: arn })
    await waitFor(async () => {
      const sd = (await world.call('DescribeServiceDeployments', { serviceDeploymentArns: [arn] }))
        .serviceDeployments[0]
      return sd.status === 'ROLLBACK_SUCCESSFUL'
    })
    expect((await service()).taskDefinition).toMatch(/web:1$/)
    await expect(
      world.call('StopServiceDeployment', { serviceDeploymentArn: arn })
    ).rejects.toMatchObject({ code: 'ConflictException' })
    await expect(
      world.call('StopServiceDeployment', { serviceDeploymentArn: `${arn}x` })
    ).rejects.toMatchObject({ code: 'ServiceDeploymentNotFoundException' })
    await expect(
      world.call('StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'ABORT' })
    ).rejects.toMatchObject({ code: 'InvalidParameterException' })
  })

  it('lists and describes service deployments and revisions', async () => {
    await setUp({ desired: 1 })
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2'))
    await world.call('UpdateService', { cluster: 'main', service: 'web', taskDefinition: 'web:2' })
    await world.call('UpdateService', { cluster: 'main', service: 'web', forceNewDeployment: true })
    const all = await world.call('ListServiceDeployments', { cluster: 'main', service: 'web' })
    expect(all.serviceDeployments.map((s: any) => s.status)).toEqual([
      'PENDING',
      'STOPPED',
      'SUCCESSFUL'
    ])
    const page = await world.call('ListServiceDeployments', {
      cluster: 'main',
      service: 'web',
      maxResults: 2
    })
    expect(page.serviceDeployments).toHaveLength(2)
    const rest = await world.call('ListServiceDeployments', {
      cluster: 'main',
      service: 'web',
      nextToken: page.nextToken
    })
    expect(rest.serviceDeployments).toHaveLength(1)
    const ok = await world.call('ListServiceDeployments', {
      cluster: 'main',
      service: 'web',
      status: ['SUCCESSFUL'],
      createdAt: { after: 0, before: Date.now() / 1000 + 60 }
    })
    expect(ok.serviceDeployments).toHaveLength(1)
    await expect(
      world.call('ListServiceDeployments', { cluster: 'main', service: 'web', status: ['NOPE'] })
    ).rejects.toMatchObject({ code: 'InvalidParameterException' })
    await expect(
      world.call('ListServiceDeployments', { cluster: 'main', service: 'nope' })
    ).rejects.toMatchObject({ code: 'ServiceNotFoundException' })
    const revArn = all.serviceDeployments[0].targetServiceRevisionArn
    const revs = await world.call('DescribeServiceRevisions', {
      serviceRevisionArns: [revArn, 'arn:missing']
    })
    expect(revs.serviceRevisions[0]).toMatchObject({
      serviceRevisionArn: revArn,
      taskDefinition: expect.stringMatching(/web:2$/)
    })
    expect(revArn).toMatch(/^arn:aws:ecs:eu-west-1:123456789012:service-revision\/main\/web\/3$/)
    expect(revs.failures).toEqual([{ arn: 'arn:missing', reason: 'MISSING' }])
    const sds = await world.call('DescribeServiceDeployments', {
      serviceDeploymentArns: [all.serviceDeployments[0].serviceDeploymentArn, 'arn:x']
    })
    expect(sds.failures).toEqual([{ arn: 'arn:x', reason: 'MISSING' }])
    expect(sds.serviceDeployments[0].sourceServiceRevisions).toHaveLength(2)
    await expect(
      world.call('DescribeServiceDeployments', { serviceDeploymentArns: Array(21).fill('a') })
    ).rejects.toMatchObject({ code: 'InvalidParameterException' })
    await expect(
      world.call('DescribeServiceRevisions', { serviceRevisionArns: Array(21).fill('a') })
    ).rejects.toMatchObject({ code: 'InvalidParameterException' })
  })
})

describe('reset', () => {
  it('stops every container and forgets all state', async () => {
    await setUp({ desired: 2 })
    expect(world.runtime.live.size).toBe(2)
    await world.ecs.reset()
    expect(world.runtime.live.size).toBe(0)
    await expect(world.call('DescribeClusters', { clusters: ['main'] })).resolves.toMatchObject({
      failures: [{ reason: 'MISSING' }]
    })
    expect(world.clock.pending()).toBe(0)
    expect(world.ecs.dump()).toMatchObject({ services: [], tasks: [] })
  })
})

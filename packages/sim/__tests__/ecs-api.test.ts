/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- ECS responses are read as untyped wire JSON */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createWorld, NETWORK, taskDefinitionInput, waitFor, type World } from './ecs-fakes.js'

let world: World

beforeEach(async () => {
  world = createWorld()
  await world.call('CreateCluster', { clusterName: 'main', tags: [{ key: 'team', value: 'a' }] })
})
afterEach(async () => {
  await world.close()
})

const code = (name: string) => expect.objectContaining({ code: name })

describe('clusters and tags', () => {
  it('creates, describes and tags clusters', async () => {
    const again = await world.call('CreateCluster', { clusterName: 'main' })
    expect(again.cluster).toMatchObject({
      clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/main',
      status: 'ACTIVE'
    })
    const out = await world.call('DescribeClusters', {
      clusters: ['main', 'nope'],
      include: ['TAGS']
    })
    expect(out.clusters[0].tags).toEqual([{ key: 'team', value: 'a' }])
    expect(out.failures).toEqual([
      { arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/nope', reason: 'MISSING' }
    ])
    await expect(world.call('CreateCluster', { clusterName: 'bad name' })).rejects.toEqual(
      code('InvalidParameterException')
    )
    const arn = out.clusters[0].clusterArn
    await world.call('TagResource', {
      resourceArn: arn,
      tags: [
        { key: 'env', value: 'dev' },
        { key: 'team', value: 'b' }
      ]
    })
    await world.call('UntagResource', { resourceArn: arn, tagKeys: ['env'] })
    expect((await world.call('ListTagsForResource', { resourceArn: arn })).tags).toEqual([
      { key: 'team', value: 'b' }
    ])
    await expect(world.call('ListTagsForResource', { resourceArn: 'arn:nope' })).rejects.toEqual(
      code('InvalidParameterException')
    )
    await expect(world.call('TagResource', { resourceArn: arn })).rejects.toEqual(
      code('InvalidParameterException')
    )
    await expect(
      world.call('DescribeServices', { cluster: 'nope', services: ['x'] })
    ).rejects.toEqual(code('ClusterNotFoundException'))
  })

  it('describes the default cluster when none is named', async () => {
    const out = await world.call('DescribeClusters')
    expect(out.failures).toEqual([
      { arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/default', reason: 'MISSING' }
    ])
    await world.call('CreateCluster')
    expect((await world.call('DescribeClusters')).clusters[0].clusterName).toBe('default')
  })

  it('rejects unknown operations and knows which operations mutate', async () => {
    await expect(world.call('Frobnicate')).rejects.toEqual(code('UnknownOperationException'))
    expect(world.ecs.isMutating('UpdateService')).toBe(true)
    expect(world.ecs.isMutating('DescribeServices')).toBe(false)
    expect(world.ecs.isMutating('Nope')).toBe(false)
  })
})

describe('task definitions', () => {
  it('registers revisions and describes them by family, revision and ARN', async () => {
    const one = await world.call('RegisterTaskDefinition', {
      ...taskDefinitionInput('app:v1'),
      tags: [{ key: 'k', value: 'v' }]
    })
    expect(one.taskDefinition).toMatchObject({
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
      revision: 1,
      status: 'ACTIVE',
      compatibilities: ['EC2', 'FARGATE']
    })
    expect(one.taskDefinition.registeredAt).toBeInstanceOf(Date)
    expect(one.taskDefinition.registeredBy).toMatch(/^arn:aws:sts::123456789012:/)
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2'))
    expect(
      (await world.call('DescribeTaskDefinition', { taskDefinition: 'web' })).taskDefinition
        .revision
    ).toBe(2)
    const byArn = await world.call('DescribeTaskDefinition', {
      taskDefinition: one.taskDefinition.taskDefinitionArn,
      include: ['TAGS']
    })
    expect(byArn.tags).toEqual([{ key: 'k', value: 'v' }])
    await world.call('DeregisterTaskDefinition', { taskDefinition: 'web:2' })
    const latest = await world.call('DescribeTaskDefinition', { taskDefinition: 'web' })
    expect(latest.taskDefinition.revision).toBe(1)
    const inactive = await world.call('DescribeTaskDefinition', { taskDefinition: 'web:2' })
    expect(inactive.taskDefinition).toMatchObject({ status: 'INACTIVE' })
    expect(inactive.taskDefinition.deregisteredAt).toBeInstanceOf(Date)
    await expect(world.call('DescribeTaskDefinition', { taskDefinition: 'web:9' })).rejects.toEqual(
      expect.objectContaining({
        code: 'ClientException',
        message: 'Unable to describe task definition.'
      })
    )
    await expect(world.call('DeregisterTaskDefinition', { taskDefinition: 'web' })).rejects.toEqual(
      code('InvalidParameterException')
    )
    await expect(
      world.call('DeregisterTaskDefinition', { taskDefinition: 'web:9' })
    ).rejects.toEqual(code('ClientException'))
  })

  it.each([
    [{ family: undefined }, 'InvalidParameterException'],
    [{ family: 'bad family' }, 'ClientException'],
    [{ containerDefinitions: [] }, 'ClientException'],
    [
      {
        containerDefinitions: [
          { name: 'a', image: 'x' },
          { name: 'a', image: 'y' }
        ]
      },
      'ClientException'
    ],
    [{ containerDefinitions: [{ name: 'a' }] }, 'ClientException'],
    [{ containerDefinitions: [{ image: 'x' }] }, 'ClientException'],
    [{ networkMode: 'bridge' }, 'ClientException'],
    [{ networkMode: 'weird' }, 'InvalidParameterException'],
    [{ cpu: '256', memory: '4096' }, 'ClientException'],
    [{ cpu: undefined }, 'ClientException'],
    [{ memory: undefined }, 'ClientException'],
    [{ requiresCompatibilities: ['MOON'] }, 'InvalidParameterException']
  ])('rejects %j with %s', async (override, expected) => {
    await expect(
      world.call('RegisterTaskDefinition', { ...taskDefinitionInput('a:1'), ...override })
    ).rejects.toEqual(code(expected))
  })

  it('accepts vCPU/GB notation and non-Fargate definitions', async () => {
    await expect(
      world.call('RegisterTaskDefinition', {
        ...taskDefinitionInput('a:1'),
        cpu: '1 vCPU',
        memory: '2 GB'
      })
    ).resolves.toBeDefined()
    const ec2 = await world.call('RegisterTaskDefinition', {
      family: 'ec2',
      containerDefinitions: [{ name: 'a', image: 'x' }]
    })
    expect(ec2.taskDefinition.compatibilities).toEqual(['EC2'])
  })

  it('lists with family filter, status, sort and pagination', async () => {
    for (const family of ['web', 'web', 'api', 'web']) {
      await world.call('RegisterTaskDefinition', taskDefinitionInput('x:1', family))
    }
    await world.call('DeregisterTaskDefinition', { taskDefinition: 'web:1' })
    const first = await world.call('ListTaskDefinitions', { maxResults: 2 })
    expect(first.taskDefinitionArns.map((a: string) => a.split('/')[1])).toEqual(['api:1', 'web:2'])
    const second = await world.call('ListTaskDefinitions', {
      maxResults: 2,
      nextToken: first.nextToken
    })
    expect(second.taskDefinitionArns.map((a: string) => a.split('/')[1])).toEqual(['web:3'])
    expect(second.nextToken).toBeUndefined()
    const desc = await world.call('ListTaskDefinitions', { familyPrefix: 'web', sort: 'DESC' })
    expect(desc.taskDefinitionArns.map((a: string) => a.split('/')[1])).toEqual(['web:3', 'web:2'])
    const inactive = await world.call('ListTaskDefinitions', { status: 'INACTIVE' })
    expect(inactive.taskDefinitionArns).toHaveLength(1)
    await expect(world.call('ListTaskDefinitions', { nextToken: 'garbage!' })).rejects.toEqual(
      code('InvalidParameterException')
    )
    await expect(world.call('ListTaskDefinitions', { maxResults: 101 })).rejects.toEqual(
      code('InvalidParameterException')
    )
    await expect(world.call('ListTaskDefinitions', { sort: 'UP' })).rejects.toEqual(
      code('InvalidParameterException')
    )
  })
})

describe('services', () => {
  beforeEach(async () => {
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v1'))
  })
  const create = (extra: Record<string, unknown> = {}) =>
    world.call('CreateService', {
      cluster: 'main',
      serviceName: 'web',
      taskDefinition: 'web:1',
      desiredCount: 1,
      networkConfiguration: NETWORK,
      ...extra
    })

  it('creates a service with AWS defaults and describes it with tags and failures', async () => {
    const out = await create({ tags: [{ key: 'a', value: 'b' }] })
    expect(out.service).toMatchObject({
      serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/main/web',
      status: 'ACTIVE',
      launchType: 'FARGATE',
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: false, rollback: false }
      }
    })
    expect(out.service.deployments[0].id).toMatch(/^ecs-svc\/\d{19}$/)
    const described = await world.call('DescribeServices', {
      cluster: 'main',
      services: ['web', 'ghost'],
      include: ['TAGS']
    })
    expect(described.services[0].tags).toEqual([{ key: 'a', value: 'b' }])
    expect(described.failures).toEqual([
      { arn: 'arn:aws:ecs:eu-west-1:123456789012:service/main/ghost', reason: 'MISSING' }
    ])
    await expect(
      world.call('DescribeServices', { cluster: 'main', services: Array(11).fill('web') })
    ).rejects.toEqual(code('InvalidParameterException'))
    await expect(world.call('DescribeServices', { cluster: 'main' })).rejects.toEqual(
      code('InvalidParameterException')
    )
    await expect(create()).rejects.toEqual(code('InvalidParameterException'))
  })

  it.each([
    [{ serviceName: undefined }, 'InvalidParameterException'],
    [{ serviceName: 'bad name' }, 'InvalidParameterException'],
    [{ taskDefinition: undefined }, 'InvalidParameterException'],
    [{ taskDefinition: 'nope:1' }, 'ClientException'],
    [{ networkConfiguration: undefined }, 'InvalidParameterException'],
    [{ launchType: 'MOON' }, 'InvalidParameterException'],
    [
      { launchType: 'FARGATE', capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] },
      'InvalidParameterException'
    ],
    [{ desiredCount: -1 }, 'InvalidParameterException'],
    [{ desiredCount: 'two' }, 'InvalidParameterException'],
    [{ deploymentConfiguration: { strategy: 'BLUE_GREEN' } }, 'InvalidParameterException'],
    [{ deploymentConfiguration: { maximumPercent: 50 } }, 'InvalidParameterException'],
    [
      { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true } } },
      'InvalidParameterException'
    ],
    [
      { deploymentConfiguration: { alarms: { enable: true, rollback: true } } },
      'InvalidParameterException'
    ],
    [
      {
        deploymentConfiguration: {
          deploymentCircuitBreaker: {
            enable: true,
            rollback: true,
            thresholdConfiguration: { type: 'X' }
          }
        }
      },
      'InvalidParameterException'
    ],
    [
      {
        loadBalancers: [
          { targetGroupArn: 'arn:tg/missing', containerName: 'app', containerPort: 8080 }
        ]
      },
      'InvalidParameterException'
    ],
    [
      {
        loadBalancers: [{ loadBalancerName: 'classic', containerName: 'app', containerPort: 8080 }]
      },
      'InvalidParameterException'
    ],
    [
      { loadBalancers: [{ targetGroupArn: 'arn:tg/ok', containerName: 'app' }] },
      'InvalidParameterException'
    ],
    [
      {
        loadBalancers: [{ targetGroupArn: 'arn:tg/ok', containerName: 'app', containerPort: 9999 }]
      },
      'InvalidParameterException'
    ],
    [
      {
        loadBalancers: [
          { targetGroupArn: 'arn:tg/lonely', containerName: 'app', containerPort: 8080 }
        ]
      },
      'InvalidParameterException'
    ],
    [
      {
        loadBalancers: [
          {
            targetGroupArn: 'arn:tg/ok',
            containerName: 'app',
            containerPort: 8080,
            advancedConfiguration: {}
          }
        ]
      },
      'InvalidParameterException'
    ],
    [{ tags: 'x' }, 'InvalidParameterException'],
    [{ tags: [{ value: 'x' }] }, 'InvalidParameterException'],
    [{ loadBalancers: ['x'] }, 'InvalidParameterException'],
    [{ networkConfiguration: 'x' }, 'InvalidParameterException'],
    [{ enableExecuteCommand: 'yes' }, 'InvalidParameterException'],
    [{ platformVersion: 1 }, 'InvalidParameterException']
  ])('CreateService rejects %j with %s', async (override, expected) => {
    world.elb.addGroup('arn:tg/ok')
    world.elb.addGroup('arn:tg/lonely', [])
    await expect(create(override)).rejects.toEqual(code(expected))
  })

  it('accepts CODE_DEPLOY services but refuses task-definition updates on them', async () => {
    await create({
      deploymentController: { type: 'CODE_DEPLOY' },
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }]
    })
    const svc = (await world.call('DescribeServices', { cluster: 'main', services: ['web'] }))
      .services[0]
    expect(svc.deploymentController).toEqual({ type: 'CODE_DEPLOY' })
    expect(svc.deployments).toEqual([])
    await expect(
      world.call('UpdateService', { cluster: 'main', service: 'web', taskDefinition: 'web:1' })
    ).rejects.toEqual(code('InvalidParameterException'))
    await expect(
      world.call('UpdateService', { cluster: 'main', service: 'web', desiredCount: 2 })
    ).resolves.toBeDefined()
  })

  it('updates configuration, redeploys on network changes and validates UpdateService', async () => {
    await create()
    const out = await world.call('UpdateService', {
      cluster: 'main',
      service: 'arn:aws:ecs:eu-west-1:123456789012:service/main/web',
      networkConfiguration: NETWORK,
      platformVersion: '1.4.0',
      healthCheckGracePeriodSeconds: 30,
      deploymentConfiguration: {
        minimumHealthyPercent: 50,
        deploymentCircuitBreaker: {
          enable: true,
          rollback: true,
          resetOnHealthyTask: false,
          thresholdConfiguration: { type: 'UNBOUNDED_PERCENT', value: 100 }
        }
      }
    })
    expect(out.service.deployments).toHaveLength(2)
    expect(out.service.healthCheckGracePeriodSeconds).toBe(30)
    expect(out.service.deploymentConfiguration.minimumHealthyPercent).toBe(50)
    await world.call('UpdateService', {
      cluster: 'main',
      service: 'web',
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }]
    })
    await expect(
      world.call('UpdateService', { cluster: 'main', service: 'ghost' })
    ).rejects.toEqual(code('ServiceNotFoundException'))
    await expect(world.call('UpdateService', { cluster: 'main' })).rejects.toEqual(
      code('InvalidParameterException')
    )
    await expect(
      world.call('UpdateService', { cluster: 'main', service: 'web', taskDefinition: 'web:7' })
    ).rejects.toEqual(code('ClientException'))
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v2'))
    await world.call('DeregisterTaskDefinition', { taskDefinition: 'web:2' })
    await expect(
      world.call('UpdateService', { cluster: 'main', service: 'web', taskDefinition: 'web:2' })
    ).rejects.toEqual(code('ClientException'))
    world.elb.addGroup('arn:tg/ok')
    const lb = await world.call('UpdateService', {
      cluster: 'main',
      service: 'web',
      loadBalancers: [{ targetGroupArn: 'arn:tg/ok', containerName: 'app', containerPort: 8080 }]
    })
    expect(lb.service.loadBalancers).toHaveLength(1)
  })

  it('deletes services: refuses while scaled, drains with force, then INACTIVE', async () => {
    await create()
    await waitFor(
      async () =>
        (await world.call('DescribeServices', { cluster: 'main', services: ['web'] })).services[0]
          .runningCount === 1
    )
    await expect(world.call('DeleteService', { cluster: 'main', service: 'web' })).rejects.toEqual(
      code('InvalidParameterException')
    )
    const out = await world.call('DeleteService', { cluster: 'main', service: 'web', force: true })
    expect(out.service.status).toBe('DRAINING')
    await expect(
      world.call('UpdateService', { cluster: 'main', service: 'web', desiredCount: 1 })
    ).rejects.toEqual(code('ServiceNotActiveException'))
    await expect(
      world.call('DeleteService', { cluster: 'main', service: 'web', force: true })
    ).rejects.toEqual(code('ServiceNotActiveException'))
    await waitFor(
      async () =>
        (await world.call('DescribeServices', { cluster: 'main', services: ['web'] })).services[0]
          .status === 'INACTIVE'
    )
    await expect(
      world.call('DeleteService', { cluster: 'main', service: 'ghost' })
    ).rejects.toEqual(code('ServiceNotFoundException'))
    await expect(create()).resolves.toBeDefined()
    const empty = await world.call('CreateService', {
      cluster: 'main',
      serviceName: 'idle',
      taskDefinition: 'web',
      networkConfiguration: NETWORK
    })
    expect(
      (await world.call('DeleteService', { cluster: 'main', service: 'idle' })).service.status
    ).toBe('INACTIVE')
    expect(empty.service.desiredCount).toBe(0)
  })
})

describe('tasks', () => {
  beforeEach(async () => {
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v1'))
  })

  it('runs one-off tasks whose command ends them with exit code 0', async () => {
    const out = await world.call('RunTask', {
      cluster: 'main',
      taskDefinition: 'web',
      networkConfiguration: NETWORK,
      startedBy: 'migrate',
      tags: [{ key: 'job', value: 'm' }],
      overrides: {
        containerOverrides: [
          { name: 'app', command: ['migrate'], environment: [{ name: 'X', value: '1' }] }
        ]
      }
    })
    const arn = out.tasks[0].taskArn
    expect(arn).toMatch(/^arn:aws:ecs:eu-west-1:123456789012:task\/main\/[0-9a-f]{32}$/)
    expect(out.tasks[0]).toMatchObject({
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      group: 'family:web'
    })
    const stopped = await waitFor(async () => {
      const t = (
        await world.call('DescribeTasks', { cluster: 'main', tasks: [arn], include: ['TAGS'] })
      ).tasks[0]
      return t.lastStatus === 'STOPPED' ? t : undefined
    })
    expect(stopped).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      tags: [{ key: 'job', value: 'm' }]
    })
    expect(stopped.containers[0]).toMatchObject({
      exitCode: 0,
      imageDigest: expect.stringMatching(/^sha256:/)
    })
    expect(world.runtime.started[0]?.environment).toEqual({ MODE: 'sim', X: '1' })
    const byStarter = await world.call('ListTasks', {
      cluster: 'main',
      startedBy: 'migrate',
      desiredStatus: 'STOPPED',
      family: 'web'
    })
    expect(byStarter.taskArns).toEqual([arn])
  })

  it('reports OOM exits and lets StopTask set the reason', async () => {
    await world.call('RegisterTaskDefinition', taskDefinitionInput('app:v1-oom', 'oom'))
    const oom = (
      await world.call('RunTask', {
        cluster: 'main',
        taskDefinition: 'oom',
        networkConfiguration: NETWORK
      })
    ).tasks[0].taskArn
    const ok = (
      await world.call('RunTask', {
        cluster: 'main',
        taskDefinition: 'web',
        networkConfiguration: NETWORK,
        count: 1
      })
    ).tasks[0].taskArn
    const dead = await waitFor(async () => {
      const t = (await world.call('DescribeTasks', { cluster: 'main', tasks: [oom] })).tasks[0]
      return t.lastStatus === 'STOPPED' ? t : undefined
    })
    expect(dead.containers[0]).toMatchObject({
      exitCode: 137,
      reason: 'OutOfMemoryError: Container killed due to memory usage'
    })
    await waitFor(
      async () =>
        (await world.call('DescribeTasks', { cluster: 'main', tasks: [ok] })).tasks[0]
          .lastStatus === 'RUNNING'
    )
    const stopped = await world.call('StopTask', {
      cluster: 'main',
      task: ok,
      reason: 'maintenance'
    })
    expect(stopped.task).toMatchObject({
      desiredStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'maintenance'
    })
    await waitFor(
      async () =>
        (await world.call('DescribeTasks', { cluster: 'main', tasks: [ok] })).tasks[0]
          .lastStatus === 'STOPPED'
    )
    await expect(world.call('StopTask', { cluster: 'main', task: 'ffff' })).rejects.toEqual(
      code('InvalidParameterException')
    )
  })

  it('reports container health and stops tasks at any stage', async () => {
    await world.call('RegisterTaskDefinition', {
      ...taskDefinitionInput('app:v1', 'checked'),
      containerDefinitions: [
        { name: 'app', image: 'app:v1', healthCheck: { command: ['CMD', 'true'] } }
      ]
    })
    const run = async () =>
      (
        await world.call('RunTask', {
          cluster: 'main',
          taskDefinition: 'checked',
          networkConfiguration: NETWORK
        })
      ).tasks[0].taskArn as string
    const describe = async (arn: string) =>
      (await world.call('DescribeTasks', { cluster: 'main', tasks: [arn] })).tasks[0]
    const healthy = await run()
    const running = await waitFor(async () => {
      const t = await describe(healthy)
      return t.lastStatus === 'RUNNING' ? t : undefined
    })
    expect(running).toMatchObject({ healthStatus: 'HEALTHY', connectivity: 'CONNECTED' })
    expect(running.containers[0].healthStatus).toBe('HEALTHY')
    const early = await run()
    await world.call('StopTask', { cluster: 'main', task: early })
    expect((await describe(early)).stoppedReason).toBe('Task stopped by user')
    const pending = await run()
    await waitFor(async () => (await describe(pending)).lastStatus === 'PENDING')
    await world.call('StopTask', { cluster: 'main', task: pending })
    await waitFor(
      async () =>
        (await describe(pending)).lastStatus === 'STOPPED' &&
        (await describe(early)).lastStatus === 'STOPPED'
    )
    await world.call('StopTask', { cluster: 'main', task: pending })
    expect(world.runtime.live.size).toBe(1)
  })

  it('validates RunTask, DescribeTasks and ListTasks and paginates ListTasks', async () => {
    await expect(world.call('RunTask', { cluster: 'main', taskDefinition: 'web' })).rejects.toEqual(
      code('InvalidParameterException')
    )
    await expect(
      world.call('RunTask', {
        cluster: 'main',
        taskDefinition: 'nope',
        networkConfiguration: NETWORK
      })
    ).rejects.toEqual(code('ClientException'))
    await expect(
      world.call('RunTask', {
        cluster: 'main',
        taskDefinition: 'web',
        count: 11,
        networkConfiguration: NETWORK
      })
    ).rejects.toEqual(code('InvalidParameterException'))
    await expect(
      world.call('RunTask', {
        cluster: 'main',
        taskDefinition: 'web',
        networkConfiguration: NETWORK,
        overrides: { containerOverrides: 'x' }
      })
    ).rejects.toEqual(code('InvalidParameterException'))
    const run = await world.call('RunTask', {
      cluster: 'main',
      taskDefinition: 'web',
      count: 3,
      networkConfiguration: NETWORK
    })
    expect(run.failures).toEqual([])
    const page1 = await world.call('ListTasks', { cluster: 'main', maxResults: 2 })
    const page2 = await world.call('ListTasks', {
      cluster: 'main',
      maxResults: 2,
      nextToken: page1.nextToken
    })
    expect([...page1.taskArns, ...page2.taskArns].sort()).toEqual(
      run.tasks.map((t: any) => t.taskArn).sort()
    )
    expect(page2.nextToken).toBeUndefined()
    const described = await world.call('DescribeTasks', {
      cluster: 'main',
      tasks: [run.tasks[0].taskArn, 'abc']
    })
    expect(described.failures).toEqual([{ arn: 'abc', reason: 'MISSING' }])
    await expect(
      world.call('DescribeTasks', { cluster: 'main', tasks: Array(101).fill('a') })
    ).rejects.toEqual(code('InvalidParameterException'))
    await expect(world.call('DescribeTasks', { cluster: 'main' })).rejects.toEqual(
      code('InvalidParameterException')
    )
    await expect(
      world.call('ListTasks', { cluster: 'main', serviceName: 'ghost' })
    ).rejects.toEqual(code('ServiceNotFoundException'))
    await expect(
      world.call('ListTasks', { cluster: 'main', desiredStatus: 'DEAD' })
    ).rejects.toEqual(code('InvalidParameterException'))
    const dump = world.ecs.dump() as { tasks: unknown[] }
    expect(dump.tasks).toHaveLength(3)
    await world.call('TagResource', {
      resourceArn: run.tasks[0].taskArn,
      tags: [{ key: 'a', value: 'b' }]
    })
    await world.call('TagResource', {
      resourceArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
      tags: [{ key: 'c' }]
    })
    expect(
      (
        await world.call('ListTagsForResource', {
          resourceArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1'
        })
      ).tags
    ).toEqual([{ key: 'c', value: '' }])
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  ClusterNotFoundException,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListServiceDeploymentsCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  ServiceNotFoundException,
  StopServiceDeploymentCommand,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  paginateListTaskDefinitions,
  type RegisterTaskDefinitionCommandInput
} from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '../src/index.js'

/**
 * Wire parity for every ECS operation the sim offers: an empty sim, driven only through the
 * unmodified ECSClient (no scenario, no module internals).
 */

const credentials = { accessKeyId: 'AKIDPARITY', secretAccessKey: 'parity-secret' }
const network = {
  awsvpcConfiguration: { subnets: ['subnet-0parity'], securityGroups: ['sg-0parity'] }
}

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value)}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

function taskDefinition(family: string, image: string): RegisterTaskDefinitionCommandInput {
  return {
    family,
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    containerDefinitions: [{ name: 'app', image, portMappings: [{ containerPort: 8080 }] }]
  }
}

describe('ECS over the wire (real ECSClient against startSim)', () => {
  let sim: Sim
  let ecs: ECSClient
  beforeAll(async () => {
    sim = await startSim({ timeScale: 100 })
    ecs = new ECSClient({ endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts: 1 })
  })
  afterAll(async () => {
    ecs.destroy()
    await sim.stop()
  })

  it('CreateCluster and DescribeClusters, with MISSING failures and the caller region', async () => {
    const created = await ecs.send(new CreateClusterCommand({ clusterName: 'parity' }))
    expect(created.cluster?.clusterArn).toBe('arn:aws:ecs:eu-west-1:123456789012:cluster/parity')
    expect(created.cluster?.status).toBe('ACTIVE')
    expect(created.$metadata.httpStatusCode).toBe(200)
    expect(created.$metadata.requestId).toEqual(expect.any(String))

    const described = await ecs.send(new DescribeClustersCommand({ clusters: ['parity', 'ghost'] }))
    expect(described.clusters?.map(c => c.clusterName)).toEqual(['parity'])
    expect(described.failures?.[0]).toEqual({
      arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/ghost',
      reason: 'MISSING'
    })
  })

  it('registers, describes (with TAGS), lists (prefix, status, sort, pages) and deregisters task definitions', async () => {
    const first = await ecs.send(
      new RegisterTaskDefinitionCommand({
        ...taskDefinition('web', 'registry.example.com/shop/web:1.0.0'),
        tags: [{ key: 'app', value: 'shop' }]
      })
    )
    expect(first.taskDefinition?.taskDefinitionArn).toBe(
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1'
    )
    expect(first.taskDefinition?.registeredAt).toBeInstanceOf(Date)
    expect(first.tags).toEqual([{ key: 'app', value: 'shop' }])
    await ecs.send(
      new RegisterTaskDefinitionCommand(taskDefinition('web', 'registry.example.com/shop/web:1.1'))
    )
    await ecs.send(
      new RegisterTaskDefinitionCommand(taskDefinition('web', 'registry.example.com/shop/web:1.2'))
    )
    await ecs.send(
      new RegisterTaskDefinitionCommand(taskDefinition('worker', 'registry.example.com/w:1'))
    )

    const withTags = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include: ['TAGS'] })
    )
    expect(withTags.tags).toEqual([{ key: 'app', value: 'shop' }])
    expect(withTags.taskDefinition?.containerDefinitions?.[0]?.image).toBe(
      'registry.example.com/shop/web:1.0.0'
    )
    const withoutTags = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }))
    expect(withoutTags.taskDefinition?.revision).toBe(3)
    expect(withoutTags.tags).toBeUndefined()

    const web = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }))
    expect(web.taskDefinitionArns?.map(a => a.split('/')[1])).toEqual(['web:1', 'web:2', 'web:3'])
    const desc = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'web', sort: 'DESC' })
    )
    expect(desc.taskDefinitionArns?.map(a => a.split('/')[1])).toEqual(['web:3', 'web:2', 'web:1'])

    // Pagination through the SDK's own paginator: one ARN per page, nextToken round-trips.
    const pages: string[][] = []
    for await (const page of paginateListTaskDefinitions(
      { client: ecs, pageSize: 1 },
      { sort: 'ASC' }
    )) {
      pages.push(page.taskDefinitionArns ?? [])
    }
    expect(pages.flat().map(a => a.split('/')[1])).toEqual(['web:1', 'web:2', 'web:3', 'worker:1'])
    expect(pages.every(p => p.length <= 1)).toBe(true)
    expect(pages.length).toBeGreaterThanOrEqual(4)

    const gone = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:1' }))
    expect(gone.taskDefinition?.status).toBe('INACTIVE')
    expect(gone.taskDefinition?.deregisteredAt).toBeInstanceOf(Date)
    const inactive = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'web', status: 'INACTIVE' })
    )
    expect(inactive.taskDefinitionArns?.map(a => a.split('/')[1])).toEqual(['web:1'])
    const active = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'web', status: 'ACTIVE' })
    )
    expect(active.taskDefinitionArns?.map(a => a.split('/')[1])).toEqual(['web:2', 'web:3'])

    const noRevision = await ecs
      .send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web' }))
      .catch((e: unknown) => e)
    expect(noRevision).toBeInstanceOf(InvalidParameterException)
  })

  it('raises the modelled exception classes', async () => {
    const noCluster = await ecs
      .send(new DescribeServicesCommand({ cluster: 'nowhere', services: ['web'] }))
      .catch((e: unknown) => e)
    expect(noCluster).toBeInstanceOf(ClusterNotFoundException)
    expect((noCluster as ClusterNotFoundException).$metadata.httpStatusCode).toBe(400)

    const noService = await ecs
      .send(new UpdateServiceCommand({ cluster: 'parity', service: 'ghost', desiredCount: 1 }))
      .catch((e: unknown) => e)
    expect(noService).toBeInstanceOf(ServiceNotFoundException)
    expect((noService as Error).message).toBe('Service not found.')

    const eleven = Array.from({ length: 11 }, (_, i) => `svc-${i}`)
    const tooMany = await ecs
      .send(new DescribeServicesCommand({ cluster: 'parity', services: eleven }))
      .catch((e: unknown) => e)
    expect(tooMany).toBeInstanceOf(InvalidParameterException)

    const missing = await ecs.send(
      new DescribeServicesCommand({ cluster: 'parity', services: ['ghost'] })
    )
    expect(missing.services).toEqual([])
    expect(missing.failures).toEqual([
      { arn: 'arn:aws:ecs:eu-west-1:123456789012:service/parity/ghost', reason: 'MISSING' }
    ])
  })

  it('runs a service end to end: create, update, tasks, tags, service deployments, delete', async () => {
    const created = await ecs.send(
      new CreateServiceCommand({
        cluster: 'parity',
        serviceName: 'api',
        taskDefinition: 'web:2',
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network,
        tags: [{ key: 'team', value: 'platform' }]
      })
    )
    const serviceArn = created.service!.serviceArn!
    expect(serviceArn).toBe('arn:aws:ecs:eu-west-1:123456789012:service/parity/api')
    expect(created.service?.deployments?.[0]?.rolloutState).toBe('IN_PROGRESS')

    const steady = await waitFor(
      () => ecs.send(new DescribeServicesCommand({ cluster: 'parity', services: ['api'] })),
      r => r.services?.[0]?.deployments?.[0]?.rolloutState === 'COMPLETED'
    )
    expect(steady.services?.[0]?.runningCount).toBe(1)

    // Scale up, then ListTasks / DescribeTasks see both tasks RUNNING.
    const scaled = await ecs.send(
      new UpdateServiceCommand({ cluster: 'parity', service: 'api', desiredCount: 2 })
    )
    expect(scaled.service?.desiredCount).toBe(2)
    const listed = await waitFor(
      () => ecs.send(new ListTasksCommand({ cluster: 'parity', serviceName: 'api' })),
      r => r.taskArns?.length === 2
    )
    const running = await waitFor(
      () => ecs.send(new DescribeTasksCommand({ cluster: 'parity', tasks: listed.taskArns })),
      r => r.tasks?.every(t => t.lastStatus === 'RUNNING') === true
    )
    for (const task of running.tasks ?? []) {
      expect(task.group).toBe('service:api')
      expect(task.startedBy).toMatch(/^ecs-svc\/\d+$/)
      expect(task.containers?.[0]?.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/)
    }

    // StopTask: user-initiated; the scheduler replaces the task.
    const victim = listed.taskArns![0]!
    const stopped = await ecs.send(
      new StopTaskCommand({ cluster: 'parity', task: victim, reason: 'parity drill' })
    )
    expect(stopped.task?.desiredStatus).toBe('STOPPED')
    expect(stopped.task?.stoppedReason).toBe('parity drill')
    const afterStop = await waitFor(
      () =>
        ecs.send(
          new DescribeTasksCommand({ cluster: 'parity', tasks: [victim, 'does-not-exist'] })
        ),
      r => r.tasks?.[0]?.lastStatus === 'STOPPED'
    )
    expect(afterStop.tasks?.[0]?.stopCode).toBe('UserInitiated')
    expect(afterStop.failures?.[0]?.reason).toBe('MISSING')
    const stoppedList = await ecs.send(
      new ListTasksCommand({ cluster: 'parity', desiredStatus: 'STOPPED' })
    )
    expect(stoppedList.taskArns).toContain(victim)

    // RunTask: a standalone task with a family group and its own startedBy.
    const ran = await ecs.send(
      new RunTaskCommand({
        cluster: 'parity',
        taskDefinition: 'worker',
        launchType: 'FARGATE',
        networkConfiguration: network,
        startedBy: 'parity-test'
      })
    )
    expect(ran.tasks?.[0]?.group).toBe('family:worker')
    expect(ran.failures).toEqual([])
    const byStarter = await ecs.send(
      new ListTasksCommand({ cluster: 'parity', startedBy: 'parity-test' })
    )
    expect(byStarter.taskArns).toEqual([ran.tasks?.[0]?.taskArn])

    // Tags on the service.
    await ecs.send(
      new TagResourceCommand({
        resourceArn: serviceArn,
        tags: [{ key: 'env', value: 'parity' }]
      })
    )
    await ecs.send(new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: ['team'] }))
    const tags = await ecs.send(new ListTagsForResourceCommand({ resourceArn: serviceArn }))
    expect(tags.tags).toEqual([{ key: 'env', value: 'parity' }])
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: 'parity', services: ['api'], include: ['TAGS'] })
    )
    expect(described.services?.[0]?.tags).toEqual([{ key: 'env', value: 'parity' }])

    // A new deployment, stopped while it is in progress: rolled back to web:2.
    await waitFor(
      () => ecs.send(new DescribeServicesCommand({ cluster: 'parity', services: ['api'] })),
      r => r.services?.[0]?.runningCount === 2 && r.services[0].deployments?.length === 1
    )
    await ecs.send(
      new UpdateServiceCommand({ cluster: 'parity', service: 'api', taskDefinition: 'web:3' })
    )
    const list = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: 'parity', service: 'api' })
    )
    expect(list.serviceDeployments).toHaveLength(2)
    const [latest, initial] = list.serviceDeployments!
    expect(initial?.status).toBe('SUCCESSFUL')
    expect(['PENDING', 'IN_PROGRESS']).toContain(latest?.status)
    expect(latest?.startedAt === undefined || latest.startedAt instanceof Date).toBe(true)

    const stop = await ecs.send(
      new StopServiceDeploymentCommand({
        serviceDeploymentArn: latest!.serviceDeploymentArn!,
        stopType: 'ROLLBACK'
      })
    )
    expect(stop.serviceDeploymentArn).toBe(latest!.serviceDeploymentArn)
    const rolledBack = await waitFor(
      () =>
        ecs.send(
          new DescribeServiceDeploymentsCommand({
            serviceDeploymentArns: [latest!.serviceDeploymentArn!, 'arn:aws:ecs:x:1:nope']
          })
        ),
      r => r.serviceDeployments?.[0]?.status === 'ROLLBACK_SUCCESSFUL'
    )
    const sd = rolledBack.serviceDeployments![0]!
    expect(sd.rollback?.serviceRevisionArn).toBe(initial?.targetServiceRevisionArn)
    expect(rolledBack.failures?.[0]?.reason).toBe('MISSING')
    const finalService = await waitFor(
      () => ecs.send(new DescribeServicesCommand({ cluster: 'parity', services: ['api'] })),
      r =>
        r.services?.[0]?.deployments?.length === 1 &&
        r.services[0].deployments[0]?.rolloutState === 'COMPLETED'
    )
    expect(finalService.services?.[0]?.taskDefinition).toMatch(/task-definition\/web:2$/)

    const revisions = await ecs.send(
      new DescribeServiceRevisionsCommand({
        serviceRevisionArns: [sd.targetServiceRevision!.arn!, initial!.targetServiceRevisionArn!]
      })
    )
    expect(revisions.serviceRevisions?.map(r => r.taskDefinition?.split('/')[1])).toEqual([
      'web:3',
      'web:2'
    ])
    expect(revisions.serviceRevisions?.[0]?.containerImages?.[0]?.image).toBe(
      'registry.example.com/shop/web:1.2'
    )

    // Deleting a service that still wants tasks needs force.
    const refused = await ecs
      .send(new DeleteServiceCommand({ cluster: 'parity', service: 'api' }))
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(InvalidParameterException)
    const deleted = await ecs.send(
      new DeleteServiceCommand({ cluster: 'parity', service: 'api', force: true })
    )
    expect(['DRAINING', 'INACTIVE']).toContain(deleted.service?.status)
    const inactive = await waitFor(
      () => ecs.send(new DescribeServicesCommand({ cluster: 'parity', services: ['api'] })),
      r => r.services?.[0]?.status === 'INACTIVE'
    )
    expect(inactive.services?.[0]?.desiredCount).toBe(0)
  }, 30_000)
})

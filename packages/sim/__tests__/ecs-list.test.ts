import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  ClusterNotFoundException,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  ECSClient,
  InvalidParameterException,
  ListClustersCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  paginateListClusters,
  paginateListServices
} from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '../src/index.js'

/** ListClusters and ListServices through the unmodified ECSClient and its paginators. */

const credentials = { accessKeyId: 'AKIDLIST', secretAccessKey: 'list-secret' }
const network = {
  awsvpcConfiguration: { subnets: ['subnet-0list'], securityGroups: ['sg-0list'] }
}
const arn = (region: string, resource: string) => `arn:aws:ecs:${region}:123456789012:${resource}`

describe('ListClusters and ListServices over the wire', () => {
  let sim: Sim
  let ecs: ECSClient
  let elsewhere: ECSClient
  const fargate = Array.from({ length: 12 }, (_, i) => `svc-${String(i).padStart(2, '0')}`)

  beforeAll(async () => {
    sim = await startSim({ timeScale: 100 })
    ecs = new ECSClient({ endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts: 1 })
    elsewhere = new ECSClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1
    })
    for (const clusterName of ['fleet', 'other', 'empty']) {
      await ecs.send(new CreateClusterCommand({ clusterName }))
    }
    await elsewhere.send(new CreateClusterCommand({ clusterName: 'fleet' }))
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'app',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE', 'EC2'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'registry.example.com/app:1.0.0' }]
      })
    )
    const create = (cluster: string, serviceName: string, extra: Record<string, unknown> = {}) =>
      ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName,
          taskDefinition: 'app',
          desiredCount: 0,
          networkConfiguration: network,
          ...extra
        })
      )
    for (const name of fargate) await create('fleet', name, { launchType: 'FARGATE' })
    await create('fleet', 'agent', { launchType: 'EC2', schedulingStrategy: 'DAEMON' })
    await create('fleet', 'retired', { launchType: 'FARGATE' })
    await ecs.send(new DeleteServiceCommand({ cluster: 'fleet', service: 'retired' }))
    await create('other', 'web')
  }, 30_000)
  afterAll(async () => {
    ecs.destroy()
    elsewhere.destroy()
    await sim.stop()
  })

  it('ListServices answers 10 ARNs by default, then the rest after nextToken', async () => {
    const first = await ecs.send(new ListServicesCommand({ cluster: 'fleet' }))
    expect(first.serviceArns).toHaveLength(10)
    expect(first.serviceArns?.[0]).toBe(arn('eu-west-1', 'service/fleet/svc-00'))
    expect(first.nextToken).toEqual(expect.any(String))
    const rest = await ecs.send(
      new ListServicesCommand({ cluster: 'fleet', nextToken: first.nextToken })
    )
    expect(rest.nextToken).toBeUndefined()
    const names = [...first.serviceArns!, ...rest.serviceArns!].map(a => a.split('/')[2])
    // The deleted service is not listed; creation order is kept.
    expect(names).toEqual([...fargate, 'agent'])
  })

  it('paginateListServices walks every page, with a cluster ARN and filters', async () => {
    const pages: string[][] = []
    for await (const page of paginateListServices(
      { client: ecs, pageSize: 5 },
      { cluster: arn('eu-west-1', 'cluster/fleet'), launchType: 'FARGATE' }
    )) {
      pages.push(page.serviceArns ?? [])
    }
    expect(pages.map(p => p.length)).toEqual([5, 5, 2])
    expect(pages.flat().map(a => a.split('/')[2])).toEqual(fargate)

    const daemons = await ecs.send(
      new ListServicesCommand({ cluster: 'fleet', schedulingStrategy: 'DAEMON' })
    )
    expect(daemons.serviceArns).toEqual([arn('eu-west-1', 'service/fleet/agent')])
    const ec2Replicas = await ecs.send(
      new ListServicesCommand({
        cluster: 'fleet',
        launchType: 'EC2',
        schedulingStrategy: 'REPLICA'
      })
    )
    expect(ec2Replicas.serviceArns).toEqual([])
    const ecsManaged = await ecs.send(
      new ListServicesCommand({ cluster: 'fleet', resourceManagementType: 'ECS' })
    )
    expect(ecsManaged.serviceArns).toEqual([])
    const other = await ecs.send(new ListServicesCommand({ cluster: 'other', maxResults: 100 }))
    expect(other).toMatchObject({ serviceArns: [arn('eu-west-1', 'service/other/web')] })
    expect((await ecs.send(new ListServicesCommand({ cluster: 'empty' }))).serviceArns).toEqual([])
  })

  it('ListServices refuses a missing cluster, a bad maxResults, nextToken or filter', async () => {
    // No cluster named means `default`, which this sim does not have.
    await expect(ecs.send(new ListServicesCommand({}))).rejects.toBeInstanceOf(
      ClusterNotFoundException
    )
    await expect(ecs.send(new ListServicesCommand({ cluster: 'nope' }))).rejects.toBeInstanceOf(
      ClusterNotFoundException
    )
    for (const maxResults of [0, 101, 1.5]) {
      await expect(
        ecs.send(new ListServicesCommand({ cluster: 'fleet', maxResults }))
      ).rejects.toBeInstanceOf(InvalidParameterException)
    }
    await expect(
      ecs.send(new ListServicesCommand({ cluster: 'fleet', nextToken: 'not-a-token' }))
    ).rejects.toBeInstanceOf(InvalidParameterException)
    await expect(
      ecs.send(new ListServicesCommand({ cluster: 'fleet', launchType: 'SPOT' as 'EC2' }))
    ).rejects.toBeInstanceOf(InvalidParameterException)
  })

  it('ListClusters lists the caller region, 100 by default, and paginates', async () => {
    const all = await ecs.send(new ListClustersCommand({}))
    expect(all).toMatchObject({
      clusterArns: ['fleet', 'other', 'empty'].map(n => arn('eu-west-1', `cluster/${n}`))
    })
    expect(all.nextToken).toBeUndefined()
    expect((await elsewhere.send(new ListClustersCommand({}))).clusterArns).toEqual([
      arn('us-east-1', 'cluster/fleet')
    ])
    const pages: string[][] = []
    for await (const page of paginateListClusters({ client: ecs, pageSize: 2 }, {})) {
      pages.push(page.clusterArns ?? [])
    }
    expect(pages.map(p => p.map(a => a.split('/')[1]))).toEqual([['fleet', 'other'], ['empty']])
    for (const maxResults of [0, 101]) {
      await expect(ecs.send(new ListClustersCommand({ maxResults }))).rejects.toBeInstanceOf(
        InvalidParameterException
      )
    }
    await expect(
      ecs.send(new ListClustersCommand({ nextToken: 'bm90IGEgdG9rZW4' }))
    ).rejects.toBeInstanceOf(InvalidParameterException)
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Task
} from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '../src/index.js'
import { credentials } from './server-fakes.js'

/** The registry end to end: the control API, ECR's DescribeImages on the wire, ECS pulling. */

const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web'
const NEVER = `sha256:${'0'.repeat(64)}`
const network = { awsvpcConfiguration: { subnets: ['subnet-0img'], securityGroups: ['sg-0img'] } }

const scenario = {
  region: 'eu-west-1',
  clusters: ['img'],
  images: [
    { repository: REPO, tag: 'v1' },
    { repository: REPO, tag: 'v2', behaviour: '-crash' }
  ]
}

interface ImageView {
  repository: string
  tag: string
  behaviour?: string
  digest: string
  image: string
  pushedAt: number
}

describe('the image registry', () => {
  let sim: Sim
  let ecs: ECSClient
  beforeAll(async () => {
    sim = await startSim({ scenario, timeScale: 50 })
    ecs = new ECSClient({ endpoint: sim.url, region: 'eu-west-1', credentials, maxAttempts: 1 })
  })
  afterAll(async () => {
    ecs.destroy()
    await sim.stop()
  })

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}/_sim${path}`, {
      method,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const images = async () => (await control('GET', '/images')).body.images as ImageView[]
  const describeImages = async (body: unknown, region = 'eu-west-1') => {
    const res = await fetch(sim.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeImages',
        authorization: `AWS4-HMAC-SHA256 Credential=AKID/20261126/${region}/ecr/aws4_request, SignedHeaders=host, Signature=0`
      },
      body: JSON.stringify(body)
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const runToStatus = async (image: string, status: string): Promise<Task> => {
    const family = `f${Math.random().toString(36).slice(2, 8)}`
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        containerDefinitions: [{ name: 'web', image, portMappings: [{ containerPort: 8080 }] }]
      })
    )
    const ran = await ecs.send(
      new RunTaskCommand({
        cluster: 'img',
        taskDefinition: family,
        launchType: 'FARGATE',
        networkConfiguration: network
      })
    )
    const arn = ran.tasks![0]!.taskArn!
    const deadline = Date.now() + 10_000
    for (;;) {
      const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'img', tasks: [arn] })))
        .tasks![0]!
      if (task.lastStatus === status) return task
      if (Date.now() > deadline) throw new Error(`task still ${task.lastStatus}`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }

  it('starts with the scenario images and pushes more through the control API', async () => {
    const pushed = await images()
    expect(pushed.map(i => [i.tag, i.behaviour])).toEqual([
      ['v1', undefined],
      ['v2', '-crash']
    ])
    const v3 = await control('POST', '/images', {
      repository: REPO,
      tag: 'v3',
      behaviour: '-errors'
    })
    expect(v3).toEqual({
      status: 201,
      body: {
        repository: REPO,
        tag: 'v3',
        behaviour: '-errors',
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        image: `${REPO}@${v3.body.digest as string}`,
        pushedAt: expect.any(Number)
      }
    })
    const same = { repository: REPO, tag: 'v3', behaviour: '-errors' }
    expect(await control('POST', '/images', same)).toEqual({ status: 200, body: v3.body })
    expect(await control('POST', '/images', { repository: REPO, tag: 'v3' })).toEqual({
      status: 409,
      body: {
        message:
          "The image tag 'v3' already exists in the 'shop/web' repository and cannot be overwritten because the repository is immutable."
      }
    })
    expect(await control('POST', '/images', { repository: REPO, tag: 'v 3' })).toEqual({
      status: 400,
      body: { message: expect.stringMatching(/^tag: must be an image tag/) }
    })
    expect((await control('POST', '/images', '{')).status).toBe(400)
    expect(await images()).toHaveLength(3)
  })

  it('answers DescribeImages on the wire, as ECR does', async () => {
    const v1 = (await images())[0]!
    const found = await describeImages({
      repositoryName: 'shop/web',
      imageIds: [{ imageTag: 'v1' }]
    })
    expect(found.status).toBe(200)
    expect(found.body.imageDetails).toEqual([
      expect.objectContaining({
        registryId: '123456789012',
        repositoryName: 'shop/web',
        imageDigest: v1.digest,
        imageTags: ['v1'],
        imagePushedAt: v1.pushedAt / 1000
      })
    ])
    expect(await describeImages({ repositoryName: 'shop/web' }, 'us-east-1')).toEqual({
      status: 400,
      body: {
        __type: 'RepositoryNotFoundException',
        message:
          "The repository with name 'shop/web' does not exist in the registry with id '123456789012'"
      }
    })
    const missing = await describeImages({
      repositoryName: 'shop/web',
      imageIds: [{ imageTag: 'v9' }]
    })
    expect([missing.status, missing.body.__type]).toEqual([400, 'ImageNotFoundException'])
    const calls = sim.calls().filter(c => c.service === 'ecr')
    expect(calls.map(c => [c.operation, c.status, c.mutating])).toEqual([
      ['DescribeImages', 200, false],
      ['DescribeImages', 400, false],
      ['DescribeImages', 400, false]
    ])
  })

  it('runs a pushed image by digest or tag, reporting its digest; its behaviour applies', async () => {
    const [v1, v2] = await images()
    const byDigest = await runToStatus(v1!.image, 'RUNNING')
    expect(byDigest.containers![0]!.imageDigest).toBe(v1!.digest)
    expect(byDigest.containers![0]!.image).toBe(v1!.image)
    const byTag = await runToStatus(`${REPO}:v1`, 'RUNNING')
    expect(byTag.containers![0]!.imageDigest).toBe(v1!.digest)
    const crashed = await runToStatus(v2!.image, 'STOPPED')
    expect([crashed.stopCode, crashed.containers![0]!.exitCode]).toEqual([
      'EssentialContainerExited',
      1
    ])
  })

  it('fails to pull a digest the repository never got, like a missing image', async () => {
    const task = await runToStatus(`${REPO}@${NEVER}`, 'STOPPED')
    expect(task.stopCode).toBe('TaskFailedToStart')
    expect(task.stoppedReason).toBe(
      `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ${REPO}@${NEVER}: not found`
    )
    // Images of no pushed repository run as before.
    const other = await runToStatus('registry.example.com/shop/web:1.0.0', 'RUNNING')
    expect(other.containers![0]!.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('forgets pushed images on reset and pushes the scenario ones again', async () => {
    const before = await images()
    await control('POST', '/reset')
    const after = await images()
    expect(after.map(i => [i.tag, i.digest])).toEqual(
      before.slice(0, 2).map(i => [i.tag, i.digest])
    )
    expect((await control('GET', '/state')).body.ecr).toEqual({ images: after })
  })
})

import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeClustersCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ECSServiceException,
  ListServiceDeploymentsCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { isConfigurationError, MemoryLogger } from '@fargate-promote/common'
import { resolveRollbackTarget, type RollbackTo } from '../src/rollback/target.js'
import { reinstateRevision } from '../src/task-definitions/reinstate.js'
import { PREVIOUS_TAG } from '../src/task-definitions/tags.js'
import {
  ACTIVE_CLUSTER,
  CLUSTER,
  deployment,
  ECR,
  service,
  taskDefinition,
  tdArn
} from './deploy-fixtures.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'eu-west-1' })
const LIVE = tdArn('api', 12)

function notFound(): ECSServiceException {
  return new ECSServiceException({
    name: 'ClientException',
    $fault: 'client',
    $metadata: {},
    message: 'Unable to describe task definition.'
  })
}

/** Revisions known to the mocked ECS: revision -> tags, status, image tag. */
function knownRevisions(
  revisions: {
    revision: number
    tags?: Record<string, string>
    status?: 'ACTIVE' | 'INACTIVE'
    image?: string
  }[]
) {
  ecs.on(DescribeTaskDefinitionCommand).rejects(notFound())
  for (const r of revisions) {
    const answer = {
      taskDefinition: taskDefinition('api', r.revision, {
        status: r.status ?? 'ACTIVE',
        containerDefinitions: [{ name: 'web', image: r.image ?? `${ECR}/api:build-${r.revision}` }]
      }),
      tags: Object.entries(r.tags ?? {}).map(([key, value]) => ({ key, value }))
    }
    ecs
      .on(DescribeTaskDefinitionCommand, { taskDefinition: tdArn('api', r.revision) })
      .resolves(answer)
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: `api:${r.revision}` }).resolves(answer)
  }
}

beforeEach(() => {
  ecs.reset()
  ecs.on(DescribeClustersCommand).resolves(ACTIVE_CLUSTER)
  ecs.on(DescribeServicesCommand).resolves({
    services: [service('api', { deployments: [deployment({ taskDefinition: LIVE })] })]
  })
  ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] })
})

async function resolve(
  to: RollbackTo,
  history?: () => Promise<
    { taskDefinitionArn: string; createdAt: number | string; state: string }[]
  >
) {
  return resolveRollbackTarget(
    { cluster: CLUSTER, service: 'api', to },
    { ecs: client, log: new MemoryLogger(), ...(history ? { history } : {}) }
  )
}

/** The commands sent, in order. */
function sent(): string[] {
  return ecs.calls().map(call => (call.args[0] as object).constructor.name)
}

async function configError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e)
  expect(isConfigurationError(error)).toBe(true)
  return (error as Error).message
}

describe('resolveRollbackTarget: previous', () => {
  it('takes the newest SUCCESSFUL ECS service deployment of another revision, not live minus one', async () => {
    knownRevisions([{ revision: 12 }, { revision: 9, tags: { version: '1.8.0' } }])
    ecs.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          serviceDeploymentArn: 'sd-old',
          status: 'SUCCESSFUL',
          createdAt: new Date('2026-11-01'),
          targetServiceRevisionArn: 'rev-8'
        },
        {
          serviceDeploymentArn: 'sd-live',
          status: 'SUCCESSFUL',
          createdAt: new Date('2026-11-20'),
          targetServiceRevisionArn: 'rev-12'
        },
        { serviceDeploymentArn: 'sd-prev', status: 'SUCCESSFUL', createdAt: new Date('2026-11-10') }
      ]
    })
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        { serviceDeploymentArn: 'sd-prev', targetServiceRevision: { arn: 'rev-9' } }
      ]
    })
    ecs.on(DescribeServiceRevisionsCommand).resolves({
      serviceRevisions: [
        { serviceRevisionArn: 'rev-12', taskDefinition: LIVE },
        { serviceRevisionArn: 'rev-9', taskDefinition: tdArn('api', 9) },
        { serviceRevisionArn: 'rev-8', taskDefinition: tdArn('api', 8) }
      ]
    })

    expect(await resolve({ kind: 'previous' })).toEqual({
      taskDefinitionArn: tdArn('api', 9),
      source: 'service-deployments',
      isLive: false,
      liveTaskDefinitionArn: LIVE,
      liveService: expect.objectContaining({ serviceName: 'api' })
    })
    // ECS history answered: no task definition is described (neither the live one nor the
    // target: that is read after the write), nor the cluster.
    expect([...sent()].sort()).toEqual([
      'DescribeServiceDeploymentsCommand',
      'DescribeServiceRevisionsCommand',
      'DescribeServicesCommand',
      'ListServiceDeploymentsCommand'
    ])
    expect(ecs).not.toHaveReceivedCommand(DescribeTaskDefinitionCommand)
    expect(ecs).toHaveReceivedCommandWith(ListServiceDeploymentsCommand, {
      cluster: CLUSTER,
      service: 'api',
      status: ['SUCCESSFUL']
    })
    expect(ecs).toHaveReceivedCommandWith(DescribeServiceDeploymentsCommand, {
      serviceDeploymentArns: ['sd-prev']
    })
    expect(ecs).toHaveReceivedCommandWith(DescribeServiceRevisionsCommand, {
      serviceRevisionArns: ['rev-12', 'rev-9', 'rev-8']
    })
  })

  it("falls back to the live revision's previous tag when ECS has no history", async () => {
    ecs.on(ListServiceDeploymentsCommand).rejects(new Error('AccessDeniedException'))
    knownRevisions([
      { revision: 12, tags: { [PREVIOUS_TAG]: tdArn('api', 10) } },
      { revision: 10, status: 'INACTIVE' }
    ])
    const target = await resolve({ kind: 'previous' })
    expect(target).toMatchObject({
      taskDefinitionArn: tdArn('api', 10),
      source: 'task-definition-tags',
      isLive: false
    })
    // Not read before the write: rollbackService handles an INACTIVE one when ECS refuses it.
    expect(target.status).toBeUndefined()
    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: LIVE,
      include: ['TAGS']
    })
  })

  it('reports an unknown cluster as preflight does, without DescribeClusters', async () => {
    ecs.on(DescribeServicesCommand).rejects(
      new ECSServiceException({
        name: 'ClusterNotFoundException',
        $fault: 'client',
        $metadata: {},
        message: 'Cluster not found.'
      })
    )
    ecs.on(ListServiceDeploymentsCommand).rejects(new Error('ClusterNotFoundException'))
    expect(await configError(resolve({ kind: 'previous' }))).toContain(
      `Input 'cluster': '${CLUSTER}' was not found in this account and region`
    )
    expect(ecs).not.toHaveReceivedCommand(DescribeClustersCommand)
  })

  it('falls back to GitHub deployments: newest successful of the same family that is not live', async () => {
    knownRevisions([{ revision: 12 }, { revision: 11 }, { revision: 6 }])
    const history = () =>
      Promise.resolve([
        {
          taskDefinitionArn: tdArn('api', 12),
          createdAt: '2026-11-25T00:00:00Z',
          state: 'success'
        },
        {
          taskDefinitionArn: tdArn('api', 11),
          createdAt: '2026-11-24T00:00:00Z',
          state: 'failure'
        },
        {
          taskDefinitionArn: tdArn('other', 3),
          createdAt: '2026-11-23T00:00:00Z',
          state: 'success'
        },
        {
          taskDefinitionArn: tdArn('api', 5),
          createdAt: Date.parse('2026-11-01T00:00:00Z'),
          state: 'inactive'
        },
        { taskDefinitionArn: tdArn('api', 6), createdAt: '2026-11-22T00:00:00Z', state: 'INACTIVE' }
      ])
    expect(await resolve({ kind: 'previous' }, history)).toMatchObject({
      taskDefinitionArn: tdArn('api', 6),
      source: 'github-deployments'
    })
  })

  it('says what it tried when no previous revision can be found', async () => {
    knownRevisions([{ revision: 12 }])
    const message = await configError(resolve({ kind: 'previous' }, () => Promise.resolve([])))
    expect(message).toContain("no previous revision of service 'api' could be found")
    expect(message).toContain("the 'fargate-promote:previous' tag on api:12, GitHub deployments")
  })

  it('treats an unreadable GitHub history as no history: a warning, then the clear error', async () => {
    knownRevisions([{ revision: 12 }])
    const log = new MemoryLogger()
    const error = await resolveRollbackTarget(
      { cluster: CLUSTER, service: 'api', to: { kind: 'previous' } },
      {
        ecs: client,
        log,
        history: () => Promise.reject(new Error('Resource not accessible by integration'))
      }
    ).catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain(
      "no previous revision of service 'api' could be found"
    )
    expect(log.text()).toContain(
      'Could not read the GitHub deployment history: Resource not accessible by integration'
    )
  })

  it('starts the ECS history chain before DescribeServices answers: one round trip for both', async () => {
    knownRevisions([{ revision: 12 }])
    let releaseDescribe: () => void = () => undefined
    const described = new Promise<void>(resolve => (releaseDescribe = resolve))
    ecs.on(DescribeServicesCommand).callsFake(async () => {
      await described
      return {
        services: [service('api', { deployments: [deployment({ taskDefinition: LIVE })] })],
        failures: []
      }
    })
    ecs.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        { serviceDeploymentArn: 'sd-9', status: 'SUCCESSFUL', targetServiceRevisionArn: 'rev-9' }
      ]
    })
    ecs.on(DescribeServiceRevisionsCommand).callsFake(() => {
      // DescribeServices answers only after this: were the chain to wait for it, the test hangs.
      releaseDescribe()
      return {
        serviceRevisions: [{ serviceRevisionArn: 'rev-9', taskDefinition: tdArn('api', 9) }]
      }
    })
    expect((await resolve({ kind: 'previous' })).taskDefinitionArn).toBe(tdArn('api', 9))
  })

  it('keeps a rollback under way: while the service rolls out a revision that ran successfully before, that one is previous', async () => {
    // ECS (or an earlier, cancelled rollback) is taking api from the bad 12 back to 9.
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        service('api', {
          deployments: [
            deployment({ taskDefinition: tdArn('api', 9), rolloutState: 'IN_PROGRESS' }),
            deployment({ id: 'ecs-svc/12', status: 'ACTIVE', taskDefinition: LIVE })
          ]
        })
      ]
    })
    ecs.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          serviceDeploymentArn: 'sd-12',
          status: 'SUCCESSFUL',
          createdAt: new Date('2026-11-20'),
          targetServiceRevisionArn: 'rev-12'
        },
        {
          serviceDeploymentArn: 'sd-9',
          status: 'SUCCESSFUL',
          createdAt: new Date('2026-11-10'),
          targetServiceRevisionArn: 'rev-9'
        }
      ]
    })
    ecs.on(DescribeServiceRevisionsCommand).resolves({
      serviceRevisions: [
        { serviceRevisionArn: 'rev-12', taskDefinition: LIVE },
        { serviceRevisionArn: 'rev-9', taskDefinition: tdArn('api', 9) }
      ]
    })
    expect(await resolve({ kind: 'previous' })).toMatchObject({
      taskDefinitionArn: tdArn('api', 9),
      isLive: true,
      liveTaskDefinitionArn: tdArn('api', 9)
    })
  })

  it('the same from GitHub history: a rollout towards a release that succeeded is kept', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        service('api', {
          deployments: [
            deployment({ taskDefinition: tdArn('api', 9), rolloutState: 'IN_PROGRESS' }),
            deployment({ id: 'ecs-svc/12', status: 'ACTIVE', taskDefinition: LIVE })
          ]
        })
      ]
    })
    knownRevisions([{ revision: 9 }])
    const history = () =>
      Promise.resolve([
        { taskDefinitionArn: LIVE, createdAt: '2026-11-20T00:00:00Z', state: 'success' },
        { taskDefinitionArn: tdArn('api', 9), createdAt: '2026-11-10T00:00:00Z', state: 'inactive' }
      ])
    expect(await resolve({ kind: 'previous' }, history)).toMatchObject({
      taskDefinitionArn: tdArn('api', 9),
      source: 'github-deployments',
      isLive: true
    })
  })

  it('does not guess when ECS history was listed but could not be read', async () => {
    knownRevisions([{ revision: 12, tags: { [PREVIOUS_TAG]: tdArn('api', 3) } }])
    ecs.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        { serviceDeploymentArn: 'sd-9', status: 'SUCCESSFUL', targetServiceRevisionArn: 'rev-9' }
      ]
    })
    ecs.on(DescribeServiceRevisionsCommand).rejects(new Error('ThrottlingException: Rate exceeded'))
    await expect(resolve({ kind: 'previous' })).rejects.toThrow('Rate exceeded')
  })
})

describe('resolveRollbackTarget: version, revision, arn', () => {
  beforeEach(() => {
    ecs
      .on(ListTaskDefinitionsCommand, { status: 'ACTIVE' })
      .resolves({
        taskDefinitionArns: [
          tdArn('api', 12),
          tdArn('api', 11),
          tdArn('api-worker', 4),
          tdArn('api', 10)
        ]
      })
      .on(ListTaskDefinitionsCommand, { status: 'INACTIVE' })
      .resolves({ taskDefinitionArns: [tdArn('api', 8), tdArn('api', 7)] })
  })

  it('finds the newest revision whose version tag matches', async () => {
    knownRevisions([
      { revision: 12, tags: { version: '2.0.0' } },
      { revision: 11, tags: { version: '1.9.0' }, image: `${ECR}/api:1.8.0` },
      { revision: 10 },
      { revision: 8, tags: { version: '1.8.0' }, status: 'INACTIVE' },
      { revision: 7, tags: { version: '1.8.0' }, status: 'INACTIVE' }
    ])
    expect(await resolve({ kind: 'version', version: '1.8.0' })).toMatchObject({
      taskDefinitionArn: tdArn('api', 8),
      source: 'version-tag',
      status: 'INACTIVE',
      version: '1.8.0'
    })
    expect(ecs).toHaveReceivedCommandWith(ListTaskDefinitionsCommand, {
      familyPrefix: 'api',
      status: 'INACTIVE',
      sort: 'DESC'
    })
    expect(ecs).not.toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: tdArn('api', 7)
    })
  })

  it('falls back to the newest revision with a matching image tag', async () => {
    knownRevisions([
      { revision: 12 },
      { revision: 11, image: `${ECR}/api:1.8.0` },
      { revision: 10, image: `${ECR}/api:1.8.0` },
      { revision: 8, image: 'not a valid ref' }
    ])
    expect(await resolve({ kind: 'version', version: '1.8.0' })).toMatchObject({
      taskDefinitionArn: tdArn('api', 11),
      source: 'image-tag'
    })
  })

  it.each([
    [
      '1.0.0',
      "no revision of task definition family 'api' among the newest 50 has the 'version' tag or an image tag '1.0.0'"
    ]
  ])('refuses version %j that matches nothing', async (version, message) => {
    knownRevisions([{ revision: 12 }, { revision: 11 }])
    expect(await configError(resolve({ kind: 'version', version }))).toContain(message)
  })

  it('resolves revision N within the live family', async () => {
    knownRevisions([{ revision: 12 }, { revision: 4 }])
    expect(await resolve({ kind: 'revision', revision: 4 })).toMatchObject({
      taskDefinitionArn: tdArn('api', 4),
      source: 'revision',
      isLive: false
    })
    expect(sent()).toEqual(['DescribeServicesCommand', 'DescribeTaskDefinitionCommand'])
    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: 'api:4',
      include: ['TAGS']
    })
  })

  it.each([[99, "revision 99 of task definition family 'api' does not exist"]])(
    'refuses revision %p',
    async (revision, message) => {
      knownRevisions([{ revision: 12 }])
      expect(await configError(resolve({ kind: 'revision', revision }))).toContain(message)
    }
  )

  it('resolves an ARN of the live family and says when it is live (no logger needed)', async () => {
    knownRevisions([{ revision: 12 }])
    const target = await resolveRollbackTarget(
      { cluster: CLUSTER, service: 'api', to: { kind: 'arn', arn: LIVE } },
      { ecs: client }
    )
    expect(target).toMatchObject({ taskDefinitionArn: LIVE, source: 'arn', isLive: true })
    expect(sent()).toEqual(['DescribeServicesCommand', 'DescribeTaskDefinitionCommand'])
  })

  it.each([
    [tdArn('billing', 3), "belongs to family 'billing', but service 'api' runs family 'api'"],
    [tdArn('api', 77), 'does not exist']
  ])('refuses ARN %s', async (arn, message) => {
    knownRevisions([{ revision: 12 }])
    expect(await configError(resolve({ kind: 'arn', arn }))).toContain(message)
  })

  it('lets unexpected AWS errors through', async () => {
    ecs.on(DescribeTaskDefinitionCommand).rejects(new Error('ThrottlingException'))
    await expect(resolve({ kind: 'arn', arn: LIVE })).rejects.toThrow('ThrottlingException')
  })
})

describe('reinstateRevision', () => {
  it('registers an INACTIVE revision again with the same content and its tags', async () => {
    knownRevisions([{ revision: 8, status: 'INACTIVE', tags: { version: '1.8.0' } }])
    ecs
      .on(RegisterTaskDefinitionCommand)
      .resolves({ taskDefinition: { taskDefinitionArn: tdArn('api', 13) } })
    const log = new MemoryLogger()
    expect(await reinstateRevision(tdArn('api', 8), { ecs: client, log })).toBe(tdArn('api', 13))
    const input = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input
    expect(input).not.toHaveProperty('status')
    expect(input).not.toHaveProperty('revision')
    expect(input.family).toBe('api')
    expect(input.containerDefinitions).toEqual([{ name: 'web', image: `${ECR}/api:build-8` }])
    expect(input.tags).toEqual([
      { key: 'version', value: '1.8.0' },
      { key: 'fargate-promote:reinstated-from', value: tdArn('api', 8) }
    ])
    expect(log.text()).toContain('Registered api:8 again as api:13 (it was INACTIVE)')
  })

  it('refuses an unknown revision and fails when ECS returns no ARN', async () => {
    knownRevisions([{ revision: 8 }])
    expect(
      await configError(
        reinstateRevision(tdArn('api', 2), { ecs: client, log: new MemoryLogger() })
      )
    ).toContain('does not exist')
    ecs.on(RegisterTaskDefinitionCommand).resolves({})
    await expect(
      reinstateRevision(tdArn('api', 8), { ecs: client, log: new MemoryLogger() })
    ).rejects.toThrow('returned no ARN')
  })
})

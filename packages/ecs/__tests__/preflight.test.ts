import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient,
  ECSServiceException,
  type Service
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { isConfigurationError } from '@fargate-promote/common'
import { preflight } from '../src/deploy/preflight.js'
import {
  ACTIVE_CLUSTER,
  CLUSTER,
  deployment,
  service,
  serviceArn,
  tdArn
} from './deploy-fixtures.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'eu-west-1' })

beforeEach(() => {
  ecs.reset()
  ecs.on(DescribeClustersCommand).resolves(ACTIVE_CLUSTER)
})

async function configError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(isConfigurationError(error)).toBe(true)
  return (error as Error).message
}

describe('preflight', () => {
  it('describes each service: live task definition, load balancers, deployment in progress', async () => {
    const web = service('web', {
      loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'web', containerPort: 8080 }],
      deployments: [
        deployment({
          id: 'ecs-svc/2',
          taskDefinition: tdArn('web', 9),
          rolloutState: 'IN_PROGRESS'
        }),
        deployment({ id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: tdArn('web', 8) })
      ]
    })
    const worker = service('worker', {
      launchType: undefined,
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE_SPOT', weight: 1 },
        { capacityProvider: 'FARGATE' }
      ],
      deployments: [deployment({ taskDefinition: tdArn('worker', 3) })]
    })
    ecs.on(DescribeServicesCommand).resolves({ services: [worker, web] })

    const result = await preflight(
      { cluster: CLUSTER, services: ['web', 'worker'] },
      { ecs: client }
    )

    expect(result.cluster.clusterName).toBe(CLUSTER)
    expect(
      result.services.map(s => [
        s.name,
        s.liveTaskDefinitionArn,
        s.hasLoadBalancers,
        s.deploymentInProgress
      ])
    ).toEqual([
      ['web', tdArn('web', 9), true, true],
      ['worker', tdArn('worker', 3), false, false]
    ])
    expect(result.services[0]!.primary.id).toBe('ecs-svc/2')
    expect(ecs).toHaveReceivedCommandWith(DescribeClustersCommand, { clusters: [CLUSTER] })
    expect(ecs).toHaveReceivedCommandWith(DescribeServicesCommand, {
      cluster: CLUSTER,
      services: ['web', 'worker']
    })
  })

  it('accepts services named by ARN and a lone PRIMARY still IN_PROGRESS counts as in progress', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [service('api', { deployments: [deployment({ rolloutState: 'IN_PROGRESS' })] })]
    })
    const result = await preflight(
      { cluster: CLUSTER, services: [serviceArn('api')] },
      { ecs: client }
    )
    expect(result.services[0]!.deploymentInProgress).toBe(true)
  })

  it.each([
    [
      { clusters: [], failures: [{ arn: 'arn:cluster/prod', reason: 'MISSING' }] },
      "Input 'cluster': 'prod' was not found"
    ],
    [
      { clusters: [{ clusterName: 'prod', status: 'INACTIVE' }] },
      "Input 'cluster': 'prod' is INACTIVE"
    ]
  ])(
    'refuses an unknown or inactive cluster and says how to list clusters',
    async (answer, message) => {
      ecs.on(DescribeClustersCommand).resolves(answer)
      const text = await configError(
        preflight({ cluster: CLUSTER, services: ['api'] }, { ecs: client })
      )
      expect(text).toContain(message)
      expect(text).toContain('aws ecs list-clusters')
      expect(ecs).not.toHaveReceivedCommand(DescribeServicesCommand)
    }
  )

  it('with checkCluster: false, skips DescribeClusters and reports an unknown cluster the same way', async () => {
    ecs.on(DescribeServicesCommand).resolvesOnce({ services: [service('api')] })
    const checked = await preflight(
      { cluster: CLUSTER, services: ['api'], checkCluster: false },
      { ecs: client }
    )
    expect(checked.cluster).toEqual({ clusterName: CLUSTER, clusterArn: service('api').clusterArn })
    expect(checked.services[0]?.name).toBe('api')
    expect(ecs).not.toHaveReceivedCommand(DescribeClustersCommand)

    ecs.on(DescribeServicesCommand).rejects(
      new ECSServiceException({
        name: 'ClusterNotFoundException',
        $fault: 'client',
        $metadata: {},
        message: 'Cluster not found.'
      })
    )
    const text = await configError(
      preflight({ cluster: CLUSTER, services: ['api'], checkCluster: false }, { ecs: client })
    )
    expect(text).toBe(
      `Input 'cluster': '${CLUSTER}' was not found in this account and region. List the clusters with 'aws ecs list-clusters' and check the region.`
    )
    ecs.on(DescribeServicesCommand).rejects(new Error('ThrottlingException'))
    await expect(
      preflight({ cluster: CLUSTER, services: ['api'], checkCluster: false }, { ecs: client })
    ).rejects.toThrow('ThrottlingException')
    expect(ecs).not.toHaveReceivedCommand(DescribeClustersCommand)
  })

  it('refuses an unknown service, naming it and the cluster', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [service('api')],
      failures: [{ arn: serviceArn('ghost'), reason: 'MISSING' }]
    })
    const text = await configError(
      preflight({ cluster: CLUSTER, services: ['api', 'ghost'] }, { ecs: client })
    )
    expect(text).toBe(
      "Input 'services': 'ghost' was not found in cluster 'prod' (MISSING). List the services with 'aws ecs list-services --cluster prod'."
    )
  })

  it('quotes the cluster and service as text: a line break in either starts no line', async () => {
    ecs.on(DescribeClustersCommand).resolves({ clusters: [] })
    expect(
      await configError(
        preflight({ cluster: 'prod\n::error::x', services: ['api'] }, { ecs: client })
      )
    ).toBe(
      "Input 'cluster': 'prod\\n::error::x' was not found in this account and region. List the clusters with 'aws ecs list-clusters' and check the region."
    )
    ecs.on(DescribeServicesCommand).resolves({ services: [] })
    const text = await configError(
      preflight(
        { cluster: 'prod\nx', services: ['api\nstatus=succeeded'], checkCluster: false },
        { ecs: client }
      )
    )
    expect(text).toBe(
      "Input 'service': 'api\\nstatus=succeeded' was not found in cluster 'prod\\nx'. List the services with 'aws ecs list-services --cluster prod\\nx'."
    )
  })

  it('refuses an unknown service even without a failure entry', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [] })
    expect(
      await configError(preflight({ cluster: CLUSTER, services: ['api'] }, { ecs: client }))
    ).toContain("'api' was not found in cluster 'prod'.")
  })

  it.each<[string, Partial<Service>, string[]]>([
    ['INACTIVE', { status: 'INACTIVE' }, ['is INACTIVE', 'only an ACTIVE service']],
    ['DRAINING', { status: 'DRAINING' }, ['is DRAINING']],
    ['EC2', { launchType: 'EC2' }, ['launch type EC2, not Fargate', 'FARGATE/FARGATE_SPOT']],
    ['EXTERNAL launch type', { launchType: 'EXTERNAL' }, ['launch type EXTERNAL']],
    [
      'EC2 capacity provider',
      {
        launchType: undefined,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }, { capacityProvider: 'my-asg' }]
      },
      ["capacity provider 'my-asg', not Fargate"]
    ],
    [
      'CODE_DEPLOY',
      { deploymentController: { type: 'CODE_DEPLOY' } },
      [
        'CODE_DEPLOY deployment controller',
        'deployed through CodeDeploy',
        'ECS rolling deployments'
      ]
    ],
    [
      'EXTERNAL controller',
      { deploymentController: { type: 'EXTERNAL' } },
      ['EXTERNAL deployment controller', 'task sets', 'ECS rolling deployments']
    ],
    ['no PRIMARY', { deployments: [] }, ['has no PRIMARY deployment']]
  ])('refuses a %s service and explains why', async (_name, overrides, parts) => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service('api', overrides)] })
    const text = await configError(
      preflight({ cluster: CLUSTER, services: ['api'] }, { ecs: client })
    )
    expect(text).toContain("service 'api' in cluster 'prod'")
    for (const part of parts) expect(text).toContain(part)
  })
})

import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ECSServiceException,
  ListServiceDeploymentsCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopServiceDeploymentCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service
} from '@aws-sdk/client-ecs'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type DescribeTargetHealthOutput,
  type TargetHealthStateEnum
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { FakeClock, isConfigurationError, MemoryLogger } from '@fargate-promote/common'
import { deploy } from '../src/deploy/deploy.js'
import type { DeployOptions } from '../src/deploy/options.js'
import { worstStatus } from '../src/deploy/run.js'
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
const elb = mockClient(ElasticLoadBalancingV2Client)
const SD_ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/api/new'
const LIVE = tdArn('api', 5)
const NEW = tdArn('api', 10)
const IMAGE = `${ECR}/api:1.1.0`
const MUTATING = [
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  RunTaskCommand,
  StopTaskCommand,
  StopServiceDeploymentCommand,
  DeregisterTaskDefinitionCommand
].map(command => command.name)

let clock: FakeClock
let log: MemoryLogger
/** DescribeServices answers, per service, in order; the last one repeats. */
let answers: Record<string, Service[]>

function deps() {
  return {
    ecs: new ECSClient({ region: 'eu-west-1' }),
    elb: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
    clock,
    log
  }
}

function options(overrides: Partial<DeployOptions> = {}): DeployOptions {
  return {
    cluster: CLUSTER,
    services: ['api'],
    taskDefinition: { kind: 'current' },
    images: { web: IMAGE },
    environment: {},
    tags: { version: '1.1.0', 'commit-sha': 'abc123' },
    forceNewDeployment: false,
    circuitBreaker: true,
    alarms: [],
    wait: true,
    timeoutMs: 600_000,
    pollIntervalMs: 5_000,
    waitForTargetHealth: 'auto',
    onFailure: 'rollback',
    dryRun: false,
    ...overrides
  }
}

const steady = (arn: string, id: string, name = 'api', extra: Partial<Service> = {}) =>
  service(name, {
    taskDefinition: arn,
    deployments: [deployment({ id, taskDefinition: arn })],
    ...extra
  })

const rolling = (
  arn: string,
  id: string,
  from: string,
  fromId: string,
  name = 'api',
  extra: Partial<Service> = {}
) =>
  service(name, {
    taskDefinition: arn,
    deployments: [
      deployment({
        id,
        taskDefinition: arn,
        rolloutState: 'IN_PROGRESS',
        runningCount: 0,
        rolloutStateReason: `ECS deployment ${id} in progress.`
      }),
      deployment({ id: fromId, status: 'ACTIVE', taskDefinition: from })
    ],
    ...extra
  })

function script(name: string, ...states: Service[]): void {
  answers[name] = states
}

function registered(): RegisterTaskDefinitionCommandInput[] {
  return ecs.commandCalls(RegisterTaskDefinitionCommand).map(call => call.args[0].input)
}

function expectNothingMutated(): void {
  const made = ecs.calls().map(call => call.args[0].constructor.name)
  expect(made.filter(name => MUTATING.includes(name))).toEqual([])
  expect(made.length).toBeGreaterThan(0)
}

beforeEach(() => {
  ecs.reset()
  elb.reset()
  clock = new FakeClock()
  log = new MemoryLogger()
  answers = { api: [steady(LIVE, 'ecs-svc/1')] }
  ecs.on(DescribeClustersCommand).resolves(ACTIVE_CLUSTER)
  ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
    services: input.services
      .filter(name => answers[name])
      .map(name => {
        const queue = answers[name]!
        return (queue.length > 1 ? queue.shift() : queue[0]) as Service
      }),
    failures: input.services
      .filter(name => !answers[name])
      .map(name => ({
        arn: `arn:aws:ecs:eu-west-1:123456789012:service/prod/${name}`,
        reason: 'MISSING'
      }))
  }))
  ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => {
    const match = /task-definition\/([\w-]+):(\d+)$/.exec(input.taskDefinition)
    if (!match)
      throw new ECSServiceException({
        name: 'ClientException',
        $fault: 'client',
        $metadata: {},
        message: 'Unable to describe task definition.'
      })
    return {
      taskDefinition: taskDefinition(match[1], Number(match[2])),
      tags: [
        { key: 'team', value: 'payments' },
        { key: 'version', value: '1.0.0' },
        { key: 'fargate-promote:previous', value: tdArn(match[1]!, 1) }
      ]
    }
  })
  ecs.on(RegisterTaskDefinitionCommand).callsFake((input: RegisterTaskDefinitionCommandInput) => ({
    taskDefinition: { taskDefinitionArn: tdArn(input.family!, input.family === 'api' ? 10 : 20) }
  }))
  ecs.on(UpdateServiceCommand).callsFake((input: { service: string; taskDefinition: string }) => {
    const live = (answers[input.service] ?? [])[0]
    const liveArn = live?.deployments?.[0]?.taskDefinition ?? LIVE
    return {
      service: {
        ...rolling(input.taskDefinition, 'ecs-svc/2', liveArn, 'ecs-svc/1', input.service),
        currentServiceDeployment: SD_ARN
      }
    }
  })
  ecs.on(ListTasksCommand).resolves({ taskArns: [] })
  ecs.on(DescribeTasksCommand).resolves({ tasks: [] })
})

describe('deploy: success', () => {
  it('registers the new revision, updates the service and reports success only once ECS completed', async () => {
    script(
      'api',
      steady(LIVE, 'ecs-svc/1'),
      rolling(NEW, 'ecs-svc/2', LIVE, 'ecs-svc/1'),
      steady(NEW, 'ecs-svc/2')
    )
    const started = jest.fn()

    const result = await deploy(options(), { ...deps(), onDeploymentStarted: started })

    expect(result.status).toBe('succeeded')
    expect(result.failureReason).toBeUndefined()
    const [api] = result.services
    expect(api).toMatchObject({
      service: 'api',
      status: 'succeeded',
      taskDefinitionArn: NEW,
      previousTaskDefinitionArn: LIVE,
      deploymentId: 'ecs-svc/2',
      serviceDeploymentArn: SD_ARN,
      images: { web: IMAGE, 'migrate-helper': `${ECR}/tools:1` },
      rollout: { outcome: 'succeeded', deploymentId: 'ecs-svc/2', taskDefinitionArn: NEW }
    })
    expect(api!.diff.containers[0]!.image).toEqual({ from: `${ECR}/api:1.0.0`, to: IMAGE })
    expect(api!.rollback).toBeUndefined()

    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: LIVE,
      include: ['TAGS']
    })
    const [input] = registered()
    expect(input!.family).toBe('api')
    expect(input!.containerDefinitions![0]!.image).toBe(IMAGE)
    expect(input).not.toHaveProperty('taskDefinitionArn')
    expect(input!.tags).toEqual([
      { key: 'team', value: 'payments' },
      { key: 'version', value: '1.1.0' },
      { key: 'commit-sha', value: 'abc123' },
      { key: 'fargate-promote:previous', value: LIVE }
    ])
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1)
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
      cluster: CLUSTER,
      service: 'api',
      taskDefinition: NEW,
      forceNewDeployment: false,
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: true }
      }
    })
    expect(started).toHaveBeenCalledWith({
      service: 'api',
      deploymentId: 'ecs-svc/2',
      taskDefinitionArn: NEW,
      previousTaskDefinitionArn: LIVE,
      serviceDeploymentArn: SD_ARN
    })
    expect(ecs).not.toHaveReceivedCommand(StopServiceDeploymentCommand)
    expect(ecs).not.toHaveReceivedCommand(DeregisterTaskDefinitionCommand)
    expect(log.text()).toContain(`container web: image ${ECR}/api:1.0.0 → ${IMAGE}`)
    expect(result.finishedAt).toBeGreaterThan(result.startedAt)
  })

  it('sends desired count, force-new-deployment and alarms, keeping a breaker that is already on', async () => {
    const configured = {
      deploymentConfiguration: {
        maximumPercent: 150,
        minimumHealthyPercent: 50,
        deploymentCircuitBreaker: { enable: true, rollback: true }
      }
    }
    script('api', steady(LIVE, 'ecs-svc/1', 'api', configured), steady(NEW, 'ecs-svc/2'))
    await deploy(
      options({ desiredCount: 4, forceNewDeployment: true, alarms: ['api-5xx', 'api-latency'] }),
      deps()
    )
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
      cluster: CLUSTER,
      service: 'api',
      taskDefinition: NEW,
      forceNewDeployment: true,
      desiredCount: 4,
      deploymentConfiguration: {
        maximumPercent: 150,
        minimumHealthyPercent: 50,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { alarmNames: ['api-5xx', 'api-latency'], enable: true, rollback: true }
      }
    })
  })

  it('leaves deploymentConfiguration alone when there is nothing to turn on', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), steady(NEW, 'ecs-svc/2'))
    await deploy(options({ circuitBreaker: false }), deps())
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).not.toHaveProperty(
      'deploymentConfiguration'
    )
  })

  it('deploys a task-definition file, merging environment over the file', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), steady(NEW, 'ecs-svc/2'))
    const file = {
      family: 'api',
      cpu: '512',
      memory: '1024',
      containerDefinitions: [
        {
          name: 'web',
          image: `${ECR}/api:1.0.0`,
          environment: [{ name: 'LOG_LEVEL', value: 'info' }]
        }
      ]
    }
    const result = await deploy(
      options({
        taskDefinition: { kind: 'file', definition: file, path: '.aws/task-definition.json' },
        environment: { web: { LOG_LEVEL: 'debug', FEATURE_X: 'on' } }
      }),
      deps()
    )
    expect(result.status).toBe('succeeded')
    expect(registered()[0]!.containerDefinitions![0]!.environment).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'FEATURE_X', value: 'on' }
    ])
    expect(registered()[0]!.tags).toEqual([
      { key: 'version', value: '1.1.0' },
      { key: 'commit-sha', value: 'abc123' },
      { key: 'fargate-promote:previous', value: LIVE }
    ])
    expect(result.services[0]!.diff.cpu).toEqual({ from: '256', to: '512' })
  })

  it('deploys an ARN as it is when nothing changes, without registering a revision', async () => {
    const given = tdArn('api', 9)
    script('api', steady(LIVE, 'ecs-svc/1'), steady(given, 'ecs-svc/2'))
    const result = await deploy(
      options({ taskDefinition: { kind: 'arn', arn: given }, images: {} }),
      deps()
    )
    expect(result.status).toBe('succeeded')
    expect(ecs).not.toHaveReceivedCommand(RegisterTaskDefinitionCommand)
    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: given,
      include: ['TAGS']
    })
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { taskDefinition: given })
    expect(result.services[0]!.taskDefinitionArn).toBe(given)
  })

  it('registers a new revision from an ARN of another family when images change, and says so', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), steady(tdArn('api-v2', 20), 'ecs-svc/2'))
    const result = await deploy(
      options({ taskDefinition: { kind: 'arn', arn: tdArn('api-v2', 3) } }),
      deps()
    )
    expect(result.status).toBe('succeeded')
    expect(registered()[0]!.family).toBe('api-v2')
    expect(log.lines).toContainEqual({
      level: 'warning',
      message: "api: deploying task definition family 'api-v2' to a service that runs family 'api'"
    })
  })

  it('returns "started" without watching when told not to wait', async () => {
    const result = await deploy(options({ wait: false }), deps())
    expect(result.status).toBe('started')
    expect(result.services[0]).toMatchObject({ status: 'started', deploymentId: 'ecs-svc/2' })
    expect(result.services[0]!.rollout).toBeUndefined()
    expect(ecs).toHaveReceivedCommandTimes(DescribeServicesCommand, 1)
  })

  it('deploys several services at once, registering one revision per family', async () => {
    answers.worker = [steady(tdArn('worker', 3), 'ecs-svc/7', 'worker')]
    script('api', steady(LIVE, 'ecs-svc/1'), steady(NEW, 'ecs-svc/2'))
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: tdArn('worker', 3) }).resolves({
      taskDefinition: taskDefinition('worker', 3, {
        containerDefinitions: [{ name: 'worker', image: `${ECR}/worker:1` }]
      })
    })
    ecs.on(UpdateServiceCommand, { service: 'worker' }).callsFake(() => {
      answers.worker = [steady(tdArn('worker', 20), 'ecs-svc/8', 'worker')]
      return {
        service: rolling(
          tdArn('worker', 20),
          'ecs-svc/8',
          tdArn('worker', 3),
          'ecs-svc/7',
          'worker'
        )
      }
    })
    ecs.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        { serviceDeploymentArn: 'sd-old', createdAt: new Date('2026-11-01') },
        { serviceDeploymentArn: 'sd-worker', createdAt: new Date('2026-11-26') }
      ]
    })

    const result = await deploy(
      options({
        services: ['api', 'worker'],
        images: { web: IMAGE, worker: `${ECR}/worker:2` },
        environment: { worker: { QUEUE: 'jobs' } }
      }),
      deps()
    )

    expect(result.status).toBe('succeeded')
    expect(
      result.services.map(s => [
        s.service,
        s.status,
        s.taskDefinitionArn,
        s.previousTaskDefinitionArn
      ])
    ).toEqual([
      ['api', 'succeeded', NEW, LIVE],
      ['worker', 'succeeded', tdArn('worker', 20), tdArn('worker', 3)]
    ])
    expect(
      registered().map(input => [input.family, input.containerDefinitions!.map(c => c.image)])
    ).toEqual([
      ['api', [IMAGE, `${ECR}/tools:1`]],
      ['worker', [`${ECR}/worker:2`]]
    ])
    expect(registered()[1]!.containerDefinitions![0]!.environment).toEqual([
      { name: 'QUEUE', value: 'jobs' }
    ])
    expect(ecs).toHaveReceivedCommandWith(ListServiceDeploymentsCommand, {
      cluster: CLUSTER,
      service: 'worker',
      status: ['PENDING', 'IN_PROGRESS']
    })
    expect(result.services[1]!.serviceDeploymentArn).toBe('sd-worker')
  })

  it('registers one revision for several services that get the same content', async () => {
    answers.api2 = [steady(LIVE, 'ecs-svc/5', 'api2')]
    ecs.on(UpdateServiceCommand, { service: 'api2' }).callsFake(() => {
      answers.api2 = [steady(NEW, 'ecs-svc/6', 'api2')]
      return { service: rolling(NEW, 'ecs-svc/6', LIVE, 'ecs-svc/5', 'api2') }
    })
    script('api', steady(LIVE, 'ecs-svc/1'), steady(NEW, 'ecs-svc/2'))
    const result = await deploy(options({ services: ['api', 'api2'] }), deps())
    expect(result.status).toBe('succeeded')
    expect(ecs).toHaveReceivedCommandTimes(RegisterTaskDefinitionCommand, 1)
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 2)
  })

  it('prunes old revisions after the deploy, sparing live, previous and in-use ones', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), steady(NEW, 'ecs-svc/2'))
    ecs.on(ListTaskDefinitionsCommand).resolves({
      taskDefinitionArns: [10, 9, 8, 7, 6, 5, 4, 3].map(r => tdArn('api', r))
    })
    ecs.on(DeregisterTaskDefinitionCommand).resolves({})
    const result = await deploy(options({ keepRevisions: 3 }), deps())
    expect(result.prunedRevisions).toEqual([7, 6, 4, 3].map(r => tdArn('api', r)))
    expect(ecs).not.toHaveReceivedCommandWith(DeregisterTaskDefinitionCommand, {
      taskDefinition: LIVE
    })
  })

  it('reports a pruning failure as a warning, not as a failed deploy', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), steady(NEW, 'ecs-svc/2'))
    ecs.on(ListTaskDefinitionsCommand).rejects(new Error('AccessDeniedException'))
    const result = await deploy(options({ keepRevisions: 3 }), deps())
    expect(result.status).toBe('succeeded')
    expect(result.prunedRevisions).toEqual([])
    expect(log.lines).toContainEqual({
      level: 'warning',
      message: 'Could not prune old revisions: AccessDeniedException'
    })
  })
})

describe('deploy: load balancer target health', () => {
  const TG =
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api-tg/0123456789abcdef'
  const withLb = {
    loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 8080 }]
  }
  const tasks = ['10.0.1.10', '10.0.2.20'].map((ip, i) => ({
    taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/prod/${String(i).repeat(32)}`,
    lastStatus: 'RUNNING',
    startedBy: 'ecs-svc/2',
    attachments: [
      { type: 'ElasticNetworkInterface', details: [{ name: 'privateIPv4Address', value: ip }] }
    ]
  }))
  const health = (state: TargetHealthStateEnum): DescribeTargetHealthOutput => ({
    TargetHealthDescriptions: ['10.0.1.10', '10.0.2.20'].map(ip => ({
      Target: { Id: ip, Port: 8080 },
      TargetHealth:
        state === 'healthy'
          ? { State: state }
          : {
              State: state,
              Reason: 'Elb.InitialHealthChecking' as const,
              Description: 'Initial health checks in progress'
            }
    }))
  })

  beforeEach(() => {
    script('api', steady(LIVE, 'ecs-svc/1', 'api', withLb), steady(NEW, 'ecs-svc/2', 'api', withLb))
    ecs
      .on(ListTasksCommand, { desiredStatus: 'RUNNING' })
      .resolves({ taskArns: tasks.map(t => t.taskArn) })
    ecs.on(DescribeTasksCommand, { tasks: tasks.map(t => t.taskArn) }).resolves({ tasks })
  })

  it('reports success only once the new tasks are healthy targets', async () => {
    elb.on(DescribeTargetHealthCommand).resolvesOnce(health('initial')).resolves(health('healthy'))
    const result = await deploy(options(), deps())
    expect(result.status).toBe('succeeded')
    expect(elb).toHaveReceivedCommandWith(DescribeTargetHealthCommand, { TargetGroupArn: TG })
    expect(elb).toHaveReceivedCommandTimes(DescribeTargetHealthCommand, 2)
    expect(result.services[0]!.rollout!.targets.map(t => [t.id, t.state])).toEqual([
      ['10.0.1.10', 'healthy'],
      ['10.0.2.20', 'healthy']
    ])
  })

  it('does not take running for serving: targets that never become healthy time out', async () => {
    elb.on(DescribeTargetHealthCommand).resolves(health('initial'))
    const result = await deploy(options({ timeoutMs: 60_000, onFailure: 'none' }), deps())
    expect(result.status).toBe('timed-out')
    expect(result.failureReason).toContain('0/2 targets healthy in api-tg')
  })
})

describe('deploy: dry run and validation (nothing changed)', () => {
  it('dry run: returns the diff and makes no mutating call', async () => {
    const result = await deploy(
      options({ dryRun: true, environment: { web: { SECRET_TOKEN: 'hunter2' } } }),
      deps()
    )
    expect(result.status).toBe('dry-run')
    expect(result.services[0]).toMatchObject({
      status: 'dry-run',
      previousTaskDefinitionArn: LIVE,
      images: { web: IMAGE }
    })
    expect(result.services[0]!.diff.containers[0]!.environment.added).toEqual(['SECRET_TOKEN'])
    expect(JSON.stringify(result) + log.text()).not.toContain('hunter2')
    expectNothingMutated()
  })

  it.each<[string, Partial<DeployOptions>, string]>([
    [
      'an image for an unknown container',
      { images: { app: IMAGE } },
      "Input 'images': container 'app' is not in task definition api:5 (live on api). Its containers are: 'web', 'migrate-helper'."
    ],
    [
      'an invalid image',
      { images: { web: `${ECR}/API:1` } },
      `Input 'images': '${ECR}/API:1' is not a valid image reference`
    ],
    [
      'an aws: tag',
      { tags: { 'aws:team': 'x' } },
      "Input 'tags': key 'aws:team' uses the 'aws:' prefix"
    ],
    [
      'an unknown pre-deploy container',
      { preDeploy: { command: ['migrate'], container: 'db' } },
      "Input 'pre-deploy-container': 'db' is not a container"
    ],
    [
      'an ARN that does not exist',
      { taskDefinition: { kind: 'arn', arn: 'api' } },
      "Input 'task-definition-arn': task definition 'api' could not be described"
    ],
    [
      'an unknown service',
      { services: ['ghost'] },
      "Input 'service': 'ghost' was not found in cluster 'prod'"
    ]
  ])('refuses %s with nothing changed', async (_why, overrides, message) => {
    const error = await deploy(options(overrides), deps()).catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain(message)
    expectNothingMutated()
  })

  it('with several services, refuses an image for a container none of them has', async () => {
    answers.worker = [steady(tdArn('worker', 3), 'ecs-svc/7', 'worker')]
    const error = await deploy(
      options({ services: ['api', 'worker'], images: { wrkr: IMAGE } }),
      deps()
    ).catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toBe(
      "Input 'images': container 'wrkr' is in none of the task definitions. Their containers are: api (web, migrate-helper); worker (web, migrate-helper)."
    )
    expectNothingMutated()
  })

  it('refuses a service/container image for a service that is not deployed, before any change', async () => {
    const error = await deploy(options({ images: { 'ghost/web': IMAGE } }), deps()).catch(
      (e: unknown) => e
    )
    expect((error as Error).message).toBe(
      "Input 'images': container 'ghost/web' is in none of the task definitions. Their containers are: api (web, migrate-helper)."
    )
    expectNothingMutated()
  })

  it.each(['ClientException', 'InvalidParameterException'])(
    'turns a task definition ECS refuses (%s) into a configuration error before any service is updated',
    async name => {
      ecs.on(RegisterTaskDefinitionCommand).rejects(
        new ECSServiceException({
          name,
          $fault: 'client',
          $metadata: {},
          message: 'Invalid memory value'
        })
      )
      const error = await deploy(options(), deps()).catch((e: unknown) => e)
      expect(isConfigurationError(error)).toBe(true)
      expect((error as Error).message).toBe(
        "Input 'task-definition': ECS refused the task definition for api: Invalid memory value. Fix the task definition; nothing was deployed."
      )
      expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
    }
  )
})

describe('deploy: failures and rollback', () => {
  it('lets other AWS errors of RegisterTaskDefinition through, and fails when it returns no ARN', async () => {
    ecs.on(RegisterTaskDefinitionCommand).rejectsOnce(new Error('ServerException')).resolves({})
    await expect(deploy(options(), deps())).rejects.toThrow('ServerException')
    await expect(deploy(options(), deps())).rejects.toThrow(
      'RegisterTaskDefinition returned no ARN for api'
    )
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
  })

  it('rolls back with UpdateService when no service-deployment ARN is known', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), rolling(NEW, 'ecs-svc/2', LIVE, 'ecs-svc/1'))
    ecs
      .on(UpdateServiceCommand, { taskDefinition: NEW })
      .resolves({ service: rolling(NEW, 'ecs-svc/2', LIVE, 'ecs-svc/1') })
    ecs.on(UpdateServiceCommand, { taskDefinition: LIVE }).callsFake(() => {
      answers.api = [steady(LIVE, 'ecs-svc/4')]
      return { service: rolling(LIVE, 'ecs-svc/4', NEW, 'ecs-svc/2') }
    })
    ecs.on(ListServiceDeploymentsCommand).rejects(new Error('UnknownOperationException'))
    const result = await deploy(options({ timeoutMs: 30_000 }), deps())
    expect(result.services[0]!.serviceDeploymentArn).toBeUndefined()
    expect(result.services[0]!.rollback).toMatchObject({
      status: 'rolled-back',
      method: 'update-service',
      toTaskDefinitionArn: LIVE
    })
    expect(ecs).not.toHaveReceivedCommand(StopServiceDeploymentCommand)
    expect(ecs).not.toHaveReceivedCommand(DescribeServiceDeploymentsCommand)
  })

  it('reports what it saw when AWS keeps failing during the watch, and tries to roll back', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'))
    ecs.on(UpdateServiceCommand, { taskDefinition: NEW }).callsFake(() => {
      ecs.on(DescribeServicesCommand).rejects(new Error('InternalFailure'))
      return { service: rolling(NEW, 'ecs-svc/2', LIVE, 'ecs-svc/1') }
    })
    const result = await deploy(options(), deps())
    expect(result.status).toBe('timed-out')
    expect(result.services[0]!.failureReason).toContain(
      'could not watch the rollout: DescribeServices failed: InternalFailure'
    )
    expect(result.services[0]!.rollback).toMatchObject({
      status: 'failed',
      reason: 'InternalFailure'
    })
  })

  it('reports rolled-back, not success, when the circuit breaker rolled the deployment back', async () => {
    const breaker = {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } }
    }
    script(
      'api',
      steady(LIVE, 'ecs-svc/1', 'api', breaker),
      service('api', {
        ...breaker,
        deployments: [
          deployment({
            id: 'ecs-svc/3',
            taskDefinition: LIVE,
            rolloutState: 'IN_PROGRESS',
            rolloutStateReason:
              'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.'
          }),
          deployment({
            id: 'ecs-svc/2',
            status: 'ACTIVE',
            taskDefinition: NEW,
            rolloutState: 'FAILED',
            rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
            failedTasks: 3,
            runningCount: 0
          })
        ]
      }),
      steady(LIVE, 'ecs-svc/3', 'api', breaker)
    )
    const result = await deploy(options(), deps())
    expect(result.status).toBe('rolled-back')
    const [api] = result.services
    expect(api!.status).toBe('rolled-back')
    expect(api!.failureReason).toContain(
      'ECS rolled back deployment ecs-svc/2 (api:10) to deployment ecs-svc/1'
    )
    expect(api!.failureReason).toContain('tasks failed to start')
    expect(api!.rollout!.rollback).toMatchObject({
      deploymentId: 'ecs-svc/3',
      taskDefinitionArn: LIVE,
      outcome: 'succeeded'
    })
    expect(api!.rollback).toBeUndefined()
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1)
    expect(result.failureReason).toBe(api!.failureReason)
  })

  it('rolls back to the exact revision live before the deploy — not the newest minus one', async () => {
    script(
      'api',
      steady(LIVE, 'ecs-svc/1'),
      service('api', {
        deployments: [
          deployment({
            id: 'ecs-svc/2',
            taskDefinition: NEW,
            rolloutState: 'FAILED',
            rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
            runningCount: 0,
            failedTasks: 2
          }),
          deployment({ id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: LIVE })
        ]
      })
    )
    ecs.on(UpdateServiceCommand, { taskDefinition: LIVE }).callsFake(() => {
      answers.api = [steady(LIVE, 'ecs-svc/4')]
      return { service: rolling(LIVE, 'ecs-svc/4', NEW, 'ecs-svc/2') }
    })
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [{ serviceDeploymentArn: SD_ARN, status: 'STOPPED' }] })

    const result = await deploy(options({ circuitBreaker: false }), deps())

    expect(result.status).toBe('failed')
    const [api] = result.services
    expect(api!.failureReason).toContain(
      'deployment ecs-svc/2 (api:10) failed and ECS did not roll it back'
    )
    expect(api!.rollback).toMatchObject({
      status: 'rolled-back',
      fromTaskDefinitionArn: NEW,
      toTaskDefinitionArn: LIVE,
      method: 'update-service',
      deploymentId: 'ecs-svc/4'
    })
    const updates = ecs
      .commandCalls(UpdateServiceCommand)
      .map(call => call.args[0].input.taskDefinition)
    expect(updates).toEqual([NEW, LIVE])
    expect(updates).not.toContain(tdArn('api', 9))
  })

  it('on timeout, stops the service deployment so ECS returns to the previous revision', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), rolling(NEW, 'ecs-svc/2', LIVE, 'ecs-svc/1'))
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          serviceDeploymentArn: SD_ARN,
          status: 'IN_PROGRESS',
          sourceServiceRevisions: [{ arn: 'rev-5' }]
        }
      ]
    })
    ecs
      .on(DescribeServiceRevisionsCommand)
      .resolves({ serviceRevisions: [{ serviceRevisionArn: 'rev-5', taskDefinition: LIVE }] })
    ecs.on(StopServiceDeploymentCommand).callsFake(() => {
      answers.api = [rolling(LIVE, 'ecs-svc/3', NEW, 'ecs-svc/2'), steady(LIVE, 'ecs-svc/3')]
      return { serviceDeploymentArn: SD_ARN }
    })

    const result = await deploy(options({ timeoutMs: 60_000 }), deps())

    expect(result.status).toBe('timed-out')
    expect(result.services[0]!.failureReason).toContain('timed out after 1m')
    expect(ecs).toHaveReceivedCommandWith(StopServiceDeploymentCommand, {
      serviceDeploymentArn: SD_ARN,
      stopType: 'ROLLBACK'
    })
    expect(result.services[0]!.rollback).toMatchObject({
      status: 'rolled-back',
      method: 'stop-service-deployment',
      deploymentId: 'ecs-svc/3'
    })
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1)
  })

  it('does not roll back when told not to', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), rolling(NEW, 'ecs-svc/2', LIVE, 'ecs-svc/1'))
    const result = await deploy(options({ timeoutMs: 30_000, onFailure: 'none' }), deps())
    expect(result.status).toBe('timed-out')
    expect(result.services[0]!.rollback).toBeUndefined()
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1)
    expect(ecs).not.toHaveReceivedCommand(StopServiceDeploymentCommand)
  })

  it('records a rollback that throws as a failed rollback', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), rolling(NEW, 'ecs-svc/2', LIVE, 'ecs-svc/1'))
    ecs
      .on(UpdateServiceCommand, { taskDefinition: LIVE })
      .rejects(new Error('AccessDeniedException'))
    const result = await deploy(options({ timeoutMs: 30_000 }), deps())
    expect(result.services[0]!.rollback).toEqual({
      status: 'failed',
      fromTaskDefinitionArn: NEW,
      toTaskDefinitionArn: LIVE,
      reason: 'AccessDeniedException'
    })
    expect(log.text()).toContain('api: rollback to api:5 failed: AccessDeniedException')
  })

  it('reports an UpdateService failure for that service only', async () => {
    answers.worker = [steady(tdArn('worker', 3), 'ecs-svc/7', 'worker')]
    ecs
      .on(UpdateServiceCommand, { service: 'worker' })
      .rejects(new Error('AccessDeniedException: not allowed'))
    script('api', steady(LIVE, 'ecs-svc/1'), steady(NEW, 'ecs-svc/2'))
    ecs.on(UpdateServiceCommand, { service: 'api', taskDefinition: LIVE }).callsFake(() => {
      answers.api = [steady(LIVE, 'ecs-svc/4')]
      return { service: rolling(LIVE, 'ecs-svc/4', NEW, 'ecs-svc/2') }
    })
    const result = await deploy(options({ services: ['api', 'worker'] }), deps())
    expect(result.status).toBe('failed')
    expect(result.services.map(s => s.status)).toEqual(['succeeded', 'failed'])
    expect(result.failureReason).toBe(
      'worker: UpdateService failed: AccessDeniedException: not allowed'
    )
    // api is not left on the new revision while the deploy reports failure
    expect(result.services[0]!.rollback).toMatchObject({
      status: 'rolled-back',
      fromTaskDefinitionArn: NEW,
      toTaskDefinitionArn: LIVE
    })
    expect(result.services[1]!.rollback).toBeUndefined()
  })

  it('rolls back every service it deployed when another one fails its rollout', async () => {
    const W3 = tdArn('worker', 3)
    const W20 = tdArn('worker', 20)
    answers.worker = [steady(W3, 'ecs-svc/7', 'worker')]
    script('api', steady(LIVE, 'ecs-svc/1'), steady(NEW, 'ecs-svc/2'))
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: W3 }).resolves({
      taskDefinition: taskDefinition('worker', 3, {
        containerDefinitions: [{ name: 'worker', image: `${ECR}/worker:1` }]
      })
    })
    ecs.on(UpdateServiceCommand, { service: 'worker', taskDefinition: W20 }).callsFake(() => {
      answers.worker = [
        service('worker', {
          deployments: [
            deployment({
              id: 'ecs-svc/8',
              taskDefinition: W20,
              rolloutState: 'FAILED',
              rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
              runningCount: 0,
              failedTasks: 2
            }),
            deployment({ id: 'ecs-svc/7', status: 'ACTIVE', taskDefinition: W3 })
          ]
        })
      ]
      return { service: rolling(W20, 'ecs-svc/8', W3, 'ecs-svc/7', 'worker') }
    })
    ecs.on(UpdateServiceCommand, { service: 'worker', taskDefinition: W3 }).callsFake(() => {
      answers.worker = [steady(W3, 'ecs-svc/9', 'worker')]
      return { service: rolling(W3, 'ecs-svc/9', W20, 'ecs-svc/8', 'worker') }
    })
    ecs.on(UpdateServiceCommand, { service: 'api', taskDefinition: LIVE }).callsFake(() => {
      answers.api = [steady(LIVE, 'ecs-svc/4')]
      return { service: rolling(LIVE, 'ecs-svc/4', NEW, 'ecs-svc/2') }
    })

    const result = await deploy(
      options({
        services: ['api', 'worker'],
        images: { web: IMAGE, worker: `${ECR}/worker:2` },
        circuitBreaker: false
      }),
      deps()
    )

    expect(result.status).toBe('failed')
    expect(result.services.map(s => [s.service, s.status])).toEqual([
      ['api', 'succeeded'],
      ['worker', 'failed']
    ])
    expect(result.services.map(s => [s.rollback?.status, s.rollback?.toTaskDefinitionArn])).toEqual(
      [
        ['rolled-back', LIVE],
        ['rolled-back', W3]
      ]
    )
    expect(
      ecs.commandCalls(UpdateServiceCommand).map(call => call.args[0].input.taskDefinition)
    ).toEqual([NEW, W20, LIVE, W3])
  })

  it('without waiting, rolls back the services already updated when a later UpdateService fails', async () => {
    answers.worker = [steady(tdArn('worker', 3), 'ecs-svc/7', 'worker')]
    script('api', steady(LIVE, 'ecs-svc/1'), rolling(NEW, 'ecs-svc/2', LIVE, 'ecs-svc/1'))
    ecs
      .on(UpdateServiceCommand, { service: 'worker' })
      .rejects(new Error('AccessDeniedException: not allowed'))
    ecs.on(UpdateServiceCommand, { service: 'api', taskDefinition: LIVE }).callsFake(() => {
      answers.api = [steady(LIVE, 'ecs-svc/4')]
      return { service: rolling(LIVE, 'ecs-svc/4', NEW, 'ecs-svc/2') }
    })
    const result = await deploy(options({ services: ['api', 'worker'], wait: false }), deps())
    expect(result.status).toBe('failed')
    expect(result.services.map(s => s.status)).toEqual(['started', 'failed'])
    expect(result.services[0]!.rollout).toBeUndefined()
    expect(result.services[0]!.rollback).toMatchObject({
      status: 'rolled-back',
      method: 'update-service',
      toTaskDefinitionArn: LIVE
    })
  })

  it('gives a rollback after a timeout what is left of the deadline, but at least a minute', async () => {
    const rollingBack = rolling(LIVE, 'ecs-svc/4', NEW, 'ecs-svc/2')
    script('api', steady(LIVE, 'ecs-svc/1'), rolling(NEW, 'ecs-svc/2', LIVE, 'ecs-svc/1'))
    ecs.on(UpdateServiceCommand, { taskDefinition: LIVE }).callsFake(() => {
      // the rollback takes 45 s: longer than the deploy's whole 30 s timeout
      answers.api = [...Array.from({ length: 9 }, () => rollingBack), steady(LIVE, 'ecs-svc/4')]
      return { service: rollingBack }
    })
    const result = await deploy(options({ timeoutMs: 30_000 }), deps())
    expect(result.status).toBe('timed-out')
    expect(log.text()).toContain('Watching api (ecs-svc/4) in cluster prod: every 5s, for up to 1m')
    expect(result.services[0]!.rollback).toMatchObject({ status: 'rolled-back' })
  })

  it('fails when UpdateService does not make our revision PRIMARY', async () => {
    ecs.on(UpdateServiceCommand).resolves({})
    const result = await deploy(options(), deps())
    expect(result.status).toBe('failed')
    expect(result.failureReason).toBe(
      'UpdateService did not make api:10 the PRIMARY deployment of api'
    )
  })

  it('keeps going when recording the started deployment fails', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), steady(NEW, 'ecs-svc/2'))
    const result = await deploy(options(), {
      ...deps(),
      onDeploymentStarted: () => {
        throw new Error('state file not writable')
      }
    })
    expect(result.status).toBe('succeeded')
    expect(log.text()).toContain(
      'api: could not record the started deployment: state file not writable'
    )
  })
})

describe('deploy: deployment in progress and pre-deploy', () => {
  it('waits for a deployment in progress and rolls back to what is live after it', async () => {
    const other = tdArn('api', 6)
    script(
      'api',
      rolling(other, 'ecs-svc/9', LIVE, 'ecs-svc/1'), // preflight
      steady(other, 'ecs-svc/9'), // watch of the in-progress deployment: it completes
      steady(other, 'ecs-svc/9'), // preflight again
      service('api', {
        deployments: [
          deployment({
            id: 'ecs-svc/2',
            taskDefinition: NEW,
            rolloutState: 'FAILED',
            rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
            runningCount: 0
          }),
          deployment({ id: 'ecs-svc/9', status: 'ACTIVE', taskDefinition: other })
        ]
      })
    )
    ecs.on(UpdateServiceCommand, { taskDefinition: other }).callsFake(() => {
      answers.api = [steady(other, 'ecs-svc/10')]
      return { service: rolling(other, 'ecs-svc/10', NEW, 'ecs-svc/2') }
    })
    const result = await deploy(options({ circuitBreaker: false }), deps())
    expect(log.text()).toContain(
      'Waiting for the deployment already in progress on api (ecs-svc/9) to finish before deploying'
    )
    expect(result.services[0]!.previousTaskDefinitionArn).toBe(other)
    expect(registered()[0]!.tags).toContainEqual({ key: 'fargate-promote:previous', value: other })
    expect(result.services[0]!.rollback).toMatchObject({
      status: 'rolled-back',
      toTaskDefinitionArn: other
    })
  })

  it('deploys nothing when the deployment in progress does not finish in time', async () => {
    script('api', rolling(tdArn('api', 6), 'ecs-svc/9', LIVE, 'ecs-svc/1'))
    const result = await deploy(options({ timeoutMs: 20_000 }), deps())
    expect(result.status).toBe('timed-out')
    expect(result.failureReason).toContain(
      'the deployment already in progress did not finish within 20s; nothing was deployed'
    )
    expectNothingMutated()
  })

  it('cancelled while waiting for the deployment in progress: says nothing changed, not a timeout', async () => {
    script('api', rolling(tdArn('api', 6), 'ecs-svc/9', LIVE, 'ecs-svc/1'))
    const controller = new AbortController()
    ecs.on(DescribeServicesCommand).callsFake(() => {
      controller.abort()
      return { services: [rolling(tdArn('api', 6), 'ecs-svc/9', LIVE, 'ecs-svc/1')] }
    })
    const result = await deploy(options({ timeoutMs: 20_000 }), {
      ...deps(),
      signal: controller.signal
    })
    expect(result.status).toBe('failed')
    expect(result.services[0]!.failureReason).toMatch(
      /^cancelled before the service was updated: nothing changed in ECS/
    )
    expectNothingMutated()
  })

  it('deploys nothing when the deployment in progress ends failed: its revision is no rollback target', async () => {
    const other = tdArn('api', 6)
    script(
      'api',
      rolling(other, 'ecs-svc/9', LIVE, 'ecs-svc/1'),
      service('api', {
        deployments: [
          deployment({
            id: 'ecs-svc/9',
            taskDefinition: other,
            rolloutState: 'FAILED',
            rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
            runningCount: 0,
            failedTasks: 2
          }),
          deployment({ id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: LIVE })
        ]
      })
    )
    const result = await deploy(options(), deps())
    expect(result.status).toBe('failed')
    expect(result.failureReason).toContain(
      'the deployment already in progress on api (ecs-svc/9) failed: '
    )
    expect(result.failureReason).toContain('nothing was deployed. Fix or roll back api first.')
    expectNothingMutated()
  })

  it.each([
    ['before anything else', [] as Service[]],
    [
      'after waiting for a deployment in progress',
      [
        rolling(tdArn('api', 6), 'ecs-svc/9', LIVE, 'ecs-svc/1'),
        steady(tdArn('api', 6), 'ecs-svc/9')
      ]
    ]
  ])('refuses a service whose last deployment failed, %s', async (_, before) => {
    answers.worker = [steady(LIVE, 'ecs-svc/7', 'worker')]
    script(
      'api',
      ...before,
      service('api', {
        deployments: [
          deployment({
            id: 'ecs-svc/9',
            taskDefinition: tdArn('api', 6),
            rolloutState: 'FAILED',
            rolloutStateReason: 'ECS deployment ecs-svc/9 failed.',
            runningCount: 0
          })
        ]
      })
    )
    const result = await deploy(options({ services: ['api', 'worker'] }), deps())
    expect(result.status).toBe('failed')
    expect(result.failureReason).toBe(
      'api: the last deployment on api (ecs-svc/9) failed: ECS deployment ecs-svc/9 failed.; nothing was deployed. Fix or roll back api first.; worker: nothing was deployed: fix or roll back api first'
    )
    expectNothingMutated()
  })

  it('runs the pre-deploy task from the new revision before updating the service', async () => {
    script('api', steady(LIVE, 'ecs-svc/1'), steady(NEW, 'ecs-svc/2'))
    const task = 'arn:aws:ecs:eu-west-1:123456789012:task/prod/abc'
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: task }] })
    ecs.on(DescribeTasksCommand, { tasks: [task] }).resolves({
      tasks: [{ taskArn: task, lastStatus: 'STOPPED', containers: [{ name: 'web', exitCode: 0 }] }]
    })
    const result = await deploy(
      options({ preDeploy: { command: ['npm', 'run', 'migrate'] } }),
      deps()
    )
    expect(result.status).toBe('succeeded')
    expect(result.preDeploy).toEqual({
      status: 'succeeded',
      service: 'api',
      taskDefinitionArn: NEW,
      container: 'web',
      taskArn: task,
      exitCode: 0
    })
    expect(ecs).toHaveReceivedCommandWith(RunTaskCommand, {
      taskDefinition: NEW,
      overrides: { containerOverrides: [{ name: 'web', command: ['npm', 'run', 'migrate'] }] }
    })
    const order = ecs.calls().map(call => call.args[0].constructor.name)
    expect(order.indexOf('RunTaskCommand')).toBeGreaterThan(
      order.indexOf('RegisterTaskDefinitionCommand')
    )
    expect(order.indexOf('RunTaskCommand')).toBeLessThan(order.indexOf('UpdateServiceCommand'))
  })

  it('stops before updating any service when the pre-deploy task fails', async () => {
    const task = 'arn:aws:ecs:eu-west-1:123456789012:task/prod/abc'
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: task }] })
    ecs.on(DescribeTasksCommand, { tasks: [task] }).resolves({
      tasks: [
        {
          taskArn: task,
          lastStatus: 'STOPPED',
          stoppedReason: 'Essential container in task exited',
          containers: [{ name: 'web', exitCode: 2 }]
        }
      ]
    })
    const result = await deploy(
      options({ preDeploy: { command: ['migrate'], container: 'web' } }),
      deps()
    )
    expect(result.status).toBe('failed')
    expect(result.preDeploy).toMatchObject({ status: 'failed', taskArn: task })
    expect(result.failureReason).toBe(
      "pre-deploy task abc failed: container 'web' exited with code 2; task stopped: Essential container in task exited; no service was updated"
    )
    expect(ecs).toHaveReceivedCommandTimes(RegisterTaskDefinitionCommand, 1)
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
  })
})

describe('worstStatus', () => {
  it.each([
    [['succeeded', 'failed', 'rolled-back'], 'failed'],
    [['succeeded', 'rolled-back'], 'rolled-back'],
    [['succeeded', 'timed-out', 'rolled-back'], 'timed-out'],
    [['succeeded', 'started'], 'started'],
    [['succeeded'], 'succeeded'],
    [['dry-run', 'dry-run'], 'dry-run']
  ] as const)('%j -> %s', (statuses, worst) => {
    expect(worstStatus([...statuses])).toBe(worst)
  })
})

describe('deploy: cancelled before UpdateService (nothing changed in ECS)', () => {
  const PREFIX = 'cancelled before the service was updated: nothing changed in ECS'

  it('says a RegisterTaskDefinition abandoned mid-call may have left a revision, and updates nothing', async () => {
    const controller = new AbortController()
    ecs.on(RegisterTaskDefinitionCommand).callsFake(() => {
      controller.abort()
      throw Object.assign(new Error('Request aborted'), { name: 'AbortError' })
    })
    const result = await deploy(options(), { ...deps(), signal: controller.signal })
    expect(result.status).toBe('failed')
    expect(result.services[0]!.failureReason).toBe(
      `${PREFIX}; no revision was registered for it (a RegisterTaskDefinition abandoned mid-call may still have left one in ECS, not in use)`
    )
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
  })

  it('names the revision registered before the cancellation, left unused', async () => {
    const controller = new AbortController()
    ecs.on(RegisterTaskDefinitionCommand).callsFake(() => {
      controller.abort()
      return { taskDefinition: { taskDefinitionArn: NEW } }
    })
    const result = await deploy(options(), { ...deps(), signal: controller.signal })
    expect(result.services[0]!.failureReason).toBe(
      `${PREFIX}; task definition api:10 was registered and is not in use`
    )
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
  })

  it('says the pre-deploy task ran when the cancellation came after it', async () => {
    const task = 'arn:aws:ecs:eu-west-1:123456789012:task/prod/abc'
    const controller = new AbortController()
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: task }] })
    ecs.on(DescribeTasksCommand, { tasks: [task] }).callsFake(() => {
      controller.abort()
      return {
        tasks: [
          { taskArn: task, lastStatus: 'STOPPED', containers: [{ name: 'web', exitCode: 0 }] }
        ]
      }
    })
    const result = await deploy(options({ preDeploy: { command: ['npm', 'run', 'migrate'] } }), {
      ...deps(),
      signal: controller.signal
    })
    expect(result.services[0]!.failureReason).toBe(
      'cancelled before the service was updated: no service was changed, but pre-deploy task abc ran; task definition api:10 was registered and is not in use'
    )
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
  })

  it('says only that nothing changed for an ARN deployed as given', async () => {
    const given = tdArn('api', 9)
    const controller = new AbortController()
    controller.abort()
    const result = await deploy(
      options({ taskDefinition: { kind: 'arn', arn: given }, images: {} }),
      { ...deps(), signal: controller.signal }
    )
    expect(result.status).toBe('failed')
    expect(result.services[0]!.failureReason).toBe(PREFIX)
    expectNothingMutated()
  })
})

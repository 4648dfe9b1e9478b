import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  ListTasksCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { FakeClock, isConfigurationError, MemoryLogger } from '@fargate-promote/common'
import { rollbackService, type RollbackOptions } from '../src/rollback/service.js'
import { CLUSTER, deployment, service, tdArn } from './deploy-fixtures.js'

const ecs = mockClient(ECSClient)
const elb = mockClient(ElasticLoadBalancingV2Client)
const SD_ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/api/abc'
const GOOD = tdArn('api', 7)
const BAD = tdArn('api', 9)

let clock: FakeClock
let log: MemoryLogger

function deps() {
  return {
    ecs: new ECSClient({ region: 'eu-west-1' }),
    elb: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
    clock,
    log
  }
}

function options(overrides: Partial<RollbackOptions> = {}): RollbackOptions {
  return {
    cluster: CLUSTER,
    service: 'api',
    taskDefinitionArn: GOOD,
    reason: 'smoke test failed',
    timeoutMs: 600_000,
    pollIntervalMs: 5_000,
    waitForTargetHealth: 'auto',
    stopInProgress: true,
    ...overrides
  }
}

const steadyOn = (arn: string, id = 'ecs-svc/10') =>
  service('api', { deployments: [deployment({ id, taskDefinition: arn })] })

const rollingOut = (arn: string, id: string, from = BAD, fromId = 'ecs-svc/9') =>
  service('api', {
    deployments: [
      deployment({ id, taskDefinition: arn, rolloutState: 'IN_PROGRESS', runningCount: 1 }),
      deployment({ id: fromId, status: 'ACTIVE', taskDefinition: from })
    ]
  })

beforeEach(() => {
  ecs.reset()
  elb.reset()
  clock = new FakeClock()
  log = new MemoryLogger()
  ecs.on(ListTasksCommand).resolves({ taskArns: [] })
  ecs.on(DescribeTasksCommand).resolves({ tasks: [] })
})

describe('rollbackService', () => {
  it('does nothing when the target is already live and steady', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [steadyOn(GOOD)] })
    const result = await rollbackService(options(), deps())
    expect(result).toEqual({
      status: 'noop',
      fromTaskDefinitionArn: GOOD,
      toTaskDefinitionArn: GOOD,
      reason: 'api already runs api:7'
    })
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
    expect(ecs).not.toHaveReceivedCommand(StopServiceDeploymentCommand)
  })

  it('updates the service to the exact revision and watches it until it completes', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [steadyOn(BAD, 'ecs-svc/9')] })
      .resolvesOnce({ services: [rollingOut(GOOD, 'ecs-svc/10')] })
      .resolves({ services: [steadyOn(GOOD, 'ecs-svc/10')] })
    ecs.on(UpdateServiceCommand).resolves({ service: rollingOut(GOOD, 'ecs-svc/10') })

    const result = await rollbackService(options(), deps())

    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1)
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      cluster: CLUSTER,
      service: 'api',
      taskDefinition: GOOD
    })
    expect(result).toMatchObject({
      status: 'rolled-back',
      fromTaskDefinitionArn: BAD,
      toTaskDefinitionArn: GOOD,
      deploymentId: 'ecs-svc/10',
      method: 'update-service',
      rollout: { outcome: 'succeeded', deploymentId: 'ecs-svc/10', taskDefinitionArn: GOOD }
    })
    expect(log.text()).toContain('api: rolling back api:9 → api:7: smoke test failed')
  })

  it('uses the service the caller already described: UpdateService is its first AWS call', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(GOOD, 'ecs-svc/10')] })
      .resolves({ services: [steadyOn(GOOD, 'ecs-svc/10')] })
    ecs.on(UpdateServiceCommand).resolves({ service: rollingOut(GOOD, 'ecs-svc/10') })

    const result = await rollbackService(
      options({ describedService: steadyOn(BAD, 'ecs-svc/9') }),
      deps()
    )

    expect(ecs.calls()[0]?.args[0]).toBeInstanceOf(UpdateServiceCommand)
    expect(result).toMatchObject({
      status: 'rolled-back',
      fromTaskDefinitionArn: BAD,
      method: 'update-service'
    })
  })

  it('stops the in-progress service deployment when the target is its source revision', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
      // ECS has not created the rollback deployment yet on the first look.
      .resolvesOnce({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
      .resolvesOnce({ services: [rollingOut(GOOD, 'ecs-svc/11', BAD, 'ecs-svc/9')] })
      .resolves({ services: [steadyOn(GOOD, 'ecs-svc/11')] })
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          serviceDeploymentArn: SD_ARN,
          status: 'IN_PROGRESS',
          sourceServiceRevisions: [{ arn: 'rev-a' }]
        }
      ]
    })
    ecs
      .on(DescribeServiceRevisionsCommand)
      .resolves({ serviceRevisions: [{ serviceRevisionArn: 'rev-a', taskDefinition: GOOD }] })
    ecs.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: SD_ARN })

    const result = await rollbackService(options({ serviceDeploymentArn: SD_ARN }), deps())

    expect(ecs).toHaveReceivedCommandWith(DescribeServiceDeploymentsCommand, {
      serviceDeploymentArns: [SD_ARN]
    })
    expect(ecs).toHaveReceivedCommandWith(DescribeServiceRevisionsCommand, {
      serviceRevisionArns: ['rev-a']
    })
    expect(ecs).toHaveReceivedCommandWith(StopServiceDeploymentCommand, {
      serviceDeploymentArn: SD_ARN,
      stopType: 'ROLLBACK'
    })
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
    expect(result).toMatchObject({
      status: 'rolled-back',
      method: 'stop-service-deployment',
      deploymentId: 'ecs-svc/11'
    })
  })

  it.each([
    [
      'the target is not its source revision',
      { serviceRevisions: [{ serviceRevisionArn: 'rev-a', taskDefinition: tdArn('api', 5) }] },
      'IN_PROGRESS'
    ],
    [
      'the service deployment already finished',
      { serviceRevisions: [{ serviceRevisionArn: 'rev-a', taskDefinition: GOOD }] },
      'SUCCESSFUL'
    ]
  ])(
    'replaces the in-progress deployment with UpdateService when %s',
    async (_why, revisions, status) => {
      ecs
        .on(DescribeServicesCommand)
        .resolvesOnce({
          services: [
            {
              ...rollingOut(BAD, 'ecs-svc/9', tdArn('api', 5), 'ecs-svc/8'),
              currentServiceDeployment: SD_ARN
            }
          ]
        })
        .resolves({ services: [steadyOn(GOOD, 'ecs-svc/12')] })
      ecs.on(DescribeServiceDeploymentsCommand).resolves({
        serviceDeployments: [
          {
            serviceDeploymentArn: SD_ARN,
            status: status as 'IN_PROGRESS',
            sourceServiceRevisions: [{ arn: 'rev-a' }]
          }
        ]
      })
      ecs.on(DescribeServiceRevisionsCommand).resolves(revisions)
      ecs.on(UpdateServiceCommand).resolves({ service: rollingOut(GOOD, 'ecs-svc/12') })

      const result = await rollbackService(options(), deps())

      expect(ecs).toHaveReceivedCommandWith(DescribeServiceDeploymentsCommand, {
        serviceDeploymentArns: [SD_ARN]
      })
      expect(ecs).not.toHaveReceivedCommand(StopServiceDeploymentCommand)
      expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { taskDefinition: GOOD })
      expect(result).toMatchObject({ status: 'rolled-back', method: 'update-service' })
    }
  )

  it('falls back to UpdateService when the service-deployment API is unavailable', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
      .resolves({ services: [steadyOn(GOOD, 'ecs-svc/12')] })
    ecs.on(DescribeServiceDeploymentsCommand).rejects(new Error('UnknownOperationException'))
    ecs.on(UpdateServiceCommand).resolves({ service: rollingOut(GOOD, 'ecs-svc/12') })
    const result = await rollbackService(options({ serviceDeploymentArn: SD_ARN }), deps())
    expect(result.method).toBe('update-service')
    expect(ecs).not.toHaveReceivedCommand(StopServiceDeploymentCommand)
  })

  it('watches a rollout already heading for the target instead of starting a second one', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(GOOD, 'ecs-svc/10')] })
      .resolves({ services: [steadyOn(GOOD, 'ecs-svc/10')] })
    const result = await rollbackService(options(), deps())
    expect(result).toMatchObject({
      status: 'rolled-back',
      method: 'existing-deployment',
      deploymentId: 'ecs-svc/10'
    })
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
    expect(ecs).not.toHaveReceivedCommand(StopServiceDeploymentCommand)
  })

  it('waits for a deployment in progress to finish first when told not to stop it', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(BAD, 'ecs-svc/9', tdArn('api', 8), 'ecs-svc/8')] })
      .resolvesOnce({ services: [steadyOn(BAD, 'ecs-svc/9')] }) // the watch of the in-progress one
      .resolvesOnce({ services: [steadyOn(BAD, 'ecs-svc/9')] }) // re-read after it
      .resolves({ services: [steadyOn(GOOD, 'ecs-svc/13')] })
    ecs.on(UpdateServiceCommand).resolves({ service: rollingOut(GOOD, 'ecs-svc/13') })
    const result = await rollbackService(options({ stopInProgress: false }), deps())
    expect(log.text()).toContain(
      'api: deployment ecs-svc/9 is in progress; waiting for it to finish before rolling back'
    )
    expect(result).toMatchObject({
      status: 'rolled-back',
      fromTaskDefinitionArn: BAD,
      deploymentId: 'ecs-svc/13'
    })
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1)
  })

  it('reports a rollback whose rollout fails, with the reason', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [steadyOn(BAD, 'ecs-svc/9')] })
      .resolves({
        services: [
          service('api', {
            deploymentConfiguration: {
              deploymentCircuitBreaker: { enable: false, rollback: false }
            },
            deployments: [
              deployment({
                id: 'ecs-svc/10',
                taskDefinition: GOOD,
                rolloutState: 'FAILED',
                rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
                runningCount: 0,
                failedTasks: 3
              }),
              deployment({ id: 'ecs-svc/9', status: 'ACTIVE', taskDefinition: BAD })
            ]
          })
        ]
      })
    ecs.on(UpdateServiceCommand).resolves({ service: rollingOut(GOOD, 'ecs-svc/10') })
    const result = await rollbackService(options(), deps())
    expect(result.status).toBe('failed')
    expect(result.reason).toContain(
      'rollback to api:7 failed: deployment ecs-svc/10 (api:7) failed and ECS did not roll it back'
    )
    expect(result.rollout?.outcome).toBe('failed')
  })

  it('fails when no deployment of the target appears after UpdateService', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [steadyOn(BAD, 'ecs-svc/9')] })
    ecs.on(UpdateServiceCommand).resolves({ service: steadyOn(BAD, 'ecs-svc/9') })
    const result = await rollbackService(options(), deps())
    expect(result).toEqual({
      status: 'failed',
      fromTaskDefinitionArn: BAD,
      toTaskDefinitionArn: GOOD,
      method: 'update-service',
      reason: 'no deployment of api:7 appeared on api after the rollback request (update-service)'
    })
  })

  it('gives up waiting for the rollback deployment after StopServiceDeployment at the deadline', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          serviceDeploymentArn: SD_ARN,
          status: 'PENDING',
          sourceServiceRevisions: [{ arn: 'rev-a' }]
        }
      ]
    })
    ecs
      .on(DescribeServiceRevisionsCommand)
      .resolves({ serviceRevisions: [{ serviceRevisionArn: 'rev-a', taskDefinition: GOOD }] })
    ecs.on(StopServiceDeploymentCommand).resolves({})
    const result = await rollbackService(
      options({ serviceDeploymentArn: SD_ARN, timeoutMs: 20_000 }),
      deps()
    )
    expect(result.status).toBe('failed')
    expect(result.method).toBe('stop-service-deployment')
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(20_000)
  })

  it('refuses an unknown service without changing anything', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [],
      failures: [{ arn: 'arn:aws:ecs:eu-west-1:1:service/prod/api', reason: 'MISSING' }]
    })
    const error = await rollbackService(options(), deps()).catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain(
      "Input 'service': 'api' was not found in cluster 'prod'"
    )
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
  })
})

describe('rollbackService: a target not read before the write', () => {
  const COPY = tdArn('api', 12)
  const refusal = (message: string) =>
    Object.assign(new Error(message), { name: 'ClientException', $fault: 'client' })

  function inactiveTarget() {
    ecs
      .on(UpdateServiceCommand, { taskDefinition: GOOD })
      .rejects(refusal('TaskDefinition is inactive'))
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: GOOD }).resolves({
      taskDefinition: {
        taskDefinitionArn: GOOD,
        family: 'api',
        revision: 7,
        status: 'INACTIVE',
        containerDefinitions: [{ name: 'web', image: 'repo/api:1.0.0' }]
      },
      tags: [{ key: 'version', value: '1.0.0' }]
    })
    ecs.on(RegisterTaskDefinitionCommand).resolves({
      taskDefinition: { taskDefinitionArn: COPY, family: 'api', revision: 12 }
    })
    ecs.on(UpdateServiceCommand, { taskDefinition: COPY }).resolves({
      service: rollingOut(COPY, 'ecs-svc/12')
    })
  }

  it('registers an INACTIVE target again when ECS refuses it, and moves the service to the copy', async () => {
    inactiveTarget()
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [steadyOn(BAD, 'ecs-svc/9')] })
      .resolves({ services: [steadyOn(COPY, 'ecs-svc/12')] })
    const requests: unknown[] = []

    const result = await rollbackService(
      options({ onRequested: request => requests.push(request) }),
      deps()
    )

    expect(result).toMatchObject({
      status: 'rolled-back',
      fromTaskDefinitionArn: BAD,
      toTaskDefinitionArn: COPY,
      reinstatedFrom: GOOD,
      deploymentId: 'ecs-svc/12',
      method: 'update-service'
    })
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 2)
    expect(ecs).toHaveReceivedCommandWith(RegisterTaskDefinitionCommand, {
      family: 'api',
      tags: expect.arrayContaining([{ key: 'fargate-promote:reinstated-from', value: GOOD }])
    })
    // Recorded once, with the revision ECS was really sent to.
    expect(requests).toEqual([
      {
        fromTaskDefinitionArn: BAD,
        toTaskDefinitionArn: COPY,
        reinstatedFrom: GOOD,
        method: 'update-service',
        deploymentId: 'ecs-svc/12'
      }
    ])
    expect(log.text()).toContain('api: api:7 is INACTIVE (deregistered); registering it again')
  })

  it('sends no update to the copy when cancelled while it is registered', async () => {
    inactiveTarget()
    const controller = new AbortController()
    ecs.on(RegisterTaskDefinitionCommand).callsFake(() => {
      controller.abort()
      return { taskDefinition: { taskDefinitionArn: COPY, family: 'api', revision: 12 } }
    })
    ecs.on(DescribeServicesCommand).resolves({ services: [steadyOn(BAD, 'ecs-svc/9')] })

    const result = await rollbackService(options(), { ...deps(), signal: controller.signal })

    expect(result).toEqual({
      status: 'cancelled',
      fromTaskDefinitionArn: BAD,
      toTaskDefinitionArn: GOOD,
      reason:
        'cancelled before the rollback was requested; api was not changed and still runs api:9; api:12 (a copy of api:7) is left registered'
    })
    expect(ecs).not.toHaveReceivedCommandWith(UpdateServiceCommand, { taskDefinition: COPY })
  })

  it('turns a missing target into a configuration error, with nothing changed', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [steadyOn(BAD, 'ecs-svc/9')] })
    ecs.on(UpdateServiceCommand).rejects(refusal('TaskDefinition not found.'))
    ecs.on(DescribeTaskDefinitionCommand).rejects(refusal('Unable to describe task definition.'))
    const error = await rollbackService(options(), deps()).catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toBe(
      `Input 'to': task definition ${GOOD} does not exist (ECS: TaskDefinition not found.); the service was not changed. Roll back to a version, a revision number or an ARN that exists.`
    )
    expect(ecs).not.toHaveReceivedCommand(RegisterTaskDefinitionCommand)
  })

  it('passes on a refusal of an ACTIVE target untouched', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [steadyOn(BAD, 'ecs-svc/9')] })
    ecs.on(UpdateServiceCommand).rejects(refusal('Service is draining'))
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: { taskDefinitionArn: GOOD, status: 'ACTIVE' }
    })
    await expect(rollbackService(options(), deps())).rejects.toThrow('Service is draining')
    expect(ecs).not.toHaveReceivedCommand(RegisterTaskDefinitionCommand)
  })

  it('decides by the target status, not by the wording of the refusal', async () => {
    inactiveTarget()
    ecs
      .on(UpdateServiceCommand, { taskDefinition: GOOD })
      .rejects(refusal('The revision cannot be used'))
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [steadyOn(BAD, 'ecs-svc/9')] })
      .resolves({ services: [steadyOn(COPY, 'ecs-svc/12')] })
    const result = await rollbackService(options(), deps())
    expect(result).toMatchObject({ status: 'rolled-back', toTaskDefinitionArn: COPY })
  })

  it('says the service was not changed when the update to the registered copy fails', async () => {
    inactiveTarget()
    ecs.on(UpdateServiceCommand, { taskDefinition: COPY }).rejects(refusal('Service is draining'))
    ecs.on(DescribeServicesCommand).resolves({ services: [steadyOn(BAD, 'ecs-svc/9')] })
    await expect(rollbackService(options(), deps())).rejects.toThrow(
      'api:7 was INACTIVE and was registered again as api:12, but UpdateService to api:12 failed: Service is draining. The service was not changed; api:12 is left registered (ACTIVE).'
    )
  })
})

describe('rollbackService: cancelled before the write', () => {
  it('asks nothing of ECS once cancelled, and says the service was not changed', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [steadyOn(BAD, 'ecs-svc/9')] })
    const controller = new AbortController()
    controller.abort()
    const requests: unknown[] = []
    const result = await rollbackService(
      options({ onRequested: request => requests.push(request) }),
      { ...deps(), signal: controller.signal }
    )
    expect(result).toEqual({
      status: 'cancelled',
      fromTaskDefinitionArn: BAD,
      toTaskDefinitionArn: GOOD,
      reason:
        'cancelled before the rollback was requested; api was not changed and still runs api:9'
    })
    expect(requests).toEqual([])
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
    expect(ecs).not.toHaveReceivedCommand(StopServiceDeploymentCommand)
  })

  it('sends no StopServiceDeployment when cancelled while reading the deployment in progress', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
    const controller = new AbortController()
    ecs.on(DescribeServiceDeploymentsCommand).callsFake(() => {
      controller.abort()
      return {
        serviceDeployments: [
          {
            serviceDeploymentArn: SD_ARN,
            status: 'IN_PROGRESS',
            sourceServiceRevisions: [{ arn: 'rev-a' }]
          }
        ]
      }
    })
    ecs
      .on(DescribeServiceRevisionsCommand)
      .resolves({ serviceRevisions: [{ serviceRevisionArn: 'rev-a', taskDefinition: GOOD }] })

    const result = await rollbackService(options({ serviceDeploymentArn: SD_ARN }), {
      ...deps(),
      signal: controller.signal
    })

    expect(result).toMatchObject({ status: 'cancelled' })
    expect(result.method).toBeUndefined()
    expect(ecs).not.toHaveReceivedCommand(StopServiceDeploymentCommand)
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
  })

  it('does not roll back after a cancelled wait for the deployment in progress', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(BAD, 'ecs-svc/9', tdArn('api', 8), 'ecs-svc/8')] })
      .resolves({ services: [rollingOut(BAD, 'ecs-svc/9', tdArn('api', 8), 'ecs-svc/8')] })
    const controller = new AbortController()
    const sleep = clock.sleep.bind(clock)
    clock.sleep = (ms: number, signal?: AbortSignal) => {
      controller.abort()
      return sleep(ms, signal)
    }
    const result = await rollbackService(options({ stopInProgress: false }), {
      ...deps(),
      signal: controller.signal
    })
    expect(result.status).toBe('cancelled')
    expect(result.method).toBeUndefined()
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand)
  })
})

describe('rollbackService: StopServiceDeployment without a watch', () => {
  function stoppableDeployment() {
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          serviceDeploymentArn: SD_ARN,
          status: 'IN_PROGRESS',
          sourceServiceRevisions: [{ arn: 'rev-a' }]
        }
      ]
    })
    ecs
      .on(DescribeServiceRevisionsCommand)
      .resolves({ serviceRevisions: [{ serviceRevisionArn: 'rev-a', taskDefinition: GOOD }] })
    ecs.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: SD_ARN })
  }

  it('with wait false returns started as soon as ECS accepted the stop, recorded once', async () => {
    stoppableDeployment()
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
    const requests: unknown[] = []
    const result = await rollbackService(
      options({
        serviceDeploymentArn: SD_ARN,
        wait: false,
        onRequested: request => requests.push(request)
      }),
      deps()
    )
    expect(result).toEqual({
      status: 'started',
      fromTaskDefinitionArn: BAD,
      toTaskDefinitionArn: GOOD,
      method: 'stop-service-deployment'
    })
    expect(requests).toEqual([
      { fromTaskDefinitionArn: BAD, toTaskDefinitionArn: GOOD, method: 'stop-service-deployment' }
    ])
    // Not one look for ECS's rollback deployment.
    expect(ecs).toHaveReceivedCommandTimes(DescribeServicesCommand, 1)
  })

  const awsError = (name: string, message: string, status: number) =>
    Object.assign(new Error(message), {
      name,
      $metadata: { httpStatusCode: status },
      ...(status >= 500 && { $fault: 'server' })
    })

  it('waits for ECS rollback deployment through an AWS outage shorter than the time left', async () => {
    stoppableDeployment()
    const unavailable = awsError('ServiceUnavailableException', 'Service unavailable', 503)
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
      .rejectsOnce(unavailable)
      .rejectsOnce(unavailable)
      .resolvesOnce({ services: [rollingOut(GOOD, 'ecs-svc/11', BAD, 'ecs-svc/9')] })
      .resolves({ services: [steadyOn(GOOD, 'ecs-svc/11')] })
    const result = await rollbackService(options({ serviceDeploymentArn: SD_ARN }), deps())
    expect(result).toMatchObject({ status: 'rolled-back', deploymentId: 'ecs-svc/11' })
    expect(log.text()).toContain(
      'AWS DescribeServices failed (Service unavailable); still waiting for the rollback deployment of api'
    )
  })

  it('ends the wait for ECS rollback deployment at once on an error that will not heal, naming it', async () => {
    stoppableDeployment()
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
      .rejects(
        awsError('AccessDeniedException', 'not authorized to perform ecs:DescribeServices', 400)
      )
    const result = await rollbackService(options({ serviceDeploymentArn: SD_ARN }), deps())
    expect(result).toMatchObject({
      status: 'failed',
      method: 'stop-service-deployment',
      reason:
        'ECS accepted the stop, but its rollback deployment of api:7 could not be found: AWS DescribeServices failed: not authorized to perform ecs:DescribeServices'
    })
    expect(clock.sleeps).toEqual([])
  })

  it('names the outage when ECS rollback deployment is not seen by the deadline', async () => {
    stoppableDeployment()
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
      .rejects(awsError('InternalServerError', 'Internal error', 500))
    const result = await rollbackService(
      options({ serviceDeploymentArn: SD_ARN, timeoutMs: 20_000 }),
      deps()
    )
    expect(result.status).toBe('failed')
    expect(result.reason).toBe(
      'ECS accepted the stop, but its rollback deployment of api:7 could not be found: AWS had been failing for 20s; last error: AWS DescribeServices: Internal error'
    )
  })

  it('ends the wait for ECS rollback deployment when the service is gone', async () => {
    stoppableDeployment()
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
      .resolves({ services: [], failures: [{ arn: 'api', reason: 'MISSING' }] })
    const result = await rollbackService(options({ serviceDeploymentArn: SD_ARN }), deps())
    expect(result.reason).toBe(
      `ECS accepted the stop, but its rollback deployment of api:7 could not be found: api is no longer in cluster ${CLUSTER}`
    )
  })

  it('cancelled while looking for ECS rollback deployment: cancelled, ECS carries on', async () => {
    stoppableDeployment()
    // ECS never shows the rollback deployment, and one look fails.
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
      // What Node throws for a connection closed mid-answer: an error that heals.
      .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .resolves({ services: [rollingOut(BAD, 'ecs-svc/9', GOOD, 'ecs-svc/8')] })
    const controller = new AbortController()
    const sleep = clock.sleep.bind(clock)
    const signals: (AbortSignal | undefined)[] = []
    clock.sleep = (ms: number, signal?: AbortSignal) => {
      signals.push(signal)
      if (signals.length === 2) controller.abort()
      return sleep(ms, signal)
    }
    const result = await rollbackService(options({ serviceDeploymentArn: SD_ARN }), {
      ...deps(),
      signal: controller.signal
    })
    expect(result).toMatchObject({
      status: 'cancelled',
      method: 'stop-service-deployment',
      reason: 'the run was cancelled; ECS carries on rolling api back to api:7'
    })
    expect(signals).toEqual([controller.signal, controller.signal])
  })
})

describe('rollbackService: AWS failing during the watch', () => {
  it('reports the accepted rollback as failed with what was seen, not as a thrown error', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [steadyOn(BAD, 'ecs-svc/9')] })
      .rejects(Object.assign(new Error('Internal failure'), { name: 'ServerException' }))
    ecs.on(UpdateServiceCommand).resolves({ service: rollingOut(GOOD, 'ecs-svc/10') })
    const result = await rollbackService(options(), deps())
    expect(result).toMatchObject({
      status: 'failed',
      method: 'update-service',
      deploymentId: 'ecs-svc/10'
    })
    expect(result.reason).toMatch(/^rollback to api:7 timed-out: /)
  })
})

describe('rollbackService: wait and cancellation', () => {
  it('with wait false returns started once ECS accepted the update, without watching', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [steadyOn(BAD, 'ecs-svc/9')] })
    ecs.on(UpdateServiceCommand).resolves({ service: rollingOut(GOOD, 'ecs-svc/10') })
    const result = await rollbackService(options({ wait: false }), deps())
    expect(result).toEqual({
      status: 'started',
      fromTaskDefinitionArn: BAD,
      toTaskDefinitionArn: GOOD,
      deploymentId: 'ecs-svc/10',
      method: 'update-service'
    })
    // Only the update: no poll after it.
    expect(ecs).toHaveReceivedCommandTimes(DescribeServicesCommand, 1)
    expect(log.text()).toContain('ECS accepted the rollback (deployment ecs-svc/10)')
  })

  it('reports cancelled, not failed, when the watch is cancelled: ECS carries on', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [steadyOn(BAD, 'ecs-svc/9')] })
      .resolves({
        services: [rollingOut(GOOD, 'ecs-svc/10')]
      })
    const controller = new AbortController()
    // The runner's SIGINT arrives right after ECS accepted the rollback.
    ecs.on(UpdateServiceCommand).callsFake(() => {
      controller.abort()
      return { service: rollingOut(GOOD, 'ecs-svc/10') }
    })
    const result = await rollbackService(options(), { ...deps(), signal: controller.signal })
    expect(result).toMatchObject({
      status: 'cancelled',
      toTaskDefinitionArn: GOOD,
      deploymentId: 'ecs-svc/10',
      reason: 'the run was cancelled; ECS carries on rolling api back to api:7'
    })
  })
})

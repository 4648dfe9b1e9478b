import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand,
  StopTaskCommand,
  type Task
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { FakeClock, isConfigurationError, MemoryLogger } from '@fargate-promote/common'
import {
  choosePreDeployContainer,
  PreDeployError,
  runPreDeployTask
} from '../src/deploy/pre-deploy.js'
import { CLUSTER, service, taskDefinition, tdArn } from './deploy-fixtures.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'eu-west-1' })
const TASK = 'arn:aws:ecs:eu-west-1:123456789012:task/prod/0123456789abcdef0123456789abcdef'
const NEW = tdArn('api', 8)

function stopped(overrides: Partial<Task> = {}): Task {
  return {
    taskArn: TASK,
    lastStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [
      { name: 'web', exitCode: 0, lastStatus: 'STOPPED' },
      { name: 'migrate-helper', exitCode: 1, lastStatus: 'STOPPED' }
    ],
    ...overrides
  }
}

function options(
  overrides: Partial<Parameters<typeof runPreDeployTask>[0]> = {}
): Parameters<typeof runPreDeployTask>[0] {
  return {
    cluster: CLUSTER,
    service: service('api'),
    taskDefinitionArn: NEW,
    command: ['npm', 'run', 'migrate'],
    timeoutMs: 60_000,
    pollIntervalMs: 5_000,
    ...overrides
  }
}

let clock: FakeClock
let log: MemoryLogger

beforeEach(() => {
  ecs.reset()
  clock = new FakeClock()
  log = new MemoryLogger()
  ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition('api', 8) })
  ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK, lastStatus: 'PROVISIONING' }] })
})

describe('runPreDeployTask', () => {
  it('runs the command in the first essential container of the new revision and waits for exit 0', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ taskArn: TASK, lastStatus: 'PENDING' }] })
      .resolvesOnce({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] })
      .resolves({ tasks: [stopped()] })
    const started = clock.now()

    const result = await runPreDeployTask(options(), { ecs: client, clock, log })

    expect(result).toEqual({
      taskArn: TASK,
      container: 'web',
      exitCode: 0,
      startedAt: started,
      finishedAt: started + 10_000
    })
    expect(ecs).toHaveReceivedCommandWith(RunTaskCommand, {
      cluster: CLUSTER,
      taskDefinition: NEW,
      count: 1,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      startedBy: 'fargate-promote/pre-deploy',
      networkConfiguration: service('api').networkConfiguration,
      overrides: { containerOverrides: [{ name: 'web', command: ['npm', 'run', 'migrate'] }] }
    })
    expect(ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { cluster: CLUSTER, tasks: [TASK] })
    expect(ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 3)
    expect(clock.sleeps).toEqual([5_000, 5_000])
    expect(ecs).not.toHaveReceivedCommand(StopTaskCommand)
    expect(log.text()).toContain(
      'Pre-deploy task 0123456789abcdef0123456789abcdef succeeded in 10s'
    )
  })

  it('never logs the command nor repeats it in an error: it may carry credentials', async () => {
    const secret = 'DATABASE_URL=postgres://u:pw@db.internal/app migrate'
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        stopped({
          stoppedReason: `CannotStartContainerError: exec: "${secret}": not found`,
          containers: [
            {
              name: 'web',
              exitCode: 127,
              reason: `sh -c ${secret}: command not found`
            }
          ]
        })
      ]
    })
    const error = await runPreDeployTask(options({ command: ['sh', '-c', secret] }), {
      ecs: client,
      clock,
      log
    }).then(
      () => {
        throw new Error('expected a failure')
      },
      (e: unknown) => e as PreDeployError
    )
    expect(log.text()).toContain(
      "Running pre-deploy task from api:8 in container 'web' (command of 3 arguments)"
    )
    expect(error).toBeInstanceOf(PreDeployError)
    expect(error.message).toContain("container 'web' exited with code 127")
    for (const text of [log.text(), error.message]) {
      expect(text).not.toContain('pw@')
      expect(text).not.toContain('postgres://')
    }
    expect(error.message).toContain('[command]')
  })

  it("uses the service's capacity provider strategy and given containers, without describing the revision", async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [stopped()] })
    const strategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]
    await runPreDeployTask(
      options({
        service: service('api', {
          launchType: undefined,
          capacityProviderStrategy: strategy,
          platformVersion: undefined
        }),
        container: 'web',
        containerDefinitions: taskDefinition('api', 8).containerDefinitions!
      }),
      { ecs: client, clock, log }
    )
    const input = ecs.commandCalls(RunTaskCommand)[0]!.args[0].input
    expect(input.capacityProviderStrategy).toEqual(strategy)
    expect(input).not.toHaveProperty('launchType')
    expect(input).not.toHaveProperty('platformVersion')
    expect(ecs).not.toHaveReceivedCommand(DescribeTaskDefinitionCommand)
  })

  it.each<[string, Partial<Task>, string]>([
    [
      'a non-zero exit code',
      { containers: [{ name: 'web', exitCode: 3, reason: undefined }] },
      "container 'web' exited with code 3; task stopped: Essential container in task exited (EssentialContainerExited)"
    ],
    [
      'an OOM kill',
      {
        containers: [
          {
            name: 'web',
            exitCode: 137,
            reason: 'OutOfMemoryError: Container killed due to memory usage'
          }
        ]
      },
      "container 'web' exited with code 137 (OutOfMemoryError: Container killed due to memory usage); task stopped: Essential container in task exited (EssentialContainerExited)"
    ],
    [
      'an image that cannot be pulled',
      {
        stopCode: 'TaskFailedToStart',
        stoppedReason:
          'CannotPullContainerError: pull image manifest has been retried 1 time(s): not found',
        containers: [{ name: 'web', lastStatus: 'STOPPED' }]
      },
      "container 'web' did not exit normally (no exit code); task stopped: CannotPullContainerError: pull image manifest has been retried 1 time(s): not found (TaskFailedToStart)"
    ],
    [
      'a missing container',
      { stopCode: undefined, stoppedReason: undefined, containers: undefined },
      "container 'web' never ran; task stopped: no reason given"
    ]
  ])('fails on %s, naming container, exit code and stopped reason', async (_why, task, message) => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [stopped(task)] })
    const error = await runPreDeployTask(options(), { ecs: client, clock, log }).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(PreDeployError)
    expect((error as Error).message).toBe(
      `pre-deploy task 0123456789abcdef0123456789abcdef failed: ${message}`
    )
    expect((error as PreDeployError).taskArn).toBe(TASK)
    expect(ecs).not.toHaveReceivedCommand(StopTaskCommand)
  })

  it('fails when RunTask reports a failure', async () => {
    ecs
      .on(RunTaskCommand)
      .resolves({ tasks: [], failures: [{ reason: 'RESOURCE:ENI', detail: 'no free IPs' }] })
    const error = await runPreDeployTask(options(), { ecs: client, clock, log }).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(PreDeployError)
    expect((error as Error).message).toBe(
      'pre-deploy task could not be started: RESOURCE:ENI (no free IPs)'
    )
    expect(ecs).not.toHaveReceivedCommand(DescribeTasksCommand)
  })

  it.each([
    [{ tasks: [], failures: [{}] }, 'unknown reason'],
    [{}, 'RunTask returned no task']
  ])('fails when RunTask starts nothing: %j', async (answer, message) => {
    ecs.on(RunTaskCommand).resolves(answer)
    await expect(runPreDeployTask(options(), { ecs: client, clock, log })).rejects.toThrow(message)
  })

  it('stops the task and fails at the deadline', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] })
    const started = clock.now()
    const error = await runPreDeployTask(options({ timeoutMs: 12_000 }), {
      ecs: client,
      clock,
      log
    }).catch((e: unknown) => e)
    expect((error as Error).message).toBe(
      'pre-deploy task 0123456789abcdef0123456789abcdef did not finish within 12s; it was stopped and nothing was deployed.'
    )
    expect(clock.now() - started).toBe(12_000)
    expect(clock.sleeps).toEqual([5_000, 5_000, 2_000])
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, {
      cluster: CLUSTER,
      task: TASK,
      reason: 'fargate-promote: pre-deploy task did not finish within 12s'
    })
  })

  it('cancelled while the task runs: the wait ends, the task is left to finish, nothing is deployed', async () => {
    const controller = new AbortController()
    ecs.on(DescribeTasksCommand).callsFake(() => {
      controller.abort()
      return { tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] }
    })
    const error = await runPreDeployTask(options(), {
      ecs: client,
      clock,
      log,
      signal: controller.signal
    }).catch((e: unknown) => e)
    expect((error as Error).message).toContain(
      'cancelled while pre-deploy task 0123456789abcdef0123456789abcdef ran; it was left running to finish on its own'
    )
    expect(ecs).not.toHaveReceivedCommand(StopTaskCommand)

    // Cancelled before it started: no task at all.
    ecs.resetHistory()
    const before = await runPreDeployTask(options(), {
      ecs: client,
      clock,
      log,
      signal: AbortSignal.abort()
    }).catch((e: unknown) => e)
    expect((before as Error).message).toBe(
      'cancelled before the pre-deploy task was started; nothing was deployed.'
    )
    expect(ecs).not.toHaveReceivedCommand(RunTaskCommand)
  })

  const named = (name: string, message: string, status?: number) =>
    Object.assign(new Error(message), {
      name,
      ...(status !== undefined && { $metadata: { httpStatusCode: status } }),
      ...(status !== undefined && status >= 500 && { $fault: 'server' })
    })

  it('waits through an AWS outage shorter than the time left, then reads the stopped task', async () => {
    const unavailable = named('ServiceUnavailableException', 'Service unavailable', 503)
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] })
      .rejectsOnce(unavailable)
      .rejectsOnce(unavailable)
      .rejectsOnce(unavailable)
      .resolves({ tasks: [stopped()] })
    const result = await runPreDeployTask(options({ timeoutMs: 120_000 }), {
      ecs: client,
      clock,
      log
    })
    expect(result.exitCode).toBe(0)
    // Backing off while AWS fails: 5 s, 10 s, 20 s (cut in two by the heartbeat line at 30 s).
    expect(clock.sleeps).toEqual([5_000, 5_000, 10_000, 10_000, 10_000])
    expect(log.text()).toContain(
      'AWS DescribeTasks failed (Service unavailable); still waiting for pre-deploy task 0123456789abcdef0123456789abcdef, deadline in'
    )
    expect(ecs).not.toHaveReceivedCommand(StopTaskCommand)
  })

  it('stops the task at the deadline of an outage, naming how long AWS failed', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] })
      .rejects(named('InternalServerError', 'Internal error', 500))
    const error = await runPreDeployTask(options({ timeoutMs: 30_000 }), {
      ecs: client,
      clock,
      log
    }).catch((e: unknown) => e)
    expect((error as Error).message).toBe(
      'pre-deploy task 0123456789abcdef0123456789abcdef did not finish within 30s (AWS had been failing for 25s; last error: AWS DescribeTasks: Internal error); it was stopped and nothing was deployed.'
    )
    expect(ecs).toHaveReceivedCommand(StopTaskCommand)
  })

  it('says the task may still run when stopping it at the deadline fails', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] })
    ecs.on(StopTaskCommand).rejects(named('InternalServerError', 'Internal error', 500))
    const error = await runPreDeployTask(options({ timeoutMs: 10_000 }), {
      ecs: client,
      clock,
      log
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PreDeployError)
    expect((error as Error).message).toBe(
      'pre-deploy task 0123456789abcdef0123456789abcdef did not finish within 10s; stopping it failed (Internal error), so it may still be running; nothing was deployed.'
    )
  })

  it('ends the wait at once on an AWS error that will not heal, naming it', async () => {
    ecs
      .on(DescribeTasksCommand)
      .rejects(named('AccessDeniedException', 'not authorized to perform ecs:DescribeTasks', 400))
    const error = await runPreDeployTask(options(), { ecs: client, clock, log }).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(PreDeployError)
    expect((error as PreDeployError).taskArn).toBe(TASK)
    expect((error as Error).message).toBe(
      'pre-deploy task 0123456789abcdef0123456789abcdef could not be watched: AWS DescribeTasks failed: not authorized to perform ecs:DescribeTasks; it may still be running, and nothing was deployed.'
    )
    expect(clock.sleeps).toEqual([])
  })

  it('refuses an unknown container, listing the real ones, before running anything', async () => {
    const error = await runPreDeployTask(options({ container: 'db' }), {
      ecs: client,
      clock,
      log
    }).catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toBe(
      "Input 'pre-deploy-container': 'db' is not a container of the task definition. Its containers are: 'web', 'migrate-helper'."
    )
    expect(ecs).not.toHaveReceivedCommand(RunTaskCommand)
  })

  it('refuses an empty command before calling AWS', async () => {
    const error = await runPreDeployTask(options({ command: [] }), {
      ecs: client,
      clock,
      log
    }).catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect(ecs.calls()).toHaveLength(0)
  })
})

describe('choosePreDeployContainer', () => {
  it('skips non-essential containers and refuses when none is essential', () => {
    expect(
      choosePreDeployContainer([{ name: 'a', essential: false }, { name: 'b' }], undefined)
    ).toBe('b')
    expect(() => choosePreDeployContainer([{ name: 'a', essential: false }], undefined)).toThrow(
      'has no essential container'
    )
  })
})

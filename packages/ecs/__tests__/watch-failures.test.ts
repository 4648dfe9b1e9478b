import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand
} from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { watchRollout } from '../src/watch/watch.js'
import {
  at,
  CLUSTER,
  crashedTask,
  deployment,
  describeServicesSequence,
  event,
  NEW,
  OLD,
  oldActive,
  oomTask,
  OTHER,
  ROLLBACK,
  service,
  T0,
  TASK_A,
  TASK_B,
  taskArn,
  TD_OLD,
  TD_OTHER,
  watchDeps,
  watchOptions
} from './watch-fixtures.js'

const ecsMock = mockClient(ECSClient)
const elbMock = mockClient(ElasticLoadBalancingV2Client)

beforeEach(() => {
  ecsMock.reset()
  elbMock.reset()
})

const CIRCUIT_BREAKER = 'ECS deployment circuit breaker: tasks failed to start.'
const ROLLING_BACK_REASON = `ECS deployment circuit breaker: rolling back to deploymentId ${OLD}.`
const FAILED_EVENT = event(
  'f1',
  19,
  `(service web) (deployment ${NEW}) deployment failed: tasks failed to start.`
)
const ROLLING_BACK_EVENT = event('f2', 19.001, `(service web) rolling back to deployment ${OLD}.`)
const ROLLBACK_DONE = event('f3', 28, `(service web) (deployment ${OLD}) deployment completed.`)
const STEADY = event('f4', 28, '(service web) has reached a steady state.')
const newest = (...events: ReturnType<typeof event>[]) => [...events].reverse()

const ours = (fields: Partial<ReturnType<typeof deployment>> = {}) =>
  deployment({ id: NEW, desiredCount: 1, ...fields })
const rollbackPrimary = (fields: Partial<ReturnType<typeof deployment>> = {}) =>
  deployment({
    id: ROLLBACK,
    taskDefinition: TD_OLD,
    desiredCount: 1,
    rolloutStateReason: ROLLING_BACK_REASON,
    createdAt: at(19),
    ...fields
  })
const failedOurs = (fields: Partial<ReturnType<typeof deployment>> = {}) =>
  ours({
    status: 'ACTIVE',
    failedTasks: 3,
    rolloutState: 'FAILED',
    rolloutStateReason: CIRCUIT_BREAKER,
    ...fields
  })

/** Field sequence (desired 1, bad release): failedTasks 1, 2, 3, then FAILED and a rollback. */
function circuitBreakerRollback() {
  const old = () => oldActive(1)
  return [
    [service({ deployments: [ours({ pendingCount: 1 }), old()] })],
    [service({ deployments: [ours({ failedTasks: 1 }), old()] })],
    [service({ deployments: [ours({ failedTasks: 2 }), old()] })],
    [service({ deployments: [ours({ failedTasks: 2, pendingCount: 1 }), old()] })],
    [
      service({
        events: newest(FAILED_EVENT, ROLLING_BACK_EVENT),
        deployments: [rollbackPrimary({ runningCount: 0, pendingCount: 1 }), failedOurs(), old()]
      })
    ],
    [
      service({
        events: newest(FAILED_EVENT, ROLLING_BACK_EVENT),
        deployments: [rollbackPrimary({ runningCount: 1 }), old()]
      })
    ],
    [
      service({
        events: newest(FAILED_EVENT, ROLLING_BACK_EVENT, ROLLBACK_DONE, STEADY),
        deployments: [
          rollbackPrimary({
            runningCount: 1,
            rolloutState: 'COMPLETED',
            rolloutStateReason: `ECS deployment ${ROLLBACK} completed.`
          })
        ]
      })
    ]
  ]
}

function mockStoppedTasks() {
  ecsMock
    .on(ListTasksCommand, { desiredStatus: 'STOPPED' })
    .resolvesOnce({ taskArns: [taskArn(TASK_A)] })
    .resolves({ taskArns: [taskArn(TASK_A), taskArn(TASK_B)] })
    .on(DescribeTasksCommand, { tasks: [taskArn(TASK_A)] })
    .resolves({ tasks: [crashedTask(TASK_A)] })
    .on(DescribeTasksCommand, { tasks: [taskArn(TASK_B)] })
    .resolves({ tasks: [{ ...oomTask(TASK_B), stoppedAt: at(35) }] })
}

const CRASH = `task ${TASK_A} stopped: Essential container in task exited (EssentialContainerExited); container web exited with code 1`
const OOM = `task ${TASK_B} stopped: Essential container in task exited (EssentialContainerExited); container web exited with code 137: OutOfMemoryError: Container killed due to memory usage`

describe('watchRollout: ECS rolled our deployment back', () => {
  it('reports the circuit-breaker rollback as rolled-back, never succeeded, although the service ends COMPLETED and stable', async () => {
    describeServicesSequence(ecsMock, ...circuitBreakerRollback())
    mockStoppedTasks()
    const { log, deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)

    expect(result?.outcome).toBe('rolled-back')
    expect(result?.reason).toBe(
      `ECS rolled back deployment ${NEW} (web:42) to deployment ${OLD} (task definition web:41): ` +
        `ECS deployment circuit breaker: tasks failed to start; 3 tasks failed; ${OOM}`
    )
    expect(result?.rollback).toEqual({
      deploymentId: ROLLBACK,
      taskDefinitionArn: TD_OLD,
      outcome: 'succeeded',
      reason: `rollback deployment ${ROLLBACK} completed with 1/1 tasks running`
    })
    expect(result).toMatchObject({
      rolloutState: 'FAILED',
      rolloutStateReason: CIRCUIT_BREAKER,
      failedTasks: 3,
      polls: 7,
      finishedAt: T0 + 30_000
    })
    expect(result?.stoppedTasks.map(task => task.taskId)).toEqual([TASK_A, TASK_B])
    expect(result?.events.map(e => e.id)).toEqual(['f1', 'f2', 'f3', 'f4'])
    expect(log.lines.filter(line => line.level === 'warning').map(line => line.message)).toEqual([
      `web: ${CRASH}`,
      `web: ${OOM}`,
      `web: rolled-back: ${result?.reason}`
    ])
    expect(log.text()).toContain(
      `web: rollback succeeded: rollback deployment ${ROLLBACK} completed`
    )
    expect(log.text()).toContain('web: rollback IN_PROGRESS 0/1 running, 1 pending')
  })

  it('asks only for stopped tasks of our deployment and describes each stopped task once', async () => {
    describeServicesSequence(ecsMock, ...circuitBreakerRollback())
    mockStoppedTasks()
    const { deps } = watchDeps()
    await watchRollout(watchOptions(), deps)
    // failedTasks 1 at 5 s; the rise to 2 at 10 s waits for the 15 s gap; the FAILED verdict at 20 s.
    expect(ecsMock.commandCalls(ListTasksCommand).map(call => call.args[0].input)).toEqual([
      { cluster: CLUSTER, startedBy: NEW, desiredStatus: 'STOPPED', nextToken: undefined },
      { cluster: CLUSTER, startedBy: NEW, desiredStatus: 'STOPPED', nextToken: undefined }
    ])
    expect(ecsMock.commandCalls(DescribeTasksCommand).map(call => call.args[0].input)).toEqual([
      { cluster: CLUSTER, tasks: [taskArn(TASK_A)] },
      { cluster: CLUSTER, tasks: [taskArn(TASK_B)] }
    ])
  })

  it('recognises a rollback that happened before the watch started from the events AWS keeps', async () => {
    describeServicesSequence(ecsMock, circuitBreakerRollback()[6] as never)
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions({ followRollback: false }), deps)
    expect(result?.outcome).toBe('rolled-back')
    expect(result?.reason).toBe(
      `ECS rolled back deployment ${NEW} (web:42) to deployment ${OLD} (task definition web:41): tasks failed to start`
    )
    expect(result?.rollback?.outcome).toBe('succeeded')
    expect(result?.events).toEqual([])
    expect(result?.polls).toBe(1)
    expect(ecsMock).not.toHaveReceivedCommand(DescribeTasksCommand)
  })

  it('without followRollback, stops at the rollback and says it was not followed', async () => {
    describeServicesSequence(ecsMock, ...circuitBreakerRollback().slice(4))
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions({ followRollback: false }), deps)
    expect(result?.outcome).toBe('rolled-back')
    expect(result?.rollback).toEqual({
      deploymentId: ROLLBACK,
      taskDefinitionArn: TD_OLD,
      outcome: 'timed-out',
      reason:
        'not followed (followRollback is off); it was IN_PROGRESS with 0/1 tasks running, 1 pending'
    })
    expect(result?.polls).toBe(1)
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeServicesCommand, 1)
  })

  it('names the alarms of an alarm rollback', async () => {
    const alarmFailed = event(
      'a1',
      40,
      `(service web) (deployment ${NEW}) deployment failed: alarm detected.`
    )
    const rollingBack = event('a2', 40, `(service web) rolling back to deployment ${OLD}.`)
    const deploymentConfiguration = {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      alarms: { alarmNames: ['web-5xx', 'web-p99-latency'], enable: true, rollback: true }
    }
    const reused = (fields: Partial<ReturnType<typeof deployment>>) =>
      deployment({
        id: OLD,
        desiredCount: 2,
        createdAt: at(40),
        rolloutStateReason: undefined,
        ...fields
      })
    describeServicesSequence(
      ecsMock,
      [
        service({
          deploymentConfiguration,
          deployments: [deployment({ id: NEW, runningCount: 2 })]
        })
      ],
      [
        service({
          deploymentConfiguration,
          events: newest(alarmFailed, rollingBack),
          deployments: [reused({ runningCount: 0, pendingCount: 2 })]
        })
      ],
      [
        service({
          deploymentConfiguration,
          events: newest(alarmFailed, rollingBack),
          deployments: [reused({ runningCount: 2, rolloutState: 'COMPLETED' })]
        })
      ]
    )
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('rolled-back')
    expect(result?.reason).toBe(
      `ECS rolled back deployment ${NEW} (web:42) to deployment ${OLD} (task definition web:41): ` +
        'alarm detected (deployment alarms: web-5xx, web-p99-latency)'
    )
    expect(result?.rollback).toMatchObject({ deploymentId: OLD, outcome: 'succeeded' })
    expect(ecsMock).not.toHaveReceivedCommand(DescribeTasksCommand)
  })

  it.each([
    [
      'the rollback fails',
      [
        service({
          deployments: [
            rollbackPrimary({ rolloutState: 'FAILED', rolloutStateReason: CIRCUIT_BREAKER })
          ]
        })
      ],
      'failed',
      `rollback deployment ${ROLLBACK} failed: ECS deployment circuit breaker: tasks failed to start`
    ],
    [
      'the rollback is superseded',
      [service({ deployments: [deployment({ id: OTHER, taskDefinition: TD_OTHER })] })],
      'failed',
      `rollback deployment ${ROLLBACK} is no longer among the service's deployments: superseded by deployment ${OTHER}`
    ],
    [
      'the rollback deployment vanishes with no PRIMARY left',
      [service({ deployments: [] })],
      'failed',
      `rollback deployment ${ROLLBACK} is no longer among the service's deployments`
    ]
  ])('follows the rollback until %s', async (_name, last, outcome, reason) => {
    describeServicesSequence(ecsMock, ...circuitBreakerRollback().slice(4, 5), last)
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('rolled-back')
    expect(result?.rollback).toMatchObject({ outcome, reason })
  })

  it('ends following the rollback when the service disappears, keeping the rolled-back verdict', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: circuitBreakerRollback()[4] })
      .resolves({
        failures: [
          { arn: `arn:aws:ecs:eu-west-1:123456789012:service/${CLUSTER}/web`, reason: 'MISSING' }
        ]
      })
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('rolled-back')
    expect(result?.rollback).toMatchObject({
      outcome: 'failed',
      reason: `service web was not found in cluster ${CLUSTER} (DescribeServices reports it MISSING)`
    })
    expect(result?.polls).toBe(2)
  })

  it('gives up following a rollback at the deadline', async () => {
    describeServicesSequence(ecsMock, ...circuitBreakerRollback().slice(4, 5))
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions({ timeoutMs: 20_000 }), deps)
    expect(result?.outcome).toBe('rolled-back')
    expect(result?.rollback).toMatchObject({
      outcome: 'timed-out',
      reason: `timed out after 20s: rollback deployment ${ROLLBACK} was IN_PROGRESS with 0/1 tasks running, 1 pending`
    })
    expect(result?.finishedAt).toBe(T0 + 20_000)
  })
})

describe('watchRollout: failed deployments', () => {
  it('fails a FAILED deployment that ECS did not roll back, with the OOM evidence', async () => {
    const noRollback = { deploymentCircuitBreaker: { enable: true, rollback: false } }
    describeServicesSequence(ecsMock, [
      service({
        deploymentConfiguration: noRollback,
        deployments: [failedOurs({ status: 'PRIMARY' })]
      })
    ])
    ecsMock
      .on(ListTasksCommand)
      .resolves({ taskArns: [taskArn(TASK_B)] })
      .on(DescribeTasksCommand)
      .resolves({ tasks: [oomTask(TASK_B)] })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('failed')
    expect(result?.reason).toBe(
      `deployment ${NEW} (web:42) failed and ECS did not roll it back: ECS deployment circuit breaker: tasks failed to start; 3 tasks failed; ${OOM}`
    )
    expect(result?.rollback).toBeUndefined()
    expect(result?.polls).toBe(1)
  })

  it('gives a configured rollback one more poll before calling the failure final', async () => {
    describeServicesSequence(ecsMock, [
      service({ deployments: [failedOurs({ status: 'PRIMARY', failedTasks: 0 })] })
    ])
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('failed')
    expect(result?.polls).toBe(2)
    expect(result?.reason).toBe(
      `deployment ${NEW} (web:42) failed and ECS did not roll it back: ECS deployment circuit breaker: tasks failed to start`
    )
  })

  it('says which deployment is PRIMARY after a failure without rollback', async () => {
    describeServicesSequence(ecsMock, [
      service({
        deploymentConfiguration: {},
        deployments: [
          deployment({ id: OTHER, taskDefinition: TD_OTHER }),
          failedOurs({ rolloutStateReason: undefined })
        ]
      })
    ])
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.reason).toBe(
      `deployment ${NEW} (web:42) failed and ECS did not roll it back: rolloutState FAILED; 3 tasks failed; deployment ${OTHER} is PRIMARY now`
    )
  })

  it('fails a deployment superseded by another one, naming it', async () => {
    describeServicesSequence(
      ecsMock,
      [service({ deployments: [ours({ pendingCount: 1 }), oldActive(1)] })],
      [
        service({
          deployments: [deployment({ id: OTHER, taskDefinition: TD_OTHER }), oldActive(1)]
        })
      ]
    )
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('failed')
    expect(result?.reason).toBe(
      `deployment ${NEW} is no longer among the service's deployments: it was superseded by deployment ${OTHER} (task definition web:43, IN_PROGRESS)`
    )
    expect(result?.polls).toBe(2)
    expect(ecsMock).not.toHaveReceivedCommand(ListTasksCommand)
  })

  it('fails a vanished deployment whose failure event is still there, without rollback', async () => {
    describeServicesSequence(
      ecsMock,
      [service({ deployments: [ours({ pendingCount: 1 })] })],
      [
        service({
          events: [FAILED_EVENT],
          deployments: [deployment({ id: OTHER, taskDefinition: TD_OTHER })]
        })
      ]
    )
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('failed')
    expect(result?.reason).toBe(`deployment ${NEW} failed: tasks failed to start`)
  })

  it.each([
    [
      'missing',
      {
        failures: [
          { arn: `arn:aws:ecs:eu-west-1:123456789012:service/${CLUSTER}/web`, reason: 'MISSING' }
        ]
      },
      `service web was not found in cluster ${CLUSTER} (DescribeServices reports it MISSING)`
    ],
    [
      'INACTIVE',
      { services: [service({ status: 'INACTIVE', deployments: [] })] },
      `service web is INACTIVE: it was deleted, so deployment ${NEW} cannot complete`
    ],
    [
      'DRAINING',
      { services: [service({ status: 'DRAINING', deployments: [ours()] })] },
      `service web is DRAINING: it is being deleted, so deployment ${NEW} cannot complete`
    ]
  ])('fails when the service is %s', async (_name, answer, reason) => {
    ecsMock.on(DescribeServicesCommand).resolves(answer)
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result).toMatchObject({ outcome: 'failed', reason, polls: 1, awsCalls: 1 })
  })
})

describe('watchRollout: cancelled while following ECS rollback', () => {
  it('ends the rollback observation as cancelled, with one line for the whole watch', async () => {
    describeServicesSequence(ecsMock, ...circuitBreakerRollback())
    mockStoppedTasks()
    const controller = new AbortController()
    const { log, deps } = watchDeps({ signal: controller.signal })
    // The runner's SIGINT once ECS has started rolling our deployment back (poll 5).
    const sleep = deps.clock.sleep.bind(deps.clock)
    let sleeps = 0
    deps.clock.sleep = (ms: number, signal?: AbortSignal) => {
      if (++sleeps === 5) controller.abort()
      return sleep(ms, signal)
    }
    const [result] = await watchRollout(watchOptions({ followRollback: true }), deps)
    expect(result?.rollback).toEqual({
      deploymentId: ROLLBACK,
      taskDefinitionArn: TD_OLD,
      outcome: 'timed-out',
      reason: 'cancelled'
    })
    const warnings = log.lines.filter(line => line.level === 'warning').map(line => line.message)
    expect(warnings).toContain('Rollout watch cancelled')
    expect(warnings.filter(message => message.includes('cancelled'))).toEqual([
      'Rollout watch cancelled'
    ])
  })
})

import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand
} from '@aws-sdk/client-ecs'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { watchRollout } from '../src/watch/watch.js'
import {
  CLUSTER,
  deployment,
  describeServicesSequence,
  event,
  health,
  infoLines,
  LB,
  NEW,
  OLD,
  oldActive,
  runningTask,
  service,
  T0,
  TASK_A,
  TASK_B,
  taskArn,
  TD_NEW,
  TD_OLD,
  TG,
  watchDeps,
  watchOptions
} from './watch-fixtures.js'

const ecsMock = mockClient(ECSClient)
const elbMock = mockClient(ElasticLoadBalancingV2Client)

beforeEach(() => {
  ecsMock.reset()
  elbMock.reset()
})

const STEADY = event('e0', -20, '(service web) has reached a steady state.')
const STARTED = event(
  'e1',
  2,
  `(service web) has started 2 tasks: (task ${TASK_A}) (task ${TASK_B}).`
)
const REGISTERED = event('e2', 8, `(service web) registered 2 targets in (target-group ${TG})`)
const STOPPED_OLD = event(
  'e3',
  12,
  '(service web) has stopped 2 running tasks: (task 9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4) (task 8d7c6b5a4f43e2d1c0b9a8f7e6d5c4b3).'
)
const COMPLETED = event('e4', 18, `(service web) (deployment ${NEW}) deployment completed.`)
const STEADY_AGAIN = event('e5', 18, '(service web) has reached a steady state.')

/** The Field sequence of a healthy rolling deployment of 2 tasks, one answer per poll. */
function healthyRollout(loadBalancers = [LB]) {
  const svc = (
    events: ReturnType<typeof event>[],
    ...deployments: ReturnType<typeof deployment>[]
  ) => service({ loadBalancers, deployments, events: [...events].reverse() })
  return [
    [svc([STEADY], deployment({ id: NEW, pendingCount: 2 }), oldActive())],
    [svc([STEADY, STARTED], deployment({ id: NEW, pendingCount: 2 }), oldActive())],
    [svc([STEADY, STARTED, REGISTERED], deployment({ id: NEW, runningCount: 2 }), oldActive())],
    [
      svc(
        [STEADY, STARTED, REGISTERED, STOPPED_OLD],
        deployment({ id: NEW, runningCount: 2 }),
        oldActive(0)
      )
    ],
    [
      svc(
        [STEADY, STARTED, REGISTERED, STOPPED_OLD, COMPLETED, STEADY_AGAIN],
        deployment({
          id: NEW,
          runningCount: 2,
          rolloutState: 'COMPLETED',
          rolloutStateReason: `ECS deployment ${NEW} completed.`
        })
      )
    ]
  ]
}

const ourTasks = [runningTask(TASK_A, '10.0.1.5'), runningTask(TASK_B, '10.0.1.6')]

function mockOurTasks() {
  ecsMock
    .on(ListTasksCommand)
    .resolves({ taskArns: ourTasks.map(task => task.taskArn as string) })
    .on(DescribeTasksCommand)
    .resolves({ tasks: ourTasks })
}

describe('watchRollout: a healthy rollout', () => {
  it('succeeds without a load balancer, streaming events and logging progress only on change', async () => {
    describeServicesSequence(ecsMock, ...healthyRollout([]))
    const { clock, log, deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)

    expect(result).toEqual({
      service: 'web',
      outcome: 'succeeded',
      reason: `deployment ${NEW} is PRIMARY and COMPLETED with 2/2 tasks running`,
      deploymentId: NEW,
      taskDefinitionArn: TD_NEW,
      desiredCount: 2,
      runningCount: 2,
      rolloutState: 'COMPLETED',
      rolloutStateReason: `ECS deployment ${NEW} completed.`,
      failedTasks: 0,
      events: [STARTED, REGISTERED, STOPPED_OLD, COMPLETED, STEADY_AGAIN].map(e => ({
        id: e.id,
        at: e.createdAt?.getTime(),
        message: e.message
      })),
      stoppedTasks: [],
      targets: [],
      startedAt: T0,
      finishedAt: T0 + 20_000,
      polls: 5,
      awsCalls: 5
    })
    expect(clock.sleeps).toEqual([5_000, 5_000, 5_000, 5_000])
    expect(ecsMock.commandCalls(DescribeServicesCommand).map(call => call.args[0].input)).toEqual(
      Array(5).fill({ cluster: CLUSTER, services: ['web'] })
    )
    // The old deployment's tasks stopping is no reason to look for our stopped tasks.
    expect(ecsMock).not.toHaveReceivedCommand(ListTasksCommand)
    expect(elbMock).not.toHaveReceivedAnyCommand()
    expect(infoLines(log).filter(line => line.startsWith('web: '))).toEqual([
      'web: IN_PROGRESS 0/2 running, 2 pending',
      'web: IN_PROGRESS 2/2 running',
      'web: COMPLETED 2/2 running',
      `web: succeeded: deployment ${NEW} is PRIMARY and COMPLETED with 2/2 tasks running`
    ])
    // Events are printed as they are, oldest first, once each; the baseline event is not.
    expect(infoLines(log).filter(line => line.startsWith('(service web)'))).toEqual([
      STARTED.message,
      REGISTERED.message,
      STOPPED_OLD.message,
      COMPLETED.message,
      STEADY_AGAIN.message
    ])
  })

  it('with a load balancer, succeeds only once our tasks are healthy targets', async () => {
    describeServicesSequence(ecsMock, ...healthyRollout())
    mockOurTasks()
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        health('10.0.1.5', 'healthy'),
        health('10.0.1.6', 'healthy'),
        health(
          '10.0.9.9',
          'draining',
          'Target.DeregistrationInProgress',
          'Target deregistration is in progress'
        )
      ]
    })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)

    expect(result?.outcome).toBe('succeeded')
    expect(result?.reason).toBe(
      `deployment ${NEW} is PRIMARY and COMPLETED with 2/2 tasks running and 2/2 targets healthy in web-tg`
    )
    expect(result?.targets).toEqual([
      { targetGroupArn: TG, id: '10.0.1.5', port: 8080, state: 'healthy', taskId: TASK_A },
      { targetGroupArn: TG, id: '10.0.1.6', port: 8080, state: 'healthy', taskId: TASK_B }
    ])
    expect(ecsMock.commandCalls(ListTasksCommand).map(call => call.args[0].input)).toEqual([
      { cluster: CLUSTER, startedBy: NEW, desiredStatus: 'RUNNING', nextToken: undefined }
    ])
    expect(ecsMock).toHaveReceivedCommandWith(DescribeTasksCommand, {
      cluster: CLUSTER,
      tasks: [taskArn(TASK_A), taskArn(TASK_B)]
    })
    // Target health is looked at once, when the deployment completed.
    expect(
      elbMock.commandCalls(DescribeTargetHealthCommand).map(call => call.args[0].input)
    ).toEqual([{ TargetGroupArn: TG }])
    expect(result?.awsCalls).toBe(5 + 2 + 1)
  })

  it('keeps waiting while a target of a completed deployment is still in its initial health checks', async () => {
    describeServicesSequence(ecsMock, ...healthyRollout().slice(4))
    mockOurTasks()
    elbMock
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({
        TargetHealthDescriptions: [
          health('10.0.1.5', 'healthy'),
          health(
            '10.0.1.6',
            'initial',
            'Elb.InitialHealthChecking',
            'Initial health checks in progress'
          )
        ]
      })
      .resolves({
        TargetHealthDescriptions: [health('10.0.1.5', 'healthy'), health('10.0.1.6', 'healthy')]
      })
    const { clock, log, deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)

    expect(result?.outcome).toBe('succeeded')
    expect(log.text()).toContain(
      'web: 1/2 targets healthy in web-tg: 1 target initial (Elb.InitialHealthChecking: Initial health checks in progress): 10.0.1.6:8080'
    )
    // Target health is looked at again after 15 s, not on every 5 s poll; the tasks once.
    expect(elbMock).toHaveReceivedCommandTimes(DescribeTargetHealthCommand, 2)
    expect(ecsMock).toHaveReceivedCommandTimes(ListTasksCommand, 1)
    expect(result?.finishedAt).toBe(T0 + 15_000)
    expect(clock.sleeps).toEqual([5_000, 5_000, 5_000])
  })

  it.each([
    ['waitForTargetHealth false ignores the load balancer', false, [LB]],
    ['waitForTargetHealth true without a load balancer has nothing to wait for', true, []]
  ])('%s', async (_name, waitForTargetHealth, loadBalancers) => {
    describeServicesSequence(ecsMock, ...healthyRollout(loadBalancers).slice(4))
    const { log, deps } = watchDeps()
    const [result] = await watchRollout(watchOptions({ waitForTargetHealth }), deps)
    expect(result?.outcome).toBe('succeeded')
    expect(elbMock).not.toHaveReceivedAnyCommand()
    expect(
      log.lines.some(line => line.message.includes('has no load balancer target groups'))
    ).toBe(waitForTargetHealth === true)
  })

  it('accepts a deployment without rolloutState (old API) only when it is alone and at its desired count', async () => {
    const legacy = (fields: Partial<ReturnType<typeof deployment>>) =>
      deployment({ id: NEW, rolloutState: undefined, rolloutStateReason: undefined, ...fields })
    describeServicesSequence(
      ecsMock,
      [service({ deployments: [legacy({ runningCount: 2 }), oldActive()] })],
      [service({ deployments: [legacy({ runningCount: 1 })] })],
      [service({ deployments: [legacy({ runningCount: 2 })] })]
    )
    const { log, deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('succeeded')
    expect(result?.polls).toBe(3)
    expect(result?.rolloutState).toBeUndefined()
    expect(infoLines(log)).toContain('web: PRIMARY 1/2 running')
  })

  it('does not take a COMPLETED deployment for done while another deployment still runs tasks', async () => {
    const completed = deployment({ id: NEW, runningCount: 2, rolloutState: 'COMPLETED' })
    describeServicesSequence(
      ecsMock,
      [service({ deployments: [completed, oldActive(1)] })],
      [service({ deployments: [{ ...completed, runningCount: 1 }] })],
      [service({ deployments: [completed] })]
    )
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('succeeded')
    expect(result?.polls).toBe(3)
  })
})

describe('watchRollout: timeouts say what was still missing', () => {
  it('names the unhealthy targets of a COMPLETED deployment', async () => {
    describeServicesSequence(ecsMock, [
      service({
        loadBalancers: [LB],
        deployments: [deployment({ id: NEW, runningCount: 2, rolloutState: 'COMPLETED' })]
      })
    ])
    mockOurTasks()
    const mismatch = [
      'Target.ResponseCodeMismatch',
      'Health checks failed with these codes: [503]'
    ] as const
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        health('10.0.1.5', 'unhealthy', ...mismatch),
        health('10.0.1.6', 'unhealthy', ...mismatch)
      ]
    })
    const { clock, deps } = watchDeps()
    const [result] = await watchRollout(watchOptions({ timeoutMs: 60_000 }), deps)

    expect(result?.outcome).toBe('timed-out')
    expect(result?.reason).toBe(
      `timed out after 1m: deployment ${NEW} is COMPLETED with 2/2 tasks running, 0/2 targets healthy in web-tg: ` +
        '2 targets unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [503]): 10.0.1.5:8080, 10.0.1.6:8080'
    )
    expect(result?.targets.map(target => target.state)).toEqual(['unhealthy', 'unhealthy'])
    expect(result?.finishedAt).toBe(T0 + 60_000)
    expect(clock.sleeps).toEqual(Array(12).fill(5_000))
    // At 0 s, 30 s and 60 s: unhealthy targets are re-checked every 30 s, not every poll.
    expect(elbMock).toHaveReceivedCommandTimes(DescribeTargetHealthCommand, 3)
    expect(result?.awsCalls).toBe(13 + 2 + 3)
  })

  it('describes an IN_PROGRESS deployment, the deployments still active and unhealthy targets', async () => {
    const unhealthy = event(
      'u1',
      4,
      `(service web) (task ${TASK_A}) (port 8080) is unhealthy in (target-group ${TG}) due to (reason Health checks failed with these codes: [503]).`
    )
    describeServicesSequence(
      ecsMock,
      [
        service({
          loadBalancers: [LB],
          deployments: [deployment({ id: NEW, desiredCount: 3, pendingCount: 2 }), oldActive(3)]
        })
      ],
      [
        service({
          loadBalancers: [LB],
          events: [unhealthy],
          deployments: [
            deployment({ id: NEW, desiredCount: 3, runningCount: 1, pendingCount: 2 }),
            oldActive(3)
          ]
        })
      ]
    )
    ecsMock
      .on(ListTasksCommand)
      .resolves({ taskArns: [taskArn(TASK_A)] })
      .on(DescribeTasksCommand)
      .resolves({ tasks: [runningTask(TASK_A, '10.0.1.5')] })
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        health(
          '10.0.1.5',
          'unhealthy',
          'Target.ResponseCodeMismatch',
          'Health checks failed with these codes: [503]'
        )
      ]
    })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions({ timeoutMs: 30_000 }), deps)
    expect(result?.reason).toBe(
      `timed out after 30s: deployment ${NEW} is IN_PROGRESS with 1/3 tasks running, 2 pending, ` +
        `1 other deployment still active (${OLD} with 3 tasks running), 0/3 targets healthy in web-tg: ` +
        '1 target unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [503]): 10.0.1.5:8080'
    )
    // Looked at after the `is unhealthy` event, and once more for the timeout reason.
    expect(elbMock).toHaveReceivedCommandTimes(DescribeTargetHealthCommand, 2)
  })

  it('still times out with the last observation when the final target check fails', async () => {
    const unhealthy = health('10.0.1.5', 'unhealthy', 'Target.Timeout', 'Request timed out')
    describeServicesSequence(ecsMock, [
      service({
        loadBalancers: [LB],
        deployments: [
          deployment({ id: NEW, desiredCount: 1, runningCount: 1, rolloutState: 'COMPLETED' })
        ]
      })
    ])
    ecsMock
      .on(ListTasksCommand)
      .resolves({ taskArns: [taskArn(TASK_A)] })
      .on(DescribeTasksCommand)
      .resolves({ tasks: [runningTask(TASK_A, '10.0.1.5')] })
    elbMock
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({ TargetHealthDescriptions: [unhealthy] })
      .rejects(Object.assign(new Error('connection reset'), { name: 'TimeoutError' }))
    const { log, deps } = watchDeps()
    const [result] = await watchRollout(watchOptions({ timeoutMs: 10_000 }), deps)
    expect(result?.reason).toBe(
      `timed out after 10s: deployment ${NEW} is COMPLETED with 1/1 tasks running, 0/1 targets healthy in web-tg: ` +
        '1 target unhealthy (Target.Timeout: Request timed out): 10.0.1.5:8080'
    )
    expect(log.lines).toContainEqual({
      level: 'debug',
      message: 'web: last target health check failed: connection reset'
    })
  })

  it('without a load balancer, says how many tasks run', async () => {
    describeServicesSequence(ecsMock, [
      service({
        deployments: [
          deployment({
            id: NEW,
            desiredCount: 3,
            runningCount: 1,
            pendingCount: 2,
            failedTasks: 0
          }),
          oldActive(3)
        ]
      })
    ])
    const { deps } = watchDeps()
    const [result] = await watchRollout(
      watchOptions({ timeoutMs: 90_000, pollIntervalMs: 10_000 }),
      deps
    )
    expect(result?.reason).toBe(
      `timed out after 1m 30s: deployment ${NEW} is IN_PROGRESS with 1/3 tasks running, 2 pending, 1 other deployment still active (${OLD} with 3 tasks running)`
    )
    expect(result?.polls).toBe(10)
  })

  it('fails a deployment that never appears, after a second look', async () => {
    const primaryOld = deployment({
      id: OLD,
      runningCount: 2,
      rolloutState: 'COMPLETED',
      taskDefinition: TD_OLD
    })
    describeServicesSequence(ecsMock, [service({ deployments: [primaryOld] })])
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('failed')
    expect(result?.polls).toBe(2)
    expect(result?.reason).toBe(
      `deployment ${NEW} is not among the service's deployments (PRIMARY: deployment ${OLD} (task definition web:41, COMPLETED)): it was superseded already, or the deployment id is wrong`
    )
  })
})

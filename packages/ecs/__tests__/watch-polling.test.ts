import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type Service
} from '@aws-sdk/client-ecs'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { FakeClock, systemClock } from '@fargate-promote/common'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import type { WatchOptions } from '../src/watch/types.js'
import { RolloutWatchError, watchRollout } from '../src/watch/watch.js'
import {
  CLUSTER,
  deployment,
  describeServicesSequence,
  event,
  health,
  infoLines,
  LB,
  NEW,
  oldActive,
  runningTask,
  service,
  T0,
  TASK_A,
  TASK_B,
  taskArn,
  TD_NEW,
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

const named = (name: string, message: string) => Object.assign(new Error(message), { name })
/** What the SDK throws for a 5xx answer once its own retries are spent. */
const serverError = (message: string, status = 500) =>
  Object.assign(named('ServerException', message), {
    $fault: 'server',
    $metadata: { httpStatusCode: status }
  })
const inProgress = [
  service({ deployments: [deployment({ id: NEW, runningCount: 1 }), oldActive(1)] })
]
const completed = [
  service({ deployments: [deployment({ id: NEW, runningCount: 2, rolloutState: 'COMPLETED' })] })
]

/**
 * DescribeServices answers one per poll (the last one repeated); returns the seconds since T0
 * of each poll. The waits between polls are read from these, not from the clock's sleeps, which
 * the heartbeat cuts into pieces at each of its lines.
 */
function pollTimes(clock: FakeClock, ...answers: Array<Service[] | Error>): number[] {
  const times: number[] = []
  ecsMock.on(DescribeServicesCommand).callsFake(() => {
    times.push((clock.now() - T0) / 1000)
    const answer = (answers.length > 1 ? answers.shift() : answers[0]) as Service[] | Error
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve({ services: answer })
  })
  return times
}

describe('watchRollout: polling and throttling', () => {
  it('polls at the fixed interval, doubles the wait while ECS throttles, and returns to it after a success', async () => {
    const { clock, log, deps } = watchDeps()
    const throttled = named('ThrottlingException', 'Rate exceeded')
    const polls = pollTimes(clock, inProgress, throttled, throttled, inProgress, completed)
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('succeeded')
    // Waits of 5, 10, 20 and 5 s between the polls.
    expect(polls).toEqual([0, 5, 15, 35, 40])
    expect(result?.awsCalls).toBe(5)
    expect(log.lines.filter(line => line.level === 'warning').map(line => line.message)).toEqual([
      'AWS is throttling DescribeServices (Rate exceeded); waiting 10s between polls until it recovers'
    ])
  })

  it('backs off when ELBv2 throttles DescribeTargetHealth too', async () => {
    describeServicesSequence(ecsMock, [
      service({
        ...completed[0],
        loadBalancers: [LB],
        deployments: [
          deployment({ id: NEW, runningCount: 1, desiredCount: 1, rolloutState: 'COMPLETED' })
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
      .rejectsOnce(named('Throttling', 'Rate exceeded'))
      .resolves({ TargetHealthDescriptions: [health('10.0.1.5', 'healthy')] })
    const { clock, log, deps } = watchDeps()
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('succeeded')
    expect(clock.sleeps).toEqual([10_000])
    expect(log.text()).toContain('AWS is throttling DescribeTargetHealth (Rate exceeded)')
  })

  it('times out with what it knows when every poll is throttled', async () => {
    const { clock, deps } = watchDeps()
    const polls = pollTimes(clock, named('ThrottlingException', 'Rate exceeded'))
    const [result] = await watchRollout(watchOptions({ timeoutMs: 120_000 }), deps)
    expect(result?.outcome).toBe('timed-out')
    expect(result?.reason).toBe(
      'timed out after 2m (AWS had been failing for 2m; last error: AWS DescribeServices: Rate exceeded): DescribeServices has not answered yet'
    )
    // Waits of 10, 20, 40 and 50 s (cut at the deadline): the wait never overshoots the deadline.
    expect(polls).toEqual([0, 10, 30, 70, 120])
  })

  it('says the deployment has not appeared when the only answer came at the deadline', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .rejectsOnce(named('ThrottlingException', 'Rate exceeded'))
      .resolves({ services: [service({ deployments: [oldActive()] })] })
    const { deps } = watchDeps()
    const [result] = await watchRollout(watchOptions({ timeoutMs: 10_000 }), deps)
    expect(result?.reason).toBe(
      `timed out after 10s: deployment ${NEW} has not appeared among the service's deployments`
    )
  })

  it('keeps watching through AWS 5xx errors and connection resets, backing off up to 30 s, until the rollout completes', async () => {
    const { clock, log, deps } = watchDeps()
    const down = serverError('We encountered an internal error')
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    // As some realms pass a refused connection on: the code in the text only.
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:4566')
    const polls = pollTimes(clock, inProgress, down, reset, refused, down, down, down, completed)
    const [result] = await watchRollout(watchOptions({ timeoutMs: 10 * 60_000 }), deps)
    expect(result?.outcome).toBe('succeeded')
    // AWS failed from 5 s to 2m 5s: waits of 5, 10, 20, 30, 30 and 30 s, then the fixed 5 s.
    expect(polls).toEqual([0, 5, 10, 20, 40, 70, 100, 130])
    const warnings = log.lines.filter(l => l.level === 'warning').map(l => l.message)
    expect(warnings).toEqual([
      'AWS DescribeServices failed (We encountered an internal error); still watching, deadline in 9m 55s',
      'AWS DescribeServices failed (socket hang up); still watching, deadline in 9m 50s',
      'AWS DescribeServices failed (connect ECONNREFUSED 127.0.0.1:4566); still watching, deadline in 9m 40s',
      'AWS DescribeServices failed (We encountered an internal error); still watching, deadline in 9m 20s',
      'AWS DescribeServices failed (We encountered an internal error); still watching, deadline in 8m 50s',
      'AWS DescribeServices failed (We encountered an internal error); still watching, deadline in 8m 20s'
    ])
    expect(log.text()).toContain('AWS answers again after failing for 2m 5s')
  })

  it('times out at the deadline while AWS fails, naming the last error and how long AWS had failed', async () => {
    const { clock, deps } = watchDeps()
    const polls = pollTimes(clock, inProgress, serverError('Service unavailable', 503))
    const [result] = await watchRollout(watchOptions({ timeoutMs: 3 * 60_000 }), deps)
    expect(result?.outcome).toBe('timed-out')
    expect(result?.reason).toMatch(
      `timed out after 3m (AWS had been failing for 2m 55s; last error: AWS DescribeServices: Service unavailable): deployment ${NEW} is IN_PROGRESS with 1/2 tasks running`
    )
    expect(polls).toEqual([0, 5, 10, 20, 40, 70, 100, 130, 160, 180])
  })

  it('ends the watch at once on an error that will not heal, keeping what it saw', async () => {
    const failure = named('AccessDeniedException', 'not authorized to perform ecs:ListTasks')
    describeServicesSequence(ecsMock, [
      service({ deployments: [deployment({ id: NEW, failedTasks: 1 })] })
    ])
    ecsMock.on(ListTasksCommand).rejects(failure)
    const { clock, deps } = watchDeps()
    const error: unknown = await watchRollout(watchOptions(), deps).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RolloutWatchError)
    const watchError = error as RolloutWatchError
    expect(watchError.message).toBe(
      'could not watch the rollout: ListTasks failed: not authorized to perform ecs:ListTasks'
    )
    expect(watchError.cause).toBe(failure)
    expect(clock.sleeps).toEqual([])
    expect(watchError.results[0]).toMatchObject({
      outcome: 'timed-out',
      reason: watchError.message,
      failedTasks: 1,
      polls: 1
    })
  })

  it.each([
    ['ServiceNotFoundException', 400],
    ['ClusterNotFoundException', 400],
    ['InvalidParameterException', 400],
    ['CredentialsProviderError', undefined],
    // An answer from AWS, whatever its message quotes, is no network failure.
    ['AccessDeniedException', 400, 'role ci-ETIMEDOUT is not authorized']
  ])('ends the watch at once on %s', async (name, status, text = `${name} happened`) => {
    const failure = Object.assign(named(name, text), {
      ...(status !== undefined && { $metadata: { httpStatusCode: status } })
    })
    const { clock, deps } = watchDeps()
    const polls = pollTimes(clock, failure)
    const error: unknown = await watchRollout(watchOptions(), deps).catch((e: unknown) => e)
    expect((error as Error).message).toBe(
      `could not watch the rollout: DescribeServices failed: ${text}`
    )
    expect(polls).toEqual([0])
  })
})

describe('watchRollout: several services', () => {
  const names = Array.from({ length: 12 }, (_, i) => `svc-${i}`)
  const idOf = (name: string) => `ecs-svc/${100 + names.indexOf(name)}`
  const options = (list: string[], fields: Partial<WatchOptions> = {}) =>
    watchOptions({
      targets: list.map(name => ({
        service: name,
        deploymentId: idOf(name),
        taskDefinitionArn: TD_NEW
      })),
      ...fields
    })

  it('describes up to 10 services per call, only those without a verdict, and gives each its own result', async () => {
    const clock = new FakeClock(T0)
    // svc-3 is missing; svc-0..5 complete at the second poll, the rest at the third.
    ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => {
      const poll = (clock.now() - T0) / 5_000
      return {
        services: input.services
          .filter(name => name !== 'svc-3')
          .map(name => {
            const done = poll >= (names.indexOf(name) <= 5 ? 1 : 2)
            return service({
              serviceName: name,
              deployments: [
                deployment({
                  id: idOf(name),
                  runningCount: done ? 2 : 1,
                  rolloutState: done ? 'COMPLETED' : 'IN_PROGRESS'
                })
              ]
            })
          }),
        failures: input.services.includes('svc-3')
          ? [{ arn: `arn:aws:ecs:eu-west-1:1:service/${CLUSTER}/svc-3`, reason: 'MISSING' }]
          : []
      }
    })
    const { deps } = watchDeps({ clock })
    const results = await watchRollout(options(names), deps)

    expect(
      ecsMock.commandCalls(DescribeServicesCommand).map(call => call.args[0].input.services)
    ).toEqual([
      names.slice(0, 10),
      names.slice(10),
      names.filter(name => name !== 'svc-3').slice(0, 10),
      ['svc-11'],
      names.slice(6)
    ])
    expect(results.map(result => result.service)).toEqual(names)
    expect(results.map(result => result.outcome)).toEqual(
      names.map(name => (name === 'svc-3' ? 'failed' : 'succeeded'))
    )
    expect(results[0]?.finishedAt).toBe(T0 + 5_000)
    expect(results[11]?.finishedAt).toBe(T0 + 10_000)
    expect(results.every(result => result.awsCalls === 5 && result.polls === 3)).toBe(true)
  })

  it('makes one DescribeServices call per poll for 5 services and prefixes their events', async () => {
    const five = names.slice(0, 5)
    const clock = new FakeClock(T0)
    ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => {
      const poll = (clock.now() - T0) / 5_000
      return {
        services: input.services.map(name =>
          service({
            serviceName: name,
            events:
              poll === 0
                ? []
                : [
                    event(
                      `${name}-1`,
                      1,
                      `(service ${name}) has started 2 tasks: (task ${TASK_A}).`
                    )
                  ],
            deployments: [
              deployment({
                id: idOf(name),
                runningCount: poll,
                rolloutState: poll === 2 ? 'COMPLETED' : 'IN_PROGRESS'
              })
            ]
          })
        )
      }
    })
    const { log, deps } = watchDeps({ clock })
    const results = await watchRollout(options(five, { since: T0 - 60_000 }), deps)
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeServicesCommand, 3)
    expect(results.map(result => result.outcome)).toEqual(Array(5).fill('succeeded'))
    expect(infoLines(log)).toContain(
      `svc-4: (service svc-4) has started 2 tasks: (task ${TASK_A}).`
    )
    expect(results[4]?.events).toEqual([
      {
        id: 'svc-4-1',
        at: T0 + 1_000,
        message: `(service svc-4) has started 2 tasks: (task ${TASK_A}).`
      }
    ])
  })
})

describe('watchRollout: cancellation', () => {
  it('makes no AWS call when cancelled before the first poll', async () => {
    const controller = new AbortController()
    controller.abort()
    const { deps } = watchDeps({ signal: controller.signal })
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result).toMatchObject({
      outcome: 'timed-out',
      reason: 'cancelled',
      polls: 0,
      awsCalls: 0
    })
    expect(ecsMock).not.toHaveReceivedAnyCommand()
  })

  it('wakes up from a long sleep as soon as the signal aborts', async () => {
    describeServicesSequence(ecsMock, inProgress)
    const controller = new AbortController()
    // A clock whose sleep never ends: only the abort can end the wait.
    class StuckClock extends FakeClock {
      override sleep(ms: number): Promise<void> {
        this.sleeps.push(ms)
        setImmediate(() => controller.abort())
        return new Promise<void>(() => undefined)
      }
    }
    const clock = new StuckClock(T0)
    const { log, deps } = watchDeps({ clock, signal: controller.signal })
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result).toMatchObject({
      outcome: 'timed-out',
      reason: 'cancelled',
      polls: 1,
      runningCount: 1
    })
    expect(clock.sleeps).toEqual([5_000])
    expect(log.text()).toContain('Rollout watch cancelled')
  })

  it('leaves no timer pending after a cancellation with the system clock', async () => {
    describeServicesSequence(ecsMock, inProgress)
    const controller = new AbortController()
    // The system clock, counting the sleeps that have not ended yet.
    let pending = 0
    const clock = {
      now: () => systemClock.now(),
      sleep: async (ms: number, signal?: AbortSignal) => {
        pending += 1
        try {
          await systemClock.sleep(ms, signal)
        } finally {
          pending -= 1
        }
      }
    }
    const { deps } = watchDeps({ clock, signal: controller.signal })
    const started = systemClock.now()
    const watching = watchRollout(
      watchOptions({ pollIntervalMs: 60_000, timeoutMs: 600_000 }),
      deps
    )
    setTimeout(() => controller.abort(), 20)
    const [result] = await watching
    await new Promise(resolve => setImmediate(resolve))
    expect(result).toMatchObject({ outcome: 'timed-out', reason: 'cancelled', polls: 1 })
    expect(systemClock.now() - started).toBeLessThan(5_000)
    expect(pending).toBe(0)
  })

  it('stops following a rollback when cancelled, keeping the rolled-back verdict', async () => {
    const controller = new AbortController()
    const rollingBack = [
      service({
        deployments: [
          deployment({
            id: 'ecs-svc/9',
            taskDefinition: 'arn:aws:ecs:eu-west-1:1:task-definition/web:41',
            rolloutStateReason:
              'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.'
          }),
          deployment({
            id: NEW,
            status: 'ACTIVE',
            rolloutState: 'FAILED',
            rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.'
          })
        ]
      })
    ]
    describeServicesSequence(ecsMock, rollingBack)
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const clock = new FakeClock(T0)
    const { deps } = watchDeps({ clock, signal: controller.signal })
    const sleep = clock.sleep.bind(clock)
    clock.sleep = (ms: number) => {
      if (clock.sleeps.length === 1) controller.abort()
      return sleep(ms)
    }
    const [result] = await watchRollout(watchOptions(), deps)
    expect(result?.outcome).toBe('rolled-back')
    expect(result?.rollback).toMatchObject({
      deploymentId: 'ecs-svc/9',
      outcome: 'timed-out',
      reason: 'cancelled'
    })
    expect(result?.polls).toBe(2)
  })
})

describe('watchRollout: call budget', () => {
  /** A realistic rolling deployment behind an ALB: 2 tasks, about 2.5 minutes (aws-behaviour §2.3). */
  function realistic(name: string, id: string, clock: FakeClock, offset: number): Service {
    const t = (clock.now() - T0) / 1000 - offset
    const events = [event(`${name}-0`, -600, `(service ${name}) has reached a steady state.`)]
    if (t >= 5)
      events.push(
        event(
          `${name}-1`,
          offset + 5,
          `(service ${name}) has started 2 tasks: (task ${TASK_A}) (task ${TASK_B}).`
        )
      )
    if (t >= 45)
      events.push(
        event(
          `${name}-2`,
          offset + 45,
          `(service ${name}) registered 2 targets in (target-group ${TG})`
        )
      )
    if (t >= 95)
      events.push(
        event(
          `${name}-3`,
          offset + 95,
          `(service ${name}) has stopped 2 running tasks: (task 9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4) (task 8e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4).`
        )
      )
    if (t >= 105)
      events.push(
        event(
          `${name}-4`,
          offset + 105,
          `(service ${name}) deregistered 2 targets in (target-group ${TG})`
        )
      )
    if (t >= 150)
      events.push(
        event(
          `${name}-5`,
          offset + 150,
          `(service ${name}) (deployment ${id}) deployment completed.`
        )
      )
    const running = t >= 40 ? 2 : 0
    const ours = deployment({
      id,
      runningCount: running,
      pendingCount: 2 - running,
      rolloutState: t >= 150 ? 'COMPLETED' : 'IN_PROGRESS'
    })
    return service({
      serviceName: name,
      loadBalancers: [LB],
      events: events.reverse(),
      deployments: t >= 150 ? [ours] : [ours, oldActive(t >= 95 ? 0 : 2)]
    })
  }

  function mockHealthyTargets() {
    const tasks = [runningTask(TASK_A, '10.0.1.5'), runningTask(TASK_B, '10.0.1.6')]
    ecsMock
      .on(ListTasksCommand)
      .resolves({ taskArns: tasks.map(task => task.taskArn as string) })
      .on(DescribeTasksCommand)
      .resolves({ tasks })
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [health('10.0.1.5', 'healthy'), health('10.0.1.6', 'healthy')]
    })
  }

  it.each([
    [1, 15],
    [5, 20]
  ])(
    'watching %i service(s) at a 5 s interval stays within %i AWS calls a minute',
    async (count, budget) => {
      const list = Array.from({ length: count }, (_, i) => `svc-${i}`)
      const clock = new FakeClock(T0)
      ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
        services: input.services.map(name =>
          realistic(name, `ecs-svc/${name}`, clock, list.indexOf(name) * 5)
        )
      }))
      mockHealthyTargets()
      const { deps } = watchDeps({ clock })
      const results = await watchRollout(
        watchOptions({
          targets: list.map(name => ({
            service: name,
            deploymentId: `ecs-svc/${name}`,
            taskDefinitionArn: TD_NEW
          }))
        }),
        deps
      )
      expect(results.map(result => result.outcome)).toEqual(Array(count).fill('succeeded'))
      const result = results[0]!
      const minutes = (Math.max(...results.map(r => r.finishedAt)) - result.startedAt) / 60_000
      expect(minutes).toBeGreaterThan(2.4)
      expect(result.awsCalls / minutes).toBeLessThanOrEqual(budget)
      // Per service: one task listing and one target check, when the deployment completed.
      expect(ecsMock).toHaveReceivedCommandTimes(ListTasksCommand, count)
      expect(elbMock).toHaveReceivedCommandTimes(DescribeTargetHealthCommand, count)
    }
  )
})

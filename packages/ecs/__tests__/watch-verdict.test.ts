import { describe, expect, it } from '@jest/globals'
import type { TargetView } from '../src/observe/types.js'
import { isSettled } from '../src/observe/settled.js'
import { judgeTargets } from '../src/observe/targets.js'
import {
  failureEventOf,
  findRollback,
  stripPeriod,
  withAlarmNames
} from '../src/watch/rollback-evidence.js'
import {
  countsOf,
  describeCounts,
  describeUnhealthyTargets,
  idOf,
  progressOf,
  targetGroupName,
  taskDefinitionName
} from '../src/observe/describe.js'
import {
  at,
  deployment,
  event,
  LB,
  NEW,
  OLD,
  oldActive,
  ROLLBACK,
  service,
  TD_OLD,
  TG,
  TG2
} from './watch-fixtures.js'

describe('isSettled', () => {
  const done = { runningCount: 2, rolloutState: 'COMPLETED' as const }
  it.each([
    ['PRIMARY, COMPLETED, 2/2, alone', [deployment({ id: NEW, ...done })], true],
    ['another deployment left', [deployment({ id: NEW, ...done }), oldActive(0)], false],
    ['1/2 running', [deployment({ id: NEW, ...done, runningCount: 1 })], false],
    ['IN_PROGRESS', [deployment({ id: NEW, runningCount: 2 })], false],
    ['FAILED', [deployment({ id: NEW, ...done, rolloutState: 'FAILED' })], false],
    ['not PRIMARY', [deployment({ id: NEW, ...done, status: 'ACTIVE' })], false],
    [
      'no rolloutState, alone, 2/2',
      [deployment({ id: NEW, runningCount: 2, rolloutState: undefined })],
      true
    ],
    [
      'a circuit-breaker rollback still IN_PROGRESS at 2/2',
      [
        deployment({
          id: NEW,
          runningCount: 2,
          rolloutStateReason:
            'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.'
        })
      ],
      false
    ],
    [
      'a circuit-breaker rollback COMPLETED, its reason unchanged',
      [
        deployment({
          id: NEW,
          ...done,
          rolloutStateReason:
            'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.'
        })
      ],
      true
    ],
    [
      'no counts at all (desired 0)',
      [{ id: NEW, status: 'PRIMARY', rolloutState: 'COMPLETED' as const }],
      true
    ]
  ])('%s -> %p', (_name, deployments, expected) => {
    const svc = service({ deployments })
    expect(isSettled(svc, deployments[0])).toBe(expected)
  })

  it('is false when the service lists no deployments', () => {
    expect(isSettled({}, deployment({ id: NEW, runningCount: 2, rolloutState: 'COMPLETED' }))).toBe(
      false
    )
  })
})

describe('judgeTargets', () => {
  const target = (
    group: string,
    id: string,
    state: string,
    extra: Partial<TargetView> = {}
  ): TargetView => ({
    targetGroupArn: group,
    id,
    port: 8080,
    state,
    ...extra
  })
  const twoGroups = service({
    deployments: [],
    loadBalancers: [LB, { ...LB, targetGroupArn: TG2 }]
  })

  it.each([
    [
      'all healthy in both groups',
      [
        target(TG, 'a', 'healthy'),
        target(TG, 'b', 'healthy'),
        target(TG2, 'a', 'healthy'),
        target(TG2, 'b', 'healthy')
      ],
      true,
      '2/2 targets healthy in web-tg; 2/2 targets healthy in web-admin'
    ],
    [
      'fewer healthy targets than desired tasks',
      [target(TG, 'a', 'healthy'), target(TG2, 'a', 'healthy'), target(TG2, 'b', 'healthy')],
      false,
      '1/2 targets healthy in web-tg; 2/2 targets healthy in web-admin'
    ],
    [
      'one of our targets draining, even with enough healthy ones',
      [
        target(TG, 'a', 'healthy'),
        target(TG, 'b', 'healthy'),
        target(TG, 'c', 'draining', {
          reason: 'Target.DeregistrationInProgress',
          description: 'Target deregistration is in progress'
        }),
        target(TG2, 'a', 'healthy'),
        target(TG2, 'b', 'healthy')
      ],
      false,
      '2/2 targets healthy in web-tg: 1 target draining (Target.DeregistrationInProgress: Target deregistration is in progress): c:8080; 2/2 targets healthy in web-admin'
    ],
    [
      'nothing observed',
      [],
      false,
      '0/2 targets healthy in web-tg; 0/2 targets healthy in web-admin'
    ]
  ])('%s', (_name, targets, healthy, detail) => {
    expect(judgeTargets(twoGroups, targets, 2)).toEqual({ healthy, detail })
  })

  it('groups unhealthy targets by state and reason, and copes with a target without reason', () => {
    expect(
      describeUnhealthyTargets([
        target(TG, '10.0.1.5', 'unhealthy', {
          reason: 'Target.Timeout',
          description: 'Request timed out'
        }),
        target(TG, '10.0.1.6', 'unhealthy', {
          reason: 'Target.Timeout',
          description: 'Request timed out'
        }),
        target(TG, '10.0.1.7', 'unavailable'),
        target(TG, '10.0.1.8', 'healthy')
      ])
    ).toEqual([
      '2 targets unhealthy (Target.Timeout: Request timed out): 10.0.1.5:8080, 10.0.1.6:8080',
      '1 target unavailable: 10.0.1.7:8080'
    ])
  })
})

describe('findRollback', () => {
  const failedEvent = event(
    'f1',
    19,
    `(service web) (deployment ${NEW}) deployment failed: tasks failed to start.`
  )
  const rollingBack = event('f2', 19, `(service web) rolling back to deployment ${OLD}.`)
  const earlierRollback = event('f0', 1, `(service web) rolling back to deployment ecs-svc/0.`)
  const failed = deployment({
    id: NEW,
    status: 'ACTIVE',
    rolloutState: 'FAILED',
    rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    createdAt: at(5)
  })
  const primary = (reason?: string) =>
    deployment({
      id: ROLLBACK,
      taskDefinition: TD_OLD,
      rolloutStateReason: reason,
      createdAt: at(19)
    })

  it.each([
    [
      'FAILED with a rolling-back PRIMARY',
      service({
        deployments: [
          primary(`ECS deployment circuit breaker: rolling back to deploymentId ${OLD}.`),
          failed
        ]
      }),
      failed,
      { toDeploymentId: OLD, cause: 'ECS deployment circuit breaker: tasks failed to start.' }
    ],
    [
      'FAILED, the PRIMARY says nothing, but an event after our creation does',
      service({
        events: [rollingBack, earlierRollback],
        deployments: [primary(undefined), failed]
      }),
      failed,
      { toDeploymentId: OLD }
    ],
    [
      'gone, with the failure and rolling-back events',
      service({ events: [rollingBack, failedEvent], deployments: [primary(undefined)] }),
      undefined,
      { toDeploymentId: OLD, cause: 'tasks failed to start' }
    ],
    [
      'FAILED without reason text, only an event',
      service({
        events: [rollingBack, failedEvent],
        deployments: [primary(undefined), { ...failed, rolloutStateReason: undefined }]
      }),
      { ...failed, rolloutStateReason: undefined },
      { toDeploymentId: OLD, cause: 'tasks failed to start' }
    ]
  ])('%s', (_name, svc, ours, expected) => {
    expect(findRollback(svc, ours, NEW)).toMatchObject(expected)
  })

  it.each([
    [
      'our deployment did not fail',
      service({
        events: [rollingBack],
        deployments: [primary(`rolling back to deploymentId ${OLD}.`)]
      }),
      undefined
    ],
    [
      'FAILED but still PRIMARY',
      service({ deployments: [{ ...failed, status: 'PRIMARY' }] }),
      { ...failed, status: 'PRIMARY' }
    ],
    [
      'FAILED and superseded by an ordinary deployment',
      service({ deployments: [primary(`ECS deployment ${ROLLBACK} in progress.`), failed] }),
      failed
    ],
    [
      'FAILED, only an older rolling-back event',
      service({ events: [earlierRollback], deployments: [primary(undefined), failed] }),
      failed
    ]
  ])('none when %s', (_name, svc, ours) => {
    expect(findRollback(svc, ours, NEW)).toBeUndefined()
  })

  it('falls back to a generic cause', () => {
    const noReason = { ...failed, rolloutStateReason: undefined }
    const svc = service({
      deployments: [primary(`rolling back to deploymentId ${OLD}.`), noReason]
    })
    expect(findRollback(svc, noReason, NEW)?.cause).toBe('deployment failed')
  })

  it('finds our failure event among all events', () => {
    expect(
      failureEventOf(service({ events: [rollingBack, failedEvent], deployments: [] }), NEW)?.cause
    ).toBe('tasks failed to start')
    expect(failureEventOf(service({ deployments: [] }), NEW)).toBeUndefined()
  })
})

describe('text helpers', () => {
  it.each([
    [
      'alarm cause with alarms configured',
      'alarm detected.',
      ['web-5xx'],
      'alarm detected (deployment alarm: web-5xx)'
    ],
    ['alarm cause without alarms', 'alarm detected', [], 'alarm detected'],
    ['other cause', 'tasks failed to start', ['web-5xx'], 'tasks failed to start']
  ])('withAlarmNames: %s', (_name, cause, alarmNames, expected) => {
    const svc = service({
      deployments: [],
      deploymentConfiguration: { alarms: { alarmNames, enable: true, rollback: true } }
    })
    expect(withAlarmNames(svc, cause)).toBe(expected)
  })

  it('reads absent counts as 0', () => {
    expect(countsOf({})).toEqual({ running: 0, desired: 0, pending: 0, failed: 0 })
    expect(describeCounts({})).toBe('0/0 tasks running')
    expect(progressOf({})).toBe('UNKNOWN 0/0 running')
    expect(
      progressOf({
        status: 'PRIMARY',
        runningCount: 1,
        desiredCount: 3,
        pendingCount: 1,
        failedTasks: 1
      })
    ).toBe('PRIMARY 1/3 running, 1 pending, 1 failed task')
    expect(idOf({})).toBe('(no id)')
  })

  it.each([
    [TD_OLD, 'web:41'],
    ['web:7', 'web:7'],
    ['', '(unknown task definition)'],
    [undefined, '(unknown task definition)']
  ])('taskDefinitionName(%p) = %p', (arn, name) => {
    expect(taskDefinitionName(arn)).toBe(name)
  })

  it('targetGroupName keeps what is not a target group ARN', () => {
    expect(targetGroupName(TG)).toBe('web-tg')
    expect(targetGroupName('web-tg')).toBe('web-tg')
    expect(stripPeriod('done. ')).toBe('done')
  })
})

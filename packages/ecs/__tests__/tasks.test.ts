import { beforeEach, describe, expect, it } from '@jest/globals'
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import {
  describeTasks,
  listStoppedTasks,
  explainStoppedTask,
  listDeploymentTasks,
  mostTellingStoppedTask,
  taskIdOf,
  toStoppedTaskView,
  isHealthStop
} from '../src/observe/tasks.js'
import type { StoppedTaskView } from '../src/observe/types.js'
import {
  at,
  CLUSTER,
  crashedTask,
  NEW,
  oomTask,
  stoppedTask,
  TASK_A,
  TASK_B,
  taskArn,
  TD_NEW,
  T0
} from './watch-fixtures.js'

const ecsMock = mockClient(ECSClient)
const ecs = new ECSClient({ region: 'eu-west-1' })

beforeEach(() => {
  ecsMock.reset()
})

const view = (fields: Partial<StoppedTaskView>): StoppedTaskView => ({
  taskArn: taskArn(TASK_A),
  taskId: TASK_A,
  taskDefinitionArn: TD_NEW,
  containers: [],
  ...fields
})

describe('explainStoppedTask', () => {
  it.each([
    [
      'OOM kill',
      view({
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [
          {
            name: 'web',
            exitCode: 137,
            reason: 'OutOfMemoryError: Container killed due to memory usage'
          },
          { name: 'sidecar', exitCode: 0 }
        ]
      }),
      `task ${TASK_A} stopped: Essential container in task exited (EssentialContainerExited); container web exited with code 137: OutOfMemoryError: Container killed due to memory usage`
    ],
    [
      'application crash',
      view({
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'web', exitCode: 1 }]
      }),
      `task ${TASK_A} stopped: Essential container in task exited (EssentialContainerExited); container web exited with code 1`
    ],
    [
      'image pull failure (no exit code)',
      view({
        stopCode: 'TaskFailedToStart',
        stoppedReason:
          'CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref web:9.9.9: not found',
        containers: [
          {
            name: 'web',
            reason: 'CannotPullContainerError: failed to resolve ref web:9.9.9: not found'
          }
        ]
      }),
      `task ${TASK_A} stopped: CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref web:9.9.9: not found (TaskFailedToStart); container web: CannotPullContainerError: failed to resolve ref web:9.9.9: not found`
    ],
    ['no reason at all', view({}), `task ${TASK_A} stopped: no reason given`]
  ])('%s', (_name, task, expected) => {
    expect(explainStoppedTask(task)).toBe(expected)
  })
})

describe('isHealthStop', () => {
  it.each([
    ['a crashed container', 'EssentialContainerExited', 'Essential container in task exited', true],
    ['a failed start', 'TaskFailedToStart', 'CannotPullContainerError: pull access denied', true],
    [
      'failed ELB health checks',
      'ServiceSchedulerInitiated',
      'Task failed ELB health checks in (target-group arn:tg)',
      true
    ],
    [
      'a scale-in',
      'ServiceSchedulerInitiated',
      `Scaling activity initiated by (deployment ${NEW})`,
      false
    ],
    ['a StopTask call', 'UserInitiated', 'Task stopped by user', false],
    ['a Fargate Spot reclaim', 'SpotInterruption', 'Your Spot Task was interrupted.', false],
    ['a termination notice', 'TerminationNotice', 'Task stopped: termination notice', false],
    ['a failed host', 'InfrastructureHealth', 'Infrastructure failure', false],
    ['no code, no reason', undefined, undefined, true]
  ])('%s -> %p', (_name, stopCode, stoppedReason, expected) => {
    const task = view({
      ...(stopCode !== undefined && { stopCode }),
      ...(stoppedReason !== undefined && { stoppedReason })
    })
    expect(isHealthStop(task)).toBe(expected)
  })
})

describe('mostTellingStoppedTask', () => {
  const scheduler = view({
    taskId: 'sched',
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason: `Scaling activity initiated by (deployment ${NEW})`,
    stoppedAt: T0 + 90_000
  })
  const elb = view({
    taskId: 'elb',
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason: 'Task failed ELB health checks in (target-group arn:tg)',
    stoppedAt: T0 + 50_000
  })
  const exited = view({
    taskId: 'exited',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    stoppedAt: T0 + 10_000
  })
  const crashOld = view({
    taskId: 'crash-old',
    containers: [{ name: 'web', exitCode: 1 }],
    stoppedAt: T0 + 1_000
  })
  const crashNew = view({
    taskId: 'crash-new',
    containers: [{ name: 'web', exitCode: 1 }],
    stoppedAt: T0 + 2_000
  })
  const bare = view({ taskId: 'bare' })

  it.each([
    [[], undefined],
    [[bare, scheduler], 'sched'],
    [[scheduler, elb], 'elb'],
    [[elb, exited], 'exited'],
    [[scheduler, crashOld, exited, crashNew], 'crash-new'],
    [[crashNew, crashOld], 'crash-new']
  ])('%#', (tasks, expected) => {
    expect(mostTellingStoppedTask(tasks)?.taskId).toBe(expected)
  })
})

describe('AWS calls', () => {
  it('lists the tasks a deployment started, following pages', async () => {
    ecsMock
      .on(ListTasksCommand)
      .resolvesOnce({ taskArns: [taskArn(TASK_A)], nextToken: 'page-2' })
      .resolvesOnce({ taskArns: [taskArn(TASK_B)] })
    const calls: string[] = []
    const arns = await listDeploymentTasks(
      { ecs, onAwsCall: op => calls.push(op) },
      CLUSTER,
      NEW,
      'STOPPED'
    )
    expect(arns).toEqual([taskArn(TASK_A), taskArn(TASK_B)])
    expect(ecsMock.commandCalls(ListTasksCommand).map(call => call.args[0].input)).toEqual([
      { cluster: CLUSTER, startedBy: NEW, desiredStatus: 'STOPPED', nextToken: undefined },
      { cluster: CLUSTER, startedBy: NEW, desiredStatus: 'STOPPED', nextToken: 'page-2' }
    ])
    expect(calls).toEqual(['ListTasks', 'ListTasks'])
  })

  it('describes tasks in batches of 100', async () => {
    const arns = Array.from({ length: 150 }, (_, i) => taskArn(`t${i}`))
    ecsMock.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map(arn => ({ taskArn: arn }))
    }))
    const tasks = await describeTasks({ ecs }, CLUSTER, arns)
    expect(tasks).toHaveLength(150)
    expect(ecsMock.commandCalls(DescribeTasksCommand).map(call => call.args[0].input)).toEqual([
      { cluster: CLUSTER, tasks: arns.slice(0, 100) },
      { cluster: CLUSTER, tasks: arns.slice(100) }
    ])
  })

  it('turns DescribeTasks answers into stopped-task views with exit codes', async () => {
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [taskArn(TASK_A), taskArn(TASK_B)] })
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [oomTask(TASK_A), crashedTask(TASK_B)] })
    const views = await listStoppedTasks({ ecs }, { cluster: CLUSTER, startedBy: NEW })
    expect(views[0]).toEqual({
      taskArn: taskArn(TASK_A),
      taskId: TASK_A,
      taskDefinitionArn: TD_NEW,
      startedBy: NEW,
      stoppedAt: at(30).getTime(),
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [
        {
          name: 'web',
          image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2.4',
          lastStatus: 'STOPPED',
          exitCode: 137,
          reason: 'OutOfMemoryError: Container killed due to memory usage'
        }
      ]
    })
    expect(views[1]?.containers[0]?.exitCode).toBe(1)
  })

  it('fills defaults for sparse tasks', () => {
    expect(toStoppedTaskView({ containers: [{}] })).toEqual({
      taskArn: '',
      taskId: '',
      taskDefinitionArn: '',
      containers: [{ name: '(unnamed)' }]
    })
    expect(
      toStoppedTaskView(
        stoppedTask(TASK_A, { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' })
      ).containers
    ).toEqual([
      {
        name: 'web',
        image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2.4',
        lastStatus: 'STOPPED'
      }
    ])
  })

  it('taskIdOf takes the last part of the ARN', () => {
    expect(taskIdOf(taskArn(TASK_A))).toBe(TASK_A)
  })
})

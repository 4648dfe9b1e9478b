import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type LoadBalancer,
  type Service
} from '@aws-sdk/client-ecs'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import { describeServing, observeService } from '../src/observe/service.js'
import {
  groupsHoldingOurTasks,
  judgeTargets,
  observeTargets,
  targetGroupPairsOf,
  targetGroupsOf
} from '../src/observe/targets.js'
import {
  CLUSTER,
  deployment,
  health,
  NEW,
  OLD,
  runningTask,
  service,
  T0,
  TASK_A,
  TASK_B,
  TASK_OLD
} from './watch-fixtures.js'

/**
 * A service with an ECS-native traffic-shifting strategy registers each deployment's tasks in
 * the other group of its pair (targetGroupArn / advancedConfiguration.alternateTargetGroupArn):
 * our tasks may be in the alternate, and their targets must be found and judged there.
 */

const elbMock = mockClient(ElasticLoadBalancingV2Client)
const ecsMock = mockClient(ECSClient)
const elb = new ElasticLoadBalancingV2Client({ region: 'eu-west-1' })
const ecs = new ECSClient({ region: 'eu-west-1' })

const SHOP_A = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-a/1111aaaa'
const SHOP_B = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-b/2222bbbb'
const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shop/1/2/3'

const SHIFTING: LoadBalancer = {
  targetGroupArn: SHOP_A,
  containerName: 'web',
  containerPort: 8080,
  advancedConfiguration: {
    alternateTargetGroupArn: SHOP_B,
    productionListenerRule: RULE,
    roleArn: 'arn:aws:iam::123456789012:role/ecs-infrastructure'
  }
}
const PLAIN: LoadBalancer = { targetGroupArn: SHOP_A, containerName: 'web', containerPort: 8080 }

const live = (loadBalancer: LoadBalancer): Service =>
  service({
    deployments: [
      deployment({
        id: NEW,
        runningCount: 2,
        rolloutState: 'COMPLETED',
        rolloutStateReason: `ECS deployment ${NEW} completed.`
      })
    ],
    loadBalancers: [loadBalancer],
    deploymentConfiguration: { strategy: loadBalancer === SHIFTING ? 'BLUE_GREEN' : 'ROLLING' }
  })

const ours = [runningTask(TASK_A, '10.0.1.5'), runningTask(TASK_B, '10.0.1.6')]

/** Our two tasks healthy in shop-b; the old deployment's task still draining in shop-a. */
function tasksInAlternate(): void {
  elbMock
    .on(DescribeTargetHealthCommand, { TargetGroupArn: SHOP_A })
    .resolves({ TargetHealthDescriptions: [health('10.0.9.9', 'draining')] })
    .on(DescribeTargetHealthCommand, { TargetGroupArn: SHOP_B })
    .resolves({
      TargetHealthDescriptions: [health('10.0.1.5', 'healthy'), health('10.0.1.6', 'healthy')]
    })
}

function describedGroups(): (string | undefined)[] {
  return elbMock
    .commandCalls(DescribeTargetHealthCommand)
    .map(call => call.args[0].input.TargetGroupArn)
}

beforeEach(() => {
  elbMock.reset()
  ecsMock.reset()
})

describe('target group pairs', () => {
  it('pairs each target group with its alternate, once each; targetGroupsOf stays the groups', () => {
    const svc = service({
      deployments: [],
      loadBalancers: [SHIFTING, { ...PLAIN, containerPort: 8081 }, { loadBalancerName: 'classic' }]
    })
    expect(targetGroupPairsOf(svc)).toEqual([
      { targetGroupArn: SHOP_A, alternateTargetGroupArn: SHOP_B }
    ])
    expect(targetGroupsOf(svc)).toEqual([SHOP_A])
    expect(targetGroupPairsOf(live(PLAIN))).toEqual([{ targetGroupArn: SHOP_A }])
  })
})

describe('observeTargets and judgeTargets with a traffic-shifting service', () => {
  it('finds our tasks in the alternate group and judges them healthy there', async () => {
    tasksInAlternate()
    const svc = live(SHIFTING)
    // The old deployment's task is not ours: its target in shop-a is left out.
    const tasks = [...ours, { ...runningTask(TASK_OLD, '10.0.9.9', OLD), lastStatus: 'STOPPING' }]
    const calls: string[] = []

    const targets = await observeTargets(
      { elb, onAwsCall: op => calls.push(op) },
      { cluster: CLUSTER, service: svc, tasks }
    )

    expect(describedGroups()).toEqual([SHOP_A, SHOP_B])
    expect(calls).toEqual(['DescribeTargetHealth', 'DescribeTargetHealth'])
    expect(targets).toEqual([
      { targetGroupArn: SHOP_B, id: '10.0.1.5', port: 8080, state: 'healthy', taskId: TASK_A },
      { targetGroupArn: SHOP_B, id: '10.0.1.6', port: 8080, state: 'healthy', taskId: TASK_B }
    ])
    expect(groupsHoldingOurTasks(svc, targets)).toEqual([SHOP_B])
    expect(judgeTargets(svc, targets, 2)).toEqual({
      healthy: true,
      detail: '2/2 targets healthy in shop-b'
    })
  })

  it('judges the service group when our tasks are there, and when they are in neither', () => {
    const svc = live(SHIFTING)
    const inA = [
      { targetGroupArn: SHOP_A, id: '10.0.1.5', port: 8080, state: 'healthy', taskId: TASK_A },
      { targetGroupArn: SHOP_A, id: '10.0.1.6', port: 8080, state: 'initial', taskId: TASK_B }
    ]
    expect(groupsHoldingOurTasks(svc, inA)).toEqual([SHOP_A])
    expect(judgeTargets(svc, inA, 2)).toEqual({
      healthy: false,
      detail: '1/2 targets healthy in shop-a: 1 target initial: 10.0.1.6:8080'
    })
    expect(judgeTargets(svc, [], 1)).toEqual({
      healthy: false,
      detail: '0/1 targets healthy in shop-a'
    })
  })

  it('matches tasks in the alternate group by the host port of the same container', async () => {
    const bound = (id: string, hostPort: number) => ({
      taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/${CLUSTER}/${id}`,
      lastStatus: 'RUNNING',
      containers: [
        {
          name: 'web',
          networkBindings: [{ bindIP: '127.0.0.1', containerPort: 8080, hostPort }]
        }
      ]
    })
    elbMock
      .on(DescribeTargetHealthCommand, { TargetGroupArn: SHOP_A })
      .resolves({ TargetHealthDescriptions: [] })
      .on(DescribeTargetHealthCommand, { TargetGroupArn: SHOP_B })
      .resolves({
        TargetHealthDescriptions: [
          health('127.0.0.1', 'healthy', undefined, undefined, 32001),
          health('127.0.0.1', 'healthy', undefined, undefined, 32009)
        ]
      })
    const targets = await observeTargets(
      { elb },
      { cluster: CLUSTER, service: live(SHIFTING), tasks: [bound(TASK_A, 32001)] }
    )
    expect(targets.map(t => [t.targetGroupArn, t.port, t.taskId])).toEqual([
      [SHOP_B, 32001, TASK_A]
    ])
  })
})

describe('a rolling service: the same calls and texts as before', () => {
  it('describes its one group and judges it', async () => {
    const both = [health('10.0.1.5', 'healthy'), health('10.0.1.6', 'healthy')]
    elbMock.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: both })
    const svc = live(PLAIN)
    const targets = await observeTargets({ elb }, { cluster: CLUSTER, service: svc, tasks: ours })

    expect(describedGroups()).toEqual([SHOP_A])
    expect(targets.map(t => [t.targetGroupArn, t.taskId])).toEqual([
      [SHOP_A, TASK_A],
      [SHOP_A, TASK_B]
    ])
    expect(judgeTargets(svc, targets, 2)).toEqual({
      healthy: true,
      detail: '2/2 targets healthy in shop-a'
    })
    // Targets elsewhere (not a group of the service) are never judged.
    const elsewhere = targets.map(t => ({ ...t, targetGroupArn: SHOP_B }))
    expect(judgeTargets(svc, elsewhere, 2).detail).toBe('0/2 targets healthy in shop-a')
  })
})

describe('observeService of a traffic-shifting service', () => {
  function runningTasksOfOurs(): void {
    ecsMock
      .on(ListTasksCommand, { desiredStatus: 'RUNNING' })
      .resolves({ taskArns: ours.map(task => task.taskArn as string) })
      .on(ListTasksCommand, { desiredStatus: 'STOPPED' })
      .resolves({ taskArns: [] })
      .on(DescribeTasksCommand)
      .resolves({ tasks: ours })
  }
  const options = { cluster: CLUSTER, name: 'web', stoppedSince: T0 - 60_000 }

  it('serves with its tasks healthy in the alternate group', async () => {
    runningTasksOfOurs()
    tasksInAlternate()
    const observation = await observeService(live(SHIFTING), options, { ecs, elb, now: T0 })

    expect(observation.problems).toEqual([])
    expect(describeServing(observation)).toBe(
      `deployment ${NEW} COMPLETED with 2/2 tasks of web:42 running, 2/2 targets healthy in shop-b`
    )
  })

  it('names a task of ours missing from the group that holds the others', async () => {
    runningTasksOfOurs()
    elbMock
      .on(DescribeTargetHealthCommand, { TargetGroupArn: SHOP_A })
      .resolves({ TargetHealthDescriptions: [] })
      .on(DescribeTargetHealthCommand, { TargetGroupArn: SHOP_B })
      .resolves({ TargetHealthDescriptions: [health('10.0.1.5', 'healthy')] })
    const observation = await observeService(live(SHIFTING), options, { ecs, elb, now: T0 })

    expect(observation.problems).toEqual([
      '1/2 targets healthy in shop-b',
      `task ${TASK_B} is not a target of shop-b`
    ])
  })
})

import { beforeEach, describe, expect, it } from '@jest/globals'
import type { Task } from '@aws-sdk/client-ecs'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { observeTargets, targetGroupsOf, taskIp, taskPort } from '../src/observe/targets.js'
import {
  CLUSTER,
  health,
  LB,
  OLD,
  runningTask,
  service,
  TASK_A,
  TASK_B,
  TASK_OLD,
  taskArn,
  TG,
  TG2
} from './watch-fixtures.js'

const elbMock = mockClient(ElasticLoadBalancingV2Client)
const elb = new ElasticLoadBalancingV2Client({ region: 'eu-west-1' })

beforeEach(() => {
  elbMock.reset()
})

/** A task of the local simulator: no ENI, bound to 127.0.0.1 on its own host port. */
function boundTask(id: string, hostPort: number): Task {
  return {
    taskArn: taskArn(id),
    lastStatus: 'RUNNING',
    containers: [
      {
        name: 'web',
        networkBindings: [{ bindIP: '127.0.0.1', containerPort: 8080, hostPort, protocol: 'tcp' }]
      }
    ]
  }
}

describe('taskIp and taskPort', () => {
  it.each([
    ['ENI attachment', runningTask(TASK_A, '10.0.1.5'), '10.0.1.5'],
    [
      'container network interface',
      { containers: [{ name: 'web', networkInterfaces: [{ privateIpv4Address: '10.0.2.9' }] }] },
      '10.0.2.9'
    ],
    ['host binding', boundTask(TASK_A, 32001), '127.0.0.1'],
    [
      'wildcard binding only',
      { containers: [{ networkBindings: [{ bindIP: '0.0.0.0', hostPort: 1 }] }] },
      undefined
    ],
    [
      'ENI without an address',
      {
        attachments: [
          { type: 'ElasticNetworkInterface', details: [{ name: 'subnetId', value: 's' }] }
        ]
      },
      undefined
    ]
  ])('IP from %s', (_what, task: Task, ip) => {
    expect(taskIp(task)).toBe(ip)
  })

  it.each([
    ['awsvpc: the container port', runningTask(TASK_A, '10.0.1.5'), LB, 8080],
    ['simulator: the host port bound to the container port', boundTask(TASK_A, 32001), LB, 32001],
    [
      'a binding of another container port: the first host port',
      {
        containers: [{ name: 'web', networkBindings: [{ containerPort: 9000, hostPort: 32005 }] }]
      },
      LB,
      32005
    ],
    ['no container of that name', boundTask(TASK_A, 32001), { ...LB, containerName: 'api' }, 8080]
  ])('port for %s', (_what, task: Task, loadBalancer, port) => {
    expect(taskPort(task, loadBalancer)).toBe(port)
  })

  it('targetGroupsOf lists each target group once', () => {
    const svc = service({
      deployments: [],
      loadBalancers: [
        LB,
        { ...LB, containerPort: 8081 },
        { targetGroupArn: TG2, containerName: 'web', containerPort: 9090 },
        { loadBalancerName: 'classic' }
      ]
    })
    expect(targetGroupsOf(svc)).toEqual([TG, TG2])
  })
})

describe('observeTargets', () => {
  it('asks each target group once and keeps only the targets of our running tasks', async () => {
    const svc = service({
      deployments: [],
      loadBalancers: [LB, { targetGroupArn: TG2, containerName: 'web', containerPort: 9090 }]
    })
    elbMock
      .on(DescribeTargetHealthCommand, { TargetGroupArn: TG })
      .resolves({
        TargetHealthDescriptions: [
          health('10.0.1.5', 'healthy'),
          health(
            '10.0.1.6',
            'unhealthy',
            'Target.ResponseCodeMismatch',
            'Health checks failed with these codes: [503]'
          ),
          health(
            '10.0.9.9',
            'draining',
            'Target.DeregistrationInProgress',
            'Target deregistration is in progress'
          ),
          health(
            '10.0.1.5',
            'unused',
            'Target.NotRegistered',
            'Target is not registered to the target group',
            9999
          ),
          { TargetHealth: { State: 'healthy' } }
        ]
      })
      .on(DescribeTargetHealthCommand, { TargetGroupArn: TG2 })
      .resolves({
        TargetHealthDescriptions: [
          { Target: { Id: '10.0.1.5' }, HealthCheckPort: '9090', TargetHealth: {} }
        ]
      })
    const tasks = [
      runningTask(TASK_A, '10.0.1.5'),
      runningTask(TASK_B, '10.0.1.6'),
      { ...runningTask(TASK_OLD, '10.0.9.9', OLD), lastStatus: 'DEACTIVATING' }
    ]
    const calls: string[] = []
    const targets = await observeTargets(
      { elb, onAwsCall: op => calls.push(op) },
      { cluster: CLUSTER, service: svc, tasks }
    )
    expect(
      elbMock.commandCalls(DescribeTargetHealthCommand).map(call => call.args[0].input)
    ).toEqual([{ TargetGroupArn: TG }, { TargetGroupArn: TG2 }])
    expect(calls).toEqual(['DescribeTargetHealth', 'DescribeTargetHealth'])
    expect(targets).toEqual([
      { targetGroupArn: TG, id: '10.0.1.5', port: 8080, state: 'healthy', taskId: TASK_A },
      {
        targetGroupArn: TG,
        id: '10.0.1.6',
        port: 8080,
        state: 'unhealthy',
        reason: 'Target.ResponseCodeMismatch',
        description: 'Health checks failed with these codes: [503]',
        taskId: TASK_B
      },
      { targetGroupArn: TG2, id: '10.0.1.5', port: 9090, state: 'unknown', taskId: TASK_A }
    ])
  })

  it('tells simulator tasks on one IP apart by host port', async () => {
    const svc = service({ deployments: [], loadBalancers: [LB] })
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        health('127.0.0.1', 'healthy', undefined, undefined, 32001),
        health(
          '127.0.0.1',
          'initial',
          'Elb.InitialHealthChecking',
          'Initial health checks in progress',
          32002
        ),
        health('127.0.0.1', 'healthy', undefined, undefined, 32003)
      ]
    })
    const targets = await observeTargets(
      { elb },
      {
        cluster: CLUSTER,
        service: svc,
        tasks: [boundTask(TASK_A, 32001), boundTask(TASK_B, 32002)]
      }
    )
    expect(targets.map(t => [t.port, t.state, t.taskId])).toEqual([
      [32001, 'healthy', TASK_A],
      [32002, 'initial', TASK_B]
    ])
  })

  it('copes with sparse answers: no port, no health, empty target group ARNs', async () => {
    const svc = service({ deployments: [], loadBalancers: [LB, { targetGroupArn: '' }] })
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: '10.0.3.3' } },
        { Target: { Id: '10.0.4.4', Port: 8080 } }
      ]
    })
    const sparse: Task = {
      lastStatus: 'RUNNING',
      attachments: [{ type: 'ElasticNetworkInterface', details: [{ name: 'privateIPv4Address' }] }],
      containers: [
        {
          name: 'web',
          networkInterfaces: [{}, { privateIpv4Address: '10.0.3.3' }],
          networkBindings: [{ containerPort: 8080 }]
        }
      ]
    }
    const targets = await observeTargets(
      { elb },
      { cluster: CLUSTER, service: svc, tasks: [sparse] }
    )
    expect(elbMock).toHaveReceivedCommandTimes(DescribeTargetHealthCommand, 1)
    expect(targets).toEqual([
      { targetGroupArn: TG, id: '10.0.3.3', port: 0, state: 'unknown', taskId: '' }
    ])
    expect(taskIp({ containers: [{ networkBindings: [{ hostPort: 1 }] }] })).toBeUndefined()
  })

  it('makes no call for a service without target groups', async () => {
    const targets = await observeTargets(
      { elb },
      { cluster: CLUSTER, service: service({ deployments: [] }), tasks: [] }
    )
    expect(targets).toEqual([])
    expect(elbMock).not.toHaveReceivedAnyCommand()
  })
})

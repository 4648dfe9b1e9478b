import type { Deployment, LoadBalancer, Service, ServiceEvent, Task } from '@aws-sdk/client-ecs'
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2'

/** Test data shaped like real DescribeServices / DescribeTasks / DescribeTargetHealth answers. */

export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0)
export const at = (seconds: number) => new Date(T0 + seconds * 1000)

export const CLUSTER = 'prod'
export const OLD = 'ecs-svc/1111111111111111111'
export const NEW = 'ecs-svc/2222222222222222222'
export const ROLLBACK = 'ecs-svc/3333333333333333333'
export const OTHER = 'ecs-svc/4444444444444444444'
export const TD_OLD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:41'
export const TD_NEW = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42'
export const TD_OTHER = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:43'
export const TG =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-tg/73e2d6bc24d8a067'
export const TG2 =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-admin/0a1b2c3d4e5f6789'
export const LB: LoadBalancer = { targetGroupArn: TG, containerName: 'web', containerPort: 8080 }

export function deployment(fields: Partial<Deployment> & { id: string }): Deployment {
  const isNew = fields.id === NEW
  return {
    status: 'PRIMARY',
    taskDefinition: isNew ? TD_NEW : TD_OLD,
    desiredCount: 2,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: at(-10),
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${fields.id} in progress.`,
    ...fields
  }
}

/** The old deployment being replaced, still running its tasks. */
export const oldActive = (running = 2) =>
  deployment({
    id: OLD,
    status: 'ACTIVE',
    runningCount: running,
    rolloutState: 'COMPLETED',
    rolloutStateReason: `ECS deployment ${OLD} completed.`,
    createdAt: at(-3600)
  })

export function event(id: string, seconds: number, message: string): ServiceEvent {
  return { id, createdAt: at(seconds), message }
}

export function service(fields: Partial<Service> & { deployments: Deployment[] }): Service {
  const name = fields.serviceName ?? 'web'
  return {
    serviceName: name,
    serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/${CLUSTER}/${name}`,
    status: 'ACTIVE',
    desiredCount: 2,
    events: [],
    loadBalancers: [],
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100
    },
    ...fields
  }
}

export const taskArn = (id: string) => `arn:aws:ecs:eu-west-1:123456789012:task/${CLUSTER}/${id}`

export function runningTask(id: string, ip: string, startedBy = NEW): Task {
  return {
    taskArn: taskArn(id),
    taskDefinitionArn: startedBy === NEW ? TD_NEW : TD_OLD,
    startedBy,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    attachments: [
      {
        type: 'ElasticNetworkInterface',
        status: 'ATTACHED',
        details: [
          { name: 'subnetId', value: 'subnet-0abc' },
          { name: 'privateIPv4Address', value: ip }
        ]
      }
    ],
    containers: [{ name: 'web', lastStatus: 'RUNNING', image: 'web:1.2.3' }]
  }
}

export function stoppedTask(
  id: string,
  fields: { stopCode: string; stoppedReason: string; exitCode?: number; reason?: string }
): Task {
  return {
    taskArn: taskArn(id),
    taskDefinitionArn: TD_NEW,
    startedBy: NEW,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: fields.stopCode as Task['stopCode'],
    stoppedReason: fields.stoppedReason,
    stoppedAt: at(30),
    containers: [
      {
        name: 'web',
        image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2.4',
        lastStatus: 'STOPPED',
        ...(fields.exitCode !== undefined && { exitCode: fields.exitCode }),
        ...(fields.reason !== undefined && { reason: fields.reason })
      }
    ]
  }
}

export const crashedTask = (id: string) =>
  stoppedTask(id, {
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    exitCode: 1
  })

export const oomTask = (id: string) =>
  stoppedTask(id, {
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    exitCode: 137,
    reason: 'OutOfMemoryError: Container killed due to memory usage'
  })

export function health(
  ip: string,
  state: string,
  reason?: string,
  description?: string,
  port = 8080
): TargetHealthDescription {
  return {
    Target: { Id: ip, Port: port },
    HealthCheckPort: String(port),
    TargetHealth: {
      State: state as NonNullable<TargetHealthDescription['TargetHealth']>['State'],
      ...(reason !== undefined && { Reason: reason as never }),
      ...(description !== undefined && { Description: description })
    }
  }
}

export const TASK_A = '0f3c9e1d2b4a45f6a7b8c9d0e1f2a3b4'
export const TASK_B = '1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6'
export const TASK_OLD = '9e8d7c6b5a4f43e2d1c0b9a8f7e6d5c4'

/* ---- harness for watchRollout ---- */

import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { FakeClock, MemoryLogger } from '@fargate-promote/common'
import type { AwsClientStub } from 'aws-sdk-client-mock'
import type { WatchDeps, WatchOptions } from '../src/watch/types.js'

export function watchOptions(fields: Partial<WatchOptions> = {}): WatchOptions {
  return {
    cluster: CLUSTER,
    targets: [{ service: 'web', deploymentId: NEW, taskDefinitionArn: TD_NEW }],
    timeoutMs: 30 * 60_000,
    pollIntervalMs: 5_000,
    waitForTargetHealth: 'auto',
    followRollback: true,
    ...fields
  }
}

export function watchDeps(fields: Partial<WatchDeps> = {}) {
  const clock = new FakeClock(T0)
  const log = new MemoryLogger()
  const deps = {
    ecs: new ECSClient({ region: 'eu-west-1' }),
    elb: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
    clock,
    log,
    ...fields
  }
  return { clock, log, deps }
}

/** One DescribeServices answer per poll, the last one repeated. */
export function describeServicesSequence(
  mock: AwsClientStub<ECSClient>,
  ...answers: Service[][]
): void {
  const behaviour = mock.on(DescribeServicesCommand)
  answers.forEach((services, index) => {
    if (index === answers.length - 1) behaviour.resolves({ services })
    else behaviour.resolvesOnce({ services })
  })
}

export function infoLines(log: MemoryLogger): string[] {
  return log.lines.filter(line => line.level === 'info').map(line => line.message)
}

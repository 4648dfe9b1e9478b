import type { Deployment, Service, TaskDefinition } from '@aws-sdk/client-ecs'

export const CLUSTER = 'prod'
export const ACCOUNT = '123456789012'
export const REGION = 'eu-west-1'
export const ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`

export function tdArn(family: string, revision: number): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`
}

export function serviceArn(name: string): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${name}`
}

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'ecs-svc/1111111111111111111',
    status: 'PRIMARY',
    taskDefinition: tdArn('api', 7),
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    failedTasks: 0,
    rolloutState: 'COMPLETED',
    rolloutStateReason: 'ECS deployment ecs-svc/1111111111111111111 completed.',
    launchType: 'FARGATE',
    createdAt: new Date('2026-11-20T10:00:00Z'),
    updatedAt: new Date('2026-11-20T10:05:00Z'),
    ...overrides
  }
}

export function service(name = 'api', overrides: Partial<Service> = {}): Service {
  return {
    serviceName: name,
    serviceArn: serviceArn(name),
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`,
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    taskDefinition: tdArn('api', 7),
    deploymentController: { type: 'ECS' },
    deploymentConfiguration: {
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      deploymentCircuitBreaker: { enable: false, rollback: false }
    },
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: ['subnet-1', 'subnet-2'],
        securityGroups: ['sg-1'],
        assignPublicIp: 'DISABLED'
      }
    },
    loadBalancers: [],
    deployments: [deployment()],
    events: [],
    ...overrides
  }
}

export function taskDefinition(
  family = 'api',
  revision = 7,
  overrides: Partial<TaskDefinition> = {}
): TaskDefinition {
  return {
    taskDefinitionArn: tdArn(family, revision),
    family,
    revision,
    status: 'ACTIVE',
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    compatibilities: ['EC2', 'FARGATE'],
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/exec`,
    registeredAt: new Date('2026-11-20T09:00:00Z'),
    registeredBy: `arn:aws:iam::${ACCOUNT}:role/deployer`,
    containerDefinitions: [
      {
        name: 'web',
        image: `${ECR}/api:1.0.0`,
        essential: true,
        cpu: 0,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        environment: [{ name: 'LOG_LEVEL', value: 'info' }],
        mountPoints: [],
        volumesFrom: []
      },
      { name: 'migrate-helper', image: `${ECR}/tools:1`, essential: false, cpu: 0 }
    ],
    ...overrides
  }
}

export const ACTIVE_CLUSTER = {
  clusters: [
    {
      clusterName: CLUSTER,
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`,
      status: 'ACTIVE'
    }
  ]
}

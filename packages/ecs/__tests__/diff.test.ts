import { describe, expect, it } from '@jest/globals'
import type { TaskDefinition } from '@aws-sdk/client-ecs'
import { diffTaskDefinitions, formatDiff } from '../src/task-definitions/diff.js'

// What DescribeTaskDefinition returns: defaults filled in, read-only fields present.
function live(): TaskDefinition {
  return {
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/api:7',
    revision: 7,
    status: 'ACTIVE',
    family: 'api',
    cpu: '256',
    memory: '512',
    registeredAt: new Date('2026-01-01T00:00:00Z'),
    volumes: [],
    containerDefinitions: [
      {
        name: 'web',
        image: 'ghcr.io/acme/api:1.0.0',
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        mountPoints: [],
        volumesFrom: [],
        dockerLabels: {},
        logConfiguration: { logDriver: 'awslogs', options: {}, secretOptions: [] },
        command: ['node', 'server.js'],
        environment: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'API_TOKEN', value: 'super-secret-old' },
          { name: 'GONE', value: 'bye' }
        ],
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/db-v1' },
          { name: 'OLD_SECRET', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/old' }
        ]
      },
      {
        name: 'sidecar',
        image: 'envoyproxy/envoy:v1.30',
        cpu: 0,
        essential: false,
        mountPoints: []
      }
    ]
  }
}

// What a file gives for the same content: no defaults, no read-only fields.
function sameFromFile(): TaskDefinition {
  return {
    family: 'api',
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'web',
        image: 'ghcr.io/acme/api:1.0.0',
        essential: true,
        portMappings: [{ protocol: 'tcp', containerPort: 8080 }],
        logConfiguration: { logDriver: 'awslogs' },
        command: ['node', 'server.js'],
        environment: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'API_TOKEN', value: 'super-secret-old' },
          { name: 'GONE', value: 'bye' }
        ],
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/db-v1' },
          { name: 'OLD_SECRET', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/old' }
        ]
      },
      { name: 'sidecar', image: 'envoyproxy/envoy:v1.30', essential: false }
    ]
  }
}

describe('diffTaskDefinitions', () => {
  it('finds no change between a described revision and the same content from a file', () => {
    const diff = diffTaskDefinitions(live(), sameFromFile())
    expect(diff).toEqual({
      changed: false,
      containersAdded: [],
      containersRemoved: [],
      containers: [],
      otherFieldsChanged: []
    })
    expect(formatDiff(diff)).toEqual(['task definition: no changes'])
  })

  it('reports images, environment and secret names, cpu/memory and command changes', () => {
    const next = sameFromFile()
    next.cpu = '512'
    next.memory = '1024'
    next.taskRoleArn = 'arn:aws:iam::1:role/new'
    const web = next.containerDefinitions![0]!
    web.image = 'ghcr.io/acme/api:1.1.0'
    web.cpu = 128
    web.memory = 256
    web.memoryReservation = 128
    web.command = ['node', 'server.js', '--cluster']
    web.entryPoint = ['/sbin/tini', '--']
    web.healthCheck = { command: ['CMD', 'true'] }
    web.environment = [
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'API_TOKEN', value: 'super-secret-new' },
      { name: 'NEW_FLAG', value: 'on' }
    ]
    web.secrets = [
      { name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/db-v2' },
      { name: 'NEW_SECRET', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/new' }
    ]
    const diff = diffTaskDefinitions(live(), next)
    expect(diff).toEqual({
      changed: true,
      cpu: { from: '256', to: '512' },
      memory: { from: '512', to: '1024' },
      containersAdded: [],
      containersRemoved: [],
      otherFieldsChanged: ['taskRoleArn'],
      containers: [
        {
          name: 'web',
          image: { from: 'ghcr.io/acme/api:1.0.0', to: 'ghcr.io/acme/api:1.1.0' },
          environment: {
            added: ['NEW_FLAG'],
            removed: ['GONE'],
            changed: ['LOG_LEVEL', 'API_TOKEN']
          },
          secrets: { added: ['NEW_SECRET'], removed: ['OLD_SECRET'], changed: ['DB_PASSWORD'] },
          cpu: { to: 128 },
          memory: { to: 256 },
          memoryReservation: { to: 128 },
          commandChanged: true,
          entryPointChanged: true,
          otherFieldsChanged: ['healthCheck']
        }
      ]
    })
    const text = formatDiff(diff)
    expect(text).toEqual([
      'task definition: cpu 256 → 512',
      'task definition: memory 512 → 1024',
      'task definition: changed taskRoleArn',
      'container web: image ghcr.io/acme/api:1.0.0 → ghcr.io/acme/api:1.1.0',
      'container web: environment added NEW_FLAG; removed GONE; changed LOG_LEVEL, API_TOKEN',
      'container web: secrets added NEW_SECRET; removed OLD_SECRET; changed DB_PASSWORD',
      'container web: cpu (none) → 128',
      'container web: memory (none) → 256',
      'container web: memoryReservation (none) → 128',
      'container web: command changed',
      'container web: entryPoint changed',
      'container web: changed healthCheck'
    ])
  })

  it('never includes an environment value or a secret source, in the diff or its text', () => {
    const next = sameFromFile()
    next.containerDefinitions![0]!.environment = [{ name: 'API_TOKEN', value: 'super-secret-new' }]
    next.containerDefinitions![0]!.secrets = [
      { name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-1:1:parameter/db-v2' }
    ]
    const diff = diffTaskDefinitions(live(), next)
    const everything = JSON.stringify(diff) + formatDiff(diff).join('\n')
    for (const secret of ['super-secret', 'parameter/db', 'parameter/old', 'info', 'bye']) {
      expect(everything).not.toContain(secret)
    }
    expect(everything).toContain('API_TOKEN')
  })

  it('reports containers added and removed, and a family change', () => {
    const next = sameFromFile()
    next.family = 'api-v2'
    next.containerDefinitions = [
      next.containerDefinitions![0]!,
      { name: 'otel', image: 'otel/collector:0.100.0' }
    ]
    const diff = diffTaskDefinitions(live(), next)
    expect(diff.changed).toBe(true)
    expect(diff.family).toEqual({ from: 'api', to: 'api-v2' })
    expect(diff.containersAdded).toEqual(['otel'])
    expect(diff.containersRemoved).toEqual(['sidecar'])
    expect(formatDiff(diff)).toEqual([
      'task definition: family api → api-v2',
      'container otel: added',
      'container sidecar: removed'
    ])
  })

  it('treats a removed task cpu as a change to (none)', () => {
    const next = sameFromFile()
    delete next.cpu
    const diff = diffTaskDefinitions(live(), next)
    expect(diff.cpu).toEqual({ from: '256' })
    expect(formatDiff(diff)).toEqual(['task definition: cpu 256 → (none)'])
  })

  it('lists variables of a container that had none as added', () => {
    const next = sameFromFile()
    next.containerDefinitions![1]!.environment = [{ name: 'ENVOY_LOG', value: 'debug' }]
    next.containerDefinitions![1]!.secrets = [
      { name: 'TLS_KEY', valueFrom: 'arn:aws:secretsmanager:x' }
    ]
    const diff = diffTaskDefinitions(live(), next)
    expect(diff.containers).toEqual([
      expect.objectContaining({
        name: 'sidecar',
        environment: { added: ['ENVOY_LOG'], removed: [], changed: [] },
        secrets: { added: ['TLS_KEY'], removed: [], changed: [] }
      })
    ])
  })

  it('copes with definitions without containers', () => {
    expect(diffTaskDefinitions({ family: 'a' }, { family: 'a' }).changed).toBe(false)
  })
})

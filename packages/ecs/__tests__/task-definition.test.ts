import { describe, expect, it } from '@jest/globals'
import { isConfigurationError } from '@fargate-promote/common'
import { mergeEnvironment, renderTaskDefinition } from '../src/task-definitions/render.js'
import { familyOf, parseTaskDefinitionArn, shortName } from '../src/task-definitions/arn.js'

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'

function fileDefinition(): Record<string, unknown> {
  return {
    family: 'api',
    cpu: 256,
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    containerDefinitions: [
      {
        name: 'web',
        image: `${ECR}/api:1.0.0`,
        essential: true,
        environment: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' }
        ],
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/db' }
        ]
      },
      {
        name: 'log-router',
        image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32',
        essential: false
      }
    ]
  }
}

function describedDefinition(): Record<string, unknown> {
  return {
    ...fileDefinition(),
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/api:7',
    revision: 7,
    status: 'ACTIVE',
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.ecr-auth' }],
    compatibilities: ['EC2', 'FARGATE'],
    registeredAt: new Date('2026-01-01T00:00:00Z'),
    registeredBy: 'arn:aws:iam::123456789012:user/dev',
    deregisteredAt: new Date('2026-02-01T00:00:00Z')
  }
}

function expectConfigError(fn: () => unknown, ...parts: string[]): void {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  expect(isConfigurationError(caught)).toBe(true)
  for (const part of parts) expect((caught as Error).message).toContain(part)
}

const none = { images: {}, environment: {}, tags: {}, source: 'task-definition.json' }

describe('renderTaskDefinition', () => {
  it('strips read-only fields from a DescribeTaskDefinition result and keeps the rest', () => {
    const { input, family } = renderTaskDefinition({ ...none, base: describedDefinition() })
    expect(family).toBe('api')
    for (const field of [
      'taskDefinitionArn',
      'revision',
      'status',
      'requiresAttributes',
      'compatibilities',
      'registeredAt',
      'registeredBy',
      'deregisteredAt'
    ]) {
      expect(input).not.toHaveProperty(field)
    }
    expect(input).toEqual({ ...fileDefinition(), cpu: '256' })
  })

  it('accepts a whole describe-task-definition output and keeps its tags, dropping aws: ones', () => {
    const { input } = renderTaskDefinition({
      ...none,
      base: {
        taskDefinition: describedDefinition(),
        tags: [
          { key: 'team', value: 'payments' },
          { key: 'aws:cloudformation:stack-name', value: 'stack' },
          { key: 'version', value: '1.0.0' }
        ]
      },
      tags: { version: '1.1.0', commit: 'abc123' }
    })
    expect(input.family).toBe('api')
    expect(input.tags).toEqual([
      { key: 'team', value: 'payments' },
      { key: 'version', value: '1.1.0' },
      { key: 'commit', value: 'abc123' }
    ])
  })

  it('sets images per container and returns every container image', () => {
    const rendered = renderTaskDefinition({
      ...none,
      base: fileDefinition(),
      images: { web: `${ECR}/api:1.1.0` }
    })
    expect(rendered.input.containerDefinitions?.[0]?.image).toBe(`${ECR}/api:1.1.0`)
    expect(rendered.imagesByContainer).toEqual({
      web: `${ECR}/api:1.1.0`,
      'log-router': 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32'
    })
  })

  it('merges environment: replaces same name in place, keeps order, appends new', () => {
    const { input } = renderTaskDefinition({
      ...none,
      base: fileDefinition(),
      environment: { web: { B: 'two', C: '3' }, 'log-router': { LEVEL: 'info' } }
    })
    expect(input.containerDefinitions?.[0]?.environment).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
      { name: 'C', value: '3' }
    ])
    expect(input.containerDefinitions?.[1]?.environment).toEqual([{ name: 'LEVEL', value: 'info' }])
  })

  it('does not modify the base object', () => {
    const base = fileDefinition()
    const before = JSON.stringify(base)
    renderTaskDefinition({
      ...none,
      base,
      images: { web: 'nginx:1' },
      environment: { web: { A: 'x' } }
    })
    expect(JSON.stringify(base)).toBe(before)
  })

  it('omits tags when there are none', () => {
    expect(renderTaskDefinition({ ...none, base: fileDefinition() }).input).not.toHaveProperty(
      'tags'
    )
  })

  it.each([
    ['not an object', [], 'expected a JSON object, got an array'],
    ['a string', 'x', 'got string'],
    [
      'missing family',
      { containerDefinitions: [{ name: 'a', image: 'nginx' }] },
      "'family' is missing"
    ],
    ['no containers', { family: 'api' }, "'containerDefinitions' is missing or empty"],
    ['empty containers', { family: 'api', containerDefinitions: [] }, 'missing or empty'],
    [
      'nameless container',
      { family: 'api', containerDefinitions: [{ image: 'nginx' }] },
      "containerDefinitions[0] has no 'name'"
    ],
    [
      'imageless container',
      { family: 'api', containerDefinitions: [{ name: 'web' }] },
      "container 'web' has no 'image'"
    ],
    [
      'misspelt field',
      {
        family: 'api',
        containerDefinition: [],
        taskRole: 'x',
        containerDefinitions: [{ name: 'a', image: 'b' }]
      },
      "unknown fields 'containerDefinition', 'taskRole'"
    ]
  ])('refuses a task definition with %s', (_why, base, message) => {
    expectConfigError(
      () => renderTaskDefinition({ ...none, base }),
      'task-definition.json',
      message
    )
  })

  it('refuses an image for an unknown container and lists the real ones', () => {
    expectConfigError(
      () => renderTaskDefinition({ ...none, base: fileDefinition(), images: { app: 'nginx:1' } }),
      "Input 'images': container 'app' is not in task definition task-definition.json",
      "'web', 'log-router'"
    )
  })

  it('refuses an invalid image reference, naming the input', () => {
    expectConfigError(
      () =>
        renderTaskDefinition({ ...none, base: fileDefinition(), images: { web: 'API:latest' } }),
      "Input 'images': 'API:latest' is not a valid image reference"
    )
  })

  it.each([
    [{ app: { A: '1' } }, "Input 'environment-variables': container 'app'"],
    [{ web: { '1BAD': 'x' } }, "'1BAD' (container 'web') is not a valid variable name"],
    [{ web: { 'WITH-DASH': 'x' } }, "'WITH-DASH'"]
  ])('refuses bad environment %j', (environment, message) => {
    expectConfigError(
      () => renderTaskDefinition({ ...none, base: fileDefinition(), environment }),
      message
    )
  })

  it.each([
    [{ 'aws:owner': 'me' }, "'aws:owner' uses the 'aws:' prefix"],
    [{ 'AWS:x': 'me' }, "'AWS:x' uses the 'aws:' prefix"],
    [{ ['k'.repeat(129)]: 'v' }, 'must be 1 to 128 characters long (it has 129)'],
    [{ '': 'v' }, 'must be 1 to 128'],
    [{ run: 'v'.repeat(257) }, "the value of 'run' is 257 characters long"],
    [{ note: 'a;b' }, "'note=a;b' has characters ECS does not accept"]
  ])('refuses bad tags %j', (tags, message) => {
    expectConfigError(
      () => renderTaskDefinition({ ...none, base: fileDefinition(), tags }),
      "Input 'tags':",
      message
    )
  })

  it('accepts the tags the action adds (URLs, refs, actors) at their limits', () => {
    const tags = {
      version: '1.4.2+build.7',
      'commit-sha': 'a'.repeat(40),
      ref: 'refs/heads/feature/x',
      'run-url': 'https://github.com/acme/api/actions/runs/123',
      actor: 'octo-cat',
      ['k'.repeat(128)]: 'v'.repeat(256)
    }
    const { input } = renderTaskDefinition({ ...none, base: fileDefinition(), tags })
    expect(input.tags).toHaveLength(6)
  })

  it('refuses more than 50 tags in total, counting the ones carried by the base', () => {
    const baseTags = Array.from({ length: 45 }, (_, i) => ({ key: `base${i}`, value: 'x' }))
    const tags = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`new${i}`, 'y']))
    expectConfigError(
      () =>
        renderTaskDefinition({
          ...none,
          base: { taskDefinition: fileDefinition(), tags: baseTags },
          tags
        }),
      'would carry 51 tags; ECS allows at most 50'
    )
    const fifty = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`new${i}`, 'y']))
    const { input } = renderTaskDefinition({
      ...none,
      base: { taskDefinition: fileDefinition(), tags: baseTags },
      tags: fifty
    })
    expect(input.tags).toHaveLength(50)
  })
})

describe('mergeEnvironment', () => {
  it('starts from nothing when the container has no environment', () => {
    expect(mergeEnvironment(undefined, { A: '1' })).toEqual([{ name: 'A', value: '1' }])
  })
})

describe('task definition ARNs', () => {
  it.each([
    [
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/api:7',
      { family: 'api', revision: 7 },
      'api:7'
    ],
    [
      'arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/my_api-2',
      { family: 'my_api-2' },
      'my_api-2'
    ],
    ['api:12', { family: 'api', revision: 12 }, 'api:12'],
    ['api', { family: 'api' }, 'api']
  ])('parses %s', (arn, parsed, short) => {
    expect(parseTaskDefinitionArn(arn)).toEqual(parsed)
    expect(familyOf(arn)).toBe(parsed.family)
    expect(shortName(arn)).toBe(short)
  })

  it.each(['arn:aws:ecs:eu-west-1:1:service/x/y', 'api:x', 'a b'])('rejects %s', arn => {
    expect(parseTaskDefinitionArn(arn)).toBeUndefined()
    expect(familyOf(arn)).toBe(arn)
    expect(shortName(arn)).toBe(arn)
  })
})

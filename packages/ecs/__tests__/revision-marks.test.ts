import { beforeEach, describe, expect, it } from '@jest/globals'
import { DescribeTaskDefinitionCommand, ECSClient, TagResourceCommand } from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { MemoryLogger } from '@fargate-promote/common'
import { describeRevision, sanitizeTagValue, tagRolledBack } from '../src/task-definitions/marks.js'
import {
  ROLLBACK_REASON_TAG,
  ROLLED_BACK_AT_TAG,
  TAG_VALUE_LIMIT
} from '../src/task-definitions/tags.js'

const ecs = mockClient(ECSClient)
const ARN = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7'
let log: MemoryLogger
const deps = () => ({ ecs: new ECSClient({ region: 'eu-west-1' }), log })

beforeEach(() => {
  ecs.reset()
  log = new MemoryLogger()
})

describe('sanitizeTagValue', () => {
  it('keeps what ECS accepts, turns the rest into single spaces, and cuts at 256 characters', () => {
    expect(sanitizeTagValue('error rate 20% after 1.1.0 (see INC-42) — résumé')).toBe(
      'error rate 20 after 1.1.0 see INC-42 résumé'
    )
    expect(Array.from(sanitizeTagValue('é'.repeat(300)))).toHaveLength(TAG_VALUE_LIMIT)
  })
})

describe('tagRolledBack', () => {
  it('writes when and why on the revision', async () => {
    ecs.on(TagResourceCommand).resolves({})
    const at = new Date('2026-11-26T12:00:00Z')
    expect(await tagRolledBack(ARN, 'bad\nrelease', at, deps())).toBe(true)
    expect(ecs).toHaveReceivedCommandWith(TagResourceCommand, {
      resourceArn: ARN,
      tags: [
        { key: ROLLED_BACK_AT_TAG, value: '2026-11-26T12:00:00.000Z' },
        { key: ROLLBACK_REASON_TAG, value: 'bad release' }
      ]
    })
  })

  it('is a warning, not a failure, when the tags cannot be written', async () => {
    ecs.on(TagResourceCommand).rejects(new Error('AccessDeniedException'))
    expect(await tagRolledBack(ARN, 'r', new Date(0), deps())).toBe(false)
    expect(log.text()).toContain('Could not tag web:7 with the rollback: AccessDeniedException')
  })
})

describe('describeRevision', () => {
  it('gives the images by container and the version tag', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn: ARN,
        containerDefinitions: [
          { name: 'web', image: 'repo/web:1.0.0' },
          { name: 'sidecar', image: 'repo/envoy:1.30' }
        ]
      },
      tags: [{ key: 'version', value: '1.0.0' }]
    })
    expect(await describeRevision(ARN, deps())).toEqual({
      arn: ARN,
      version: '1.0.0',
      images: { web: 'repo/web:1.0.0', sidecar: 'repo/envoy:1.30' }
    })
  })

  it.each([
    [
      'ECS does not know it',
      Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' }),
      'ECS does not know it'
    ],
    [
      'reading fails',
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
      'Rate exceeded'
    ]
  ])('is undefined, with a debug line, when %s', async (_what, error, line) => {
    ecs.on(DescribeTaskDefinitionCommand).rejects(error)
    expect(await describeRevision(ARN, deps())).toBeUndefined()
    expect(log.text()).toContain(`Could not describe web:7: ${line}`)
  })
})

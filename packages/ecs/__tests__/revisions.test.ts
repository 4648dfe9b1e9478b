import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DeregisterTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand
} from '@aws-sdk/client-ecs'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { isConfigurationError, MemoryLogger } from '@fargate-promote/common'
import { pruneRevisions } from '../src/task-definitions/revisions.js'
import { tdArn } from './deploy-fixtures.js'

const ecs = mockClient(ECSClient)
const client = new ECSClient({ region: 'eu-west-1' })

beforeEach(() => {
  ecs.reset()
})

describe('pruneRevisions', () => {
  it('deregisters revisions beyond the newest `keep`, sparing protected ones, across pages', async () => {
    ecs
      .on(ListTaskDefinitionsCommand, { nextToken: undefined })
      .resolves({
        taskDefinitionArns: [
          tdArn('api', 10),
          tdArn('api-worker', 5),
          tdArn('api', 9),
          tdArn('api', 8)
        ],
        nextToken: 't1'
      })
      .on(ListTaskDefinitionsCommand, { nextToken: 't1' })
      .resolves({ taskDefinitionArns: [tdArn('api', 7), tdArn('api', 6), tdArn('api', 5)] })
    ecs.on(DeregisterTaskDefinitionCommand).resolves({})
    const log = new MemoryLogger()

    const removed = await pruneRevisions(
      { family: 'api', keep: 2, protect: [tdArn('api', 7), tdArn('api', 5)] },
      { ecs: client, log }
    )

    expect(removed).toEqual([tdArn('api', 8), tdArn('api', 6)])
    expect(ecs).toHaveReceivedCommandWith(ListTaskDefinitionsCommand, {
      familyPrefix: 'api',
      status: 'ACTIVE',
      sort: 'DESC'
    })
    expect(ecs).toHaveReceivedCommandTimes(DeregisterTaskDefinitionCommand, 2)
    expect(ecs).toHaveReceivedCommandWith(DeregisterTaskDefinitionCommand, {
      taskDefinition: tdArn('api', 8)
    })
    expect(ecs).toHaveReceivedCommandWith(DeregisterTaskDefinitionCommand, {
      taskDefinition: tdArn('api', 6)
    })
    expect(ecs).not.toHaveReceivedCommandWith(DeregisterTaskDefinitionCommand, {
      taskDefinition: tdArn('api-worker', 5)
    })
    expect(log.text()).toContain('Deregistered 2 old revisions of api: api:8, api:6')
  })

  it('keeps going when one revision cannot be deregistered', async () => {
    ecs
      .on(ListTaskDefinitionsCommand)
      .resolves({ taskDefinitionArns: [tdArn('api', 3), tdArn('api', 2), tdArn('api', 1)] })
    ecs
      .on(DeregisterTaskDefinitionCommand, { taskDefinition: tdArn('api', 2) })
      .rejects(new Error('AccessDenied'))
      .on(DeregisterTaskDefinitionCommand, { taskDefinition: tdArn('api', 1) })
      .resolves({})
    const log = new MemoryLogger()
    const removed = await pruneRevisions(
      { family: 'api', keep: 1, protect: [] },
      { ecs: client, log }
    )
    expect(removed).toEqual([tdArn('api', 1)])
    expect(log.lines).toContainEqual({
      level: 'warning',
      message: 'Could not deregister api:2: AccessDenied'
    })
    expect(log.text()).toContain('Deregistered 1 old revision of api: api:1')
  })

  it('does nothing when there are no more than `keep` revisions', async () => {
    ecs
      .on(ListTaskDefinitionsCommand)
      .resolves({ taskDefinitionArns: [tdArn('api', 2), tdArn('api', 1)] })
    const log = new MemoryLogger()
    expect(
      await pruneRevisions({ family: 'api', keep: 5, protect: [] }, { ecs: client, log })
    ).toEqual([])
    expect(ecs).not.toHaveReceivedCommand(DeregisterTaskDefinitionCommand)
    expect(log.lines).toEqual([])
  })

  it.each([0, -1, 1.5, Number.NaN])('refuses keep = %p without calling AWS', async keep => {
    const error = await pruneRevisions(
      { family: 'api', keep, protect: [] },
      { ecs: client, log: new MemoryLogger() }
    ).catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain(
      `keep-revisions: '${keep}' is not a whole number of at least 1`
    )
    expect(ecs.calls()).toHaveLength(0)
  })
})

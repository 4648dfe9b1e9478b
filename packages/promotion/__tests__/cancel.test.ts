import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeServicesCommand,
  ECSClient,
  UpdateServiceCommand,
  StopServiceDeploymentCommand
} from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { FakeClock, MemoryLogger } from '@fargate-promote/common'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { rollBackCancelledDeploy, type DeployCheckpoint } from '../src/index.js'

const ecsMock = mockClient(ECSClient)
beforeEach(() => {
  ecsMock.reset()
})

const TD = (revision: number) =>
  `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${revision}`

function checkpoint(overrides: Partial<DeployCheckpoint> = {}): DeployCheckpoint {
  return {
    phase: 'deploying',
    cluster: 'staging',
    deployments: [
      { service: 'web', previousTaskDefinitionArn: TD(1), taskDefinitionArn: TD(2) },
      { service: 'api', previousTaskDefinitionArn: TD(1), taskDefinitionArn: TD(2) }
    ] as DeployCheckpoint['deployments'],
    pollIntervalMs: 1_000,
    onFailure: 'rollback',
    ...overrides
  }
}

function deps() {
  const log = new MemoryLogger()
  return {
    log,
    deps: {
      ecs: new ECSClient({ region: 'eu-west-1' }),
      elb: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
      clock: new FakeClock(),
      log
    }
  }
}

describe('rollBackCancelledDeploy', () => {
  it('does nothing once the deploy had its verdict', async () => {
    const { deps: d } = deps()
    const outcome = await rollBackCancelledDeploy(checkpoint({ phase: 'finished' }), d)
    expect(outcome).toEqual({ action: 'nothing', rollbacks: [], failures: [] })
    expect(ecsMock.calls()).toHaveLength(0)
  })

  it('with on-failure none, touches nothing and says which services were left mid-rollout', async () => {
    const { deps: d, log } = deps()
    const outcome = await rollBackCancelledDeploy(checkpoint({ onFailure: 'none' }), d)
    expect(outcome).toEqual({ action: 'kept', rollbacks: [], failures: [] })
    expect(log.lines).toEqual([
      {
        level: 'warning',
        message:
          'The run stopped while deploying web, api; on-failure is none, so nothing is rolled back.'
      }
    ])
    expect(ecsMock.calls()).toHaveLength(0)
  })

  it('tries every service even when one cannot be read, and names each failure', async () => {
    ecsMock
      .on(DescribeServicesCommand, { services: ['web'] })
      .rejects(new Error('User is not authorized to perform: ecs:DescribeServices'))
    ecsMock
      .on(DescribeServicesCommand, { services: ['api'] })
      .resolves({ services: [], failures: [{ arn: 'api', reason: 'MISSING' }] })
    const { deps: d } = deps()
    const outcome = await rollBackCancelledDeploy(checkpoint(), d)
    expect(outcome.action).toBe('rolled-back')
    expect(outcome.failures).toEqual([
      'web: User is not authorized to perform: ecs:DescribeServices',
      expect.stringMatching(/^api: .*'api' was not found in cluster 'staging'/)
    ])
    expect(outcome.rollbacks.map(one => one.service)).toEqual(['web', 'api'])
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeServicesCommand, 2)
    expect(ecsMock).not.toHaveReceivedCommand(UpdateServiceCommand)
    expect(ecsMock).not.toHaveReceivedCommand(StopServiceDeploymentCommand)
  })
})

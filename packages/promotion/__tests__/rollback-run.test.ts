import { describe, expect, it } from '@jest/globals'
import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { FakeClock, isConfigurationError, MemoryLogger } from '@fargate-promote/common'
import { parseChecks } from '@fargate-promote/health'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import { rollbackAndRecord, type RollbackAndRecordOptions } from '../src/index.js'

const ecsMock = mockClient(ECSClient)

function options(extra: Partial<RollbackAndRecordOptions>): RollbackAndRecordOptions {
  return {
    cluster: 'prod',
    service: 'web',
    to: { kind: 'previous' },
    reason: 'test',
    wait: true,
    timeoutMs: 60_000,
    pollIntervalMs: 1_000,
    stopInProgress: true,
    checks: [],
    checksTimeoutMs: 60_000,
    checksIntervalMs: 10_000,
    ...extra
  }
}

const deps = () => ({
  ecs: new ECSClient({ region: 'eu-west-1' }),
  elb: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
  clock: new FakeClock(),
  log: new MemoryLogger()
})

describe('rollbackAndRecord: checked before the first AWS call', () => {
  it.each([
    [
      'checks without wait',
      {
        wait: false,
        checks: parseChecks('- name: api\n  http: { url: "https://a.example/h" }', { source: 't' })
      },
      'checks: the checks run once the rollback is observed complete, which needs wait: true'
    ],
    [
      'an alarm check without a CloudWatch client',
      {
        checks: parseChecks('- name: alarms\n  cloudwatch-alarm: { alarms: [web-5xx] }', {
          source: 't'
        })
      },
      'cloudwatch'
    ]
  ])('refuses %s', async (_what, extra, message) => {
    ecsMock.reset()
    const error = await rollbackAndRecord(options(extra), deps()).catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain(message)
    expect(ecsMock).not.toHaveReceivedAnyCommand()
  })
})

import { beforeEach, describe, expect, it } from '@jest/globals'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { ConfigurationError, FakeClock, MemoryLogger } from '@fargate-promote/common'
import { mockClient } from 'aws-sdk-client-mock'
import { evaluateGate, type GateDeps, type GateOptions, type GitHubClient } from '../src/index.js'

const ecsMock = mockClient(ECSClient)
const elbMock = mockClient(ElasticLoadBalancingV2Client)
const cwMock = mockClient(CloudWatchClient)

const requests: string[] = []
const github: GitHubClient = {
  request: route => {
    requests.push(route)
    return Promise.resolve({ status: 200, data: [] })
  }
}

function options(extra: Partial<GateOptions> = {}): GateOptions {
  return {
    cluster: 'staging',
    services: ['web'],
    candidate: { version: '1.4.2' },
    minSoakMs: 900_000,
    checks: [],
    alarms: {},
    requireGitHubDeployment: false,
    emergency: { enabled: false },
    ...extra
  }
}

function deps(extra: Partial<GateDeps> = {}): GateDeps {
  return {
    ecs: new ECSClient({ region: 'eu-west-1' }),
    elb: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
    cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
    github,
    clock: new FakeClock(),
    log: new MemoryLogger(),
    ...extra
  }
}

beforeEach(() => {
  ecsMock.reset()
  elbMock.reset()
  cwMock.reset()
  requests.length = 0
})

describe('evaluateGate validation', () => {
  it.each([
    {
      name: 'an emergency without a reason',
      options: options({ emergency: { enabled: true, reason: '  ', actor: 'alice' } }),
      message:
        "staging gate option emergency.reason: '  ' is empty. An emergency bypass needs a reason: say why this release cannot wait for the gate."
    },
    {
      name: 'an emergency reason left out',
      options: options({ emergency: { enabled: true } }),
      message: "staging gate option emergency.reason: '' is empty."
    },
    {
      name: 'an actor not on the allow-list',
      options: options({
        emergency: {
          enabled: true,
          reason: 'outage',
          actor: 'mallory',
          allowedActors: ['alice', 'bob']
        }
      }),
      message:
        "staging gate option emergency.actor: 'mallory' may not bypass the gate: only alice, bob may. Ask one of them to run it."
    },
    {
      name: 'no actor with an allow-list',
      options: options({
        emergency: { enabled: true, reason: 'outage', allowedActors: ['alice'] }
      }),
      message: "staging gate option emergency.actor: '' may not bypass the gate: only alice may."
    },
    {
      name: 'no candidate',
      options: options({ candidate: { version: '' } }),
      message:
        'staging gate option candidate: \'{"version":""}\' names no release. Give the version, the commit SHA or the image that should go to production.'
    },
    {
      name: 'a SHA that is not one',
      options: options({ candidate: { sha: 'main' } }),
      message:
        "staging gate option candidate.sha: 'main' is not a commit SHA. Give 7 to 40 hexadecimal characters."
    },
    {
      name: 'an invalid image',
      options: options({ candidate: { image: 'Web App:1' } }),
      message: "staging gate option candidate.image: 'Web App:1' is not a valid image reference"
    },
    {
      name: 'a GitHub requirement without a client',
      options: options({ requireGitHubDeployment: true, repository: { owner: 'o', repo: 'r' } }),
      deps: { github: undefined },
      message:
        'staging gate option requireGitHubDeployment is true, but no GitHub client was given. Pass a token, or turn the requirement off.'
    },
    {
      name: 'a GitHub requirement without a repository',
      options: options({ requireGitHubDeployment: true }),
      message:
        'staging gate option requireGitHubDeployment is true, but no repository was given. Pass repository as owner/repo.'
    },
    {
      name: 'an empty cluster',
      options: options({ cluster: '' }),
      message: "staging gate option cluster: '' is empty. Name the staging cluster."
    },
    {
      name: 'no services',
      options: options({ services: [] }),
      message: "staging gate option services: '[]' is empty. Name at least one staging service."
    },
    {
      name: 'an empty service name',
      options: options({ services: ['web', ' '] }),
      message: 'staging gate option services: \'["web"," "]\' holds an empty service name.'
    },
    {
      name: 'a service listed twice',
      options: options({ services: ['web', 'web'] }),
      message: "staging gate option services: 'web' is listed twice. List each once."
    },
    {
      name: 'a negative soak',
      options: options({ minSoakMs: -1 }),
      message: "staging gate option minSoakMs: '-1' must be a duration of zero or more."
    },
    {
      name: 'a zero checks timeout',
      options: options({ checksTimeoutMs: 0 }),
      message: "staging gate option checksTimeoutMs: '0' must be a duration longer than zero."
    },
    {
      name: 'an empty alarm prefix',
      options: options({ alarms: { prefix: '' } }),
      message:
        "staging gate option alarms.prefix: '' is empty and would match every alarm in the account."
    },
    {
      name: 'an empty alarm name',
      options: options({ alarms: { names: ['a', ''] } }),
      message: 'staging gate option alarms.names: \'["a",""]\' holds an empty alarm name.'
    },
    {
      name: 'a check named like the alarm check',
      options: options({
        alarms: { names: ['a'] },
        checks: [{ type: 'ecs-service', name: 'alarms', cluster: 'c', service: 's' }]
      }),
      message:
        "staging gate option checks: 'alarms' is the name of two checks (the gate names its alarm checks 'alarms' and 'alarms by prefix'). Rename one."
    },
    {
      name: 'alarms without a CloudWatch client',
      options: options({ alarms: { prefix: 'web-' } }),
      deps: { cloudwatch: undefined },
      message:
        "staging gate check 'alarms by prefix' (cloudwatch-alarm) needs deps.cloudwatch, but none was given. Pass the client or remove the check."
    },
    {
      name: 'an SQS check without an SQS client',
      options: options({
        checks: [{ type: 'sqs-queue', name: 'jobs', queue: 'jobs', deadLetterEmpty: true }]
      }),
      message: "staging gate check 'jobs' (sqs-queue) needs deps.sqs"
    },
    {
      name: 'an empty environment',
      options: options({ environment: '' }),
      message: "staging gate option environment: '' is empty. Name the GitHub environment"
    }
  ])('refuses $name before any request', async ({ options: gateOptions, deps: extra, message }) => {
    const promise = evaluateGate(gateOptions, deps(extra))
    await expect(promise).rejects.toThrow(ConfigurationError)
    await expect(promise).rejects.toThrow(message)
    expect(ecsMock.calls()).toHaveLength(0)
    expect(elbMock.calls()).toHaveLength(0)
    expect(cwMock.calls()).toHaveLength(0)
    expect(requests).toHaveLength(0)
  })
})

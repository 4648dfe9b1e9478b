import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand
} from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { FakeClock, MemoryLogger, type Clock } from '@fargate-promote/common'
import { mockClient } from 'aws-sdk-client-mock'
import { runPreDeployTask } from '../src/deploy/pre-deploy.js'
import { watchRollout } from '../src/watch/watch.js'
import {
  deployment,
  NEW,
  oldActive,
  service,
  T0,
  TD_NEW,
  watchDeps,
  watchOptions
} from './watch-fixtures.js'

const ecsMock = mockClient(ECSClient)
mockClient(ElasticLoadBalancingV2Client)

beforeEach(() => {
  ecsMock.reset()
})

/** A logger that notes the clock's time of each line, in seconds since T0. */
function timedLog(clock: Clock) {
  const log = new MemoryLogger()
  const lines: { at: number; message: string }[] = []
  const info = log.info.bind(log)
  log.info = (message: string) => {
    lines.push({ at: (clock.now() - T0) / 1000, message })
    info(message)
  }
  return { log, lines }
}

const HEARTBEAT = 'Waiting for the rollout of web in cluster prod: '

function gaps(times: number[]): number[] {
  return times.slice(1).map((time, index) => time - (times[index] as number))
}

describe('watchRollout: the heartbeat', () => {
  it('a 10-minute rollout where nothing changes says every 30 s what it waits for, elapsed and left', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [service({ deployments: [deployment({ id: NEW }), oldActive()] })]
    })
    const clock = new FakeClock(T0)
    const { log, lines } = timedLog(clock)
    const { deps } = watchDeps({ clock, log })
    const [result] = await watchRollout(watchOptions({ timeoutMs: 600_000 }), deps)
    expect(result?.outcome).toBe('timed-out')
    const beats = lines.filter(line => line.message.startsWith(HEARTBEAT))
    expect(beats.length).toBeGreaterThanOrEqual(20)
    expect(beats[0]?.at).toBeLessThanOrEqual(30)
    expect(Math.max(...gaps(beats.map(beat => beat.at)))).toBeLessThanOrEqual(30)
    expect(beats[0]?.message).toBe(
      `${HEARTBEAT}30s elapsed, 9m 30s left — web: IN_PROGRESS 0/2 running`
    )
    expect(beats[6]?.message).toBe(
      `${HEARTBEAT}3m 30s elapsed, 6m 30s left — web: IN_PROGRESS 0/2 running`
    )
    for (const beat of beats) expect(beat.message).toMatch(/: .+ elapsed, .+ left — web: /)
    // The one change, logged once; nothing else between the heartbeats.
    expect(lines.filter(line => line.message === 'web: IN_PROGRESS 0/2 running')).toHaveLength(1)
  })

  it('a rollout whose state changes every 5 s logs each change and one heartbeat per 30 s, no more', async () => {
    let poll = 0
    ecsMock.on(DescribeServicesCommand).callsFake(() => {
      const running = poll++ % 2
      return {
        services: [
          service({
            deployments: [
              deployment({ id: NEW, runningCount: running, pendingCount: 1 - running }),
              oldActive()
            ]
          })
        ]
      }
    })
    const clock = new FakeClock(T0)
    const { log, lines } = timedLog(clock)
    const { deps } = watchDeps({ clock, log })
    await watchRollout(watchOptions({ timeoutMs: 120_000 }), deps)
    const beats = lines.filter(line => line.message.startsWith(HEARTBEAT))
    expect(beats.map(beat => beat.at)).toEqual([30, 60, 90, 120])
    const changes = lines.filter(line => /^web: IN_PROGRESS/.test(line.message))
    expect(changes).toHaveLength(poll)
    // Polls at 0, 5, … 120 s: after the first line, each is one of their changes or a heartbeat.
    expect(lines.length).toBe(1 + poll + beats.length)
  })

  it('names every service watched together and where each stands', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        service({ deployments: [deployment({ id: NEW, runningCount: 1 })] }),
        service({ serviceName: 'api', deployments: [] })
      ]
    })
    const clock = new FakeClock(T0)
    const { log, lines } = timedLog(clock)
    const { deps } = watchDeps({ clock, log })
    const targets = [
      { service: 'web', deploymentId: NEW, taskDefinitionArn: TD_NEW },
      { service: 'api', deploymentId: 'ecs-svc/9', taskDefinitionArn: TD_NEW }
    ]
    await watchRollout(watchOptions({ targets, timeoutMs: 30_000 }), deps)
    expect(lines.find(line => line.message.startsWith('Waiting for'))?.message).toBe(
      'Waiting for the rollout of web, api in cluster prod: 30s elapsed, 0ms left — web: IN_PROGRESS 1/2 running; api: failed'
    )
  })
})

describe('runPreDeployTask: the heartbeat', () => {
  it('says every 30 s which task it waits for while it runs', async () => {
    const task = 'arn:aws:ecs:eu-west-1:123456789012:task/prod/abc123'
    let describes = 0
    ecsMock
      .on(RunTaskCommand)
      .resolves({ tasks: [{ taskArn: task }] })
      .on(DescribeTasksCommand)
      .callsFake(() => ({
        tasks: [
          {
            taskArn: task,
            lastStatus: ++describes < 14 ? 'RUNNING' : 'STOPPED',
            containers: [{ name: 'web', exitCode: 0 }]
          }
        ]
      }))
    const clock = new FakeClock(T0)
    const { log, lines } = timedLog(clock)
    await runPreDeployTask(
      {
        cluster: 'prod',
        service: service({ deployments: [] }),
        taskDefinitionArn: TD_NEW,
        command: ['migrate'],
        containerDefinitions: [{ name: 'web', essential: true }],
        timeoutMs: 600_000,
        pollIntervalMs: 5000
      },
      { ecs: new ECSClient({ region: 'eu-west-1' }), clock, log }
    )
    expect(lines.filter(line => line.message.startsWith('Waiting for'))).toEqual([
      {
        at: 30,
        message: 'Waiting for pre-deploy task abc123: 30s elapsed, 9m 30s left — task RUNNING'
      },
      {
        at: 60,
        message: 'Waiting for pre-deploy task abc123: 1m elapsed, 9m left — task RUNNING'
      }
    ])
  })
})

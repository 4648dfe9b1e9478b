import { describe, expect, it } from '@jest/globals'
import type { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  type Action
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { FakeClock, MemoryLogger } from '@fargate-promote/common'
import {
  followProgressive,
  productionShare,
  type FollowProgressiveDeps,
  type FollowProgressiveOptions,
  type RuleReader
} from '../src/index.js'

/**
 * followProgressive with stand-in clients, for what the sim cases do not reach: ECS ending the
 * deployment its own ways, deadlines, cancellation, stages it does not know, thin traffic.
 */

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/abc'
const LB =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188'
const tg = (name: string) =>
  `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${name}/0123456789abcdef`
const OLD = tg('shop-a')
const NEW = tg('shop-b')
const LISTENER =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2'
const RULE =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee'

const shifting: ServiceDeployment = {
  status: 'IN_PROGRESS',
  lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT'
}

/** Answers DescribeServiceDeployments with `snapshots` in turn (the last repeats). */
function ecsOf(snapshots: (ServiceDeployment | undefined)[], onDescribe?: (n: number) => void) {
  const sent: unknown[] = []
  let n = 0
  return {
    sent,
    send: (command: unknown) => {
      if (command instanceof DescribeServiceDeploymentsCommand) {
        onDescribe?.(n)
        const snapshot = snapshots[Math.min(n++, snapshots.length - 1)]
        return Promise.resolve({ serviceDeployments: snapshot === undefined ? [] : [snapshot] })
      }
      sent.push(command)
      return Promise.resolve({})
    }
  } as unknown as FollowProgressiveDeps['ecs'] & { sent: unknown[] }
}

/** The listener forwards `weights[i]` percent to NEW on the i-th look (the last repeats). */
function elbOf(weights: number[]): RuleReader {
  let n = 0
  return {
    send: () => {
      const weight = weights[Math.min(n++, weights.length - 1)] ?? 0
      const TargetGroups = [
        { TargetGroupArn: OLD, Weight: 100 - weight },
        { TargetGroupArn: NEW, Weight: weight }
      ]
      return Promise.resolve({
        Listeners: [{ DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups } }] }]
      })
    }
  }
}

/** Every minute, `perMinute(group)` requests and errors on each target group. */
function cloudwatchOf(perMinute: (group: 'old' | 'new', minute: number) => [number, number]) {
  return {
    send: (command: GetMetricDataCommand) => {
      const { StartTime, EndTime, MetricDataQueries } = command.input
      const dimensions = MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions ?? []
      const group = dimensions[1]?.Value?.includes('shop-b') ? 'new' : 'old'
      const minutes: Date[] = []
      for (let at = StartTime!.getTime(); at < EndTime!.getTime(); at += 60_000) {
        minutes.push(new Date(at))
      }
      const series = (index: 0 | 1) => ({
        Timestamps: minutes,
        Values: minutes.map(m => perMinute(group, m.getTime())[index])
      })
      return Promise.resolve({
        MetricDataResults: [
          { Id: 'requests', ...series(0) },
          { Id: 'errors', ...series(1) }
        ]
      })
    }
  }
}

const healthy = (group: 'old' | 'new'): [number, number] => (group === 'new' ? [20, 0] : [180, 0])

function setUp(parts: Partial<FollowProgressiveDeps> & { ecs: FollowProgressiveDeps['ecs'] }) {
  const clock = new FakeClock(Date.UTC(2026, 11, 7, 12, 0, 0))
  const log = new MemoryLogger()
  const deps: FollowProgressiveDeps = {
    cloudwatch: cloudwatchOf(healthy),
    elb: elbOf([0]),
    clock,
    log,
    ...parts
  }
  const options: FollowProgressiveOptions = {
    cluster: 'prod',
    service: 'web',
    serviceDeploymentArn: ARN,
    loadBalancer: LB,
    productionListenerRule: LISTENER,
    productionTargetGroups: { old: OLD, new: NEW },
    thresholds: { maxErrorRate: 0.05, minRequests: 10 },
    pauses: 'continue-on-pass',
    deadline: clock.now() + 30 * 60_000
  }
  return { clock, log, deps, options }
}

describe('followProgressive', () => {
  it('stops a failing step and reports a rollback ECS could not finish', async () => {
    const ecs = ecsOf([
      shifting,
      ...Array<ServiceDeployment>(30).fill(shifting),
      { status: 'ROLLBACK_FAILED', statusReason: 'blue tasks failed to start' }
    ])
    const { deps, options } = setUp({
      ecs,
      elb: elbOf([0, 10]),
      cloudwatch: cloudwatchOf(group => (group === 'new' ? [20, 10] : [180, 0]))
    })
    const result = await followProgressive(options, deps)

    expect(result.outcome).toBe('failed')
    expect(result.reason).toBe('The rollback failed: blue tasks failed to start.')
    expect(result.steps[0]?.analysis?.verdict).toBe('fail')
    expect(ecs.sent).toHaveLength(1)
    expect(ecs.sent[0]).toBeInstanceOf(StopServiceDeploymentCommand)
    expect((ecs.sent[0] as StopServiceDeploymentCommand).input).toEqual({
      serviceDeploymentArn: ARN,
      stopType: 'ROLLBACK'
    })
    expect(result.blastRadius.share).toBeCloseTo(20 / 200)
  })

  it('sends a rollback again until ECS takes it: a later window that passes does not undo it', async () => {
    const sent: unknown[] = []
    let stops = 0
    let rolledBack = false
    const ecs = {
      send: (command: unknown) => {
        if (command instanceof DescribeServiceDeploymentsCommand) {
          const snapshot = rolledBack ? { status: 'ROLLBACK_SUCCESSFUL' } : shifting
          return Promise.resolve({ serviceDeployments: [snapshot] })
        }
        sent.push(command)
        // The first request meets a 503 (an error that heals); the second is taken.
        if (++stops === 1) {
          return Promise.reject(
            Object.assign(new Error('Service Unavailable'), {
              name: 'ServiceUnavailableException',
              $metadata: { httpStatusCode: 503 }
            })
          )
        }
        rolledBack = true
        return Promise.resolve({})
      }
    } as unknown as FollowProgressiveDeps['ecs']
    // The first whole minute of the step fails (10 of 20 errors); every later one passes.
    let firstMinute: number | undefined
    const { deps, options, log } = setUp({
      ecs,
      elb: elbOf([0, 10]),
      cloudwatch: cloudwatchOf((group, minute) => {
        if (group === 'old') return [180, 0]
        firstMinute ??= minute
        return minute === firstMinute ? [20, 10] : [20, 0]
      })
    })
    const result = await followProgressive(options, deps)
    expect(result.outcome).toBe('rolled-back')
    expect(result.reason).toContain('The analysis failed')
    expect(sent.map(command => (command as object).constructor.name)).toEqual([
      'StopServiceDeploymentCommand',
      'StopServiceDeploymentCommand'
    ])
    expect(log.lines.map(line => line.message)).toContainEqual(
      expect.stringContaining('web: asking ECS again to roll back (The analysis failed')
    )
  })

  it.each([
    [
      { status: 'ROLLBACK_SUCCESSFUL', statusReason: 'alarm web-5xx' },
      'rolled-back',
      'ECS rolled the deployment back: alarm web-5xx.'
    ],
    [{ status: 'STOPPED' }, 'failed', 'The deployment was stopped.']
  ] as const)('reports ECS ending the deployment its own way: %j', async (end, outcome, reason) => {
    const { deps, options } = setUp({ ecs: ecsOf([shifting, end]) })
    const result = await followProgressive(options, deps)
    expect(result).toMatchObject({ outcome, reason, steps: [] })
    // Both groups' whole minutes the following spanned: the one it began in.
    expect(result.blastRadius).toEqual({ requestsToNew: 20, requestsTotal: 200, share: 0.1 })
  })

  it('reads a minute only metricsDelayMs after it ended: the rollback comes that much later', async () => {
    const stoppedAt = async (metricsDelayMs: number) => {
      const ecs = ecsOf([
        ...Array<ServiceDeployment>(80).fill(shifting),
        { status: 'ROLLBACK_SUCCESSFUL' }
      ])
      const failing = cloudwatchOf(group => (group === 'new' ? [20, 10] : [180, 0]))
      const { deps, options, clock } = setUp({ ecs, elb: elbOf([0, 10]), cloudwatch: failing })
      let at: number | undefined
      const send = ecs.send.bind(ecs)
      ecs.send = ((command: unknown) => {
        if (command instanceof StopServiceDeploymentCommand) at ??= clock.now()
        return send(command as never)
      }) as typeof ecs.send
      await followProgressive({ ...options, metricsDelayMs }, deps)
      return (at as number) - options.deadline
    }
    const prompt = await stoppedAt(0)
    const delayed = await stoppedAt(60_000)
    expect(delayed - prompt).toBeGreaterThanOrEqual(55_000)
    expect(delayed - prompt).toBeLessThanOrEqual(65_000)
  })

  it('says so, loudly, when a completed deployment had a step nobody could judge', async () => {
    const ecs = ecsOf([...Array<ServiceDeployment>(40).fill(shifting), { status: 'SUCCESSFUL' }])
    const thin = (group: 'old' | 'new'): [number, number] => (group === 'new' ? [2, 0] : [18, 0])
    const { deps, options } = setUp({ ecs, elb: elbOf([0, 10]), cloudwatch: cloudwatchOf(thin) })
    const result = await followProgressive(options, deps)

    expect(result.outcome).toBe('succeeded')
    expect(result.reason).toBe(
      'The deployment completed, but the step at 10% ended before a whole window had enough requests to judge (min-requests); nothing was judged.'
    )
    expect(result.steps[0]?.analysis?.verdict).toBe('inconclusive')
    const log = deps.log as MemoryLogger
    expect(
      log.lines.some(
        line => line.level === 'warning' && line.message.includes('nothing was judged')
      )
    ).toBe(true)
  })

  it('says nothing was judged when no production step was seen before ECS completed', async () => {
    const { deps, options } = setUp({ ecs: ecsOf([shifting, { status: 'SUCCESSFUL' }]) })
    const result = await followProgressive(options, deps)
    expect(result).toMatchObject({
      outcome: 'succeeded',
      reason: 'The deployment completed; no production traffic step was seen, so none was judged.'
    })
  })

  it('fails when the deployment completes although it asked for a rollback', async () => {
    const ecs = ecsOf([...Array<ServiceDeployment>(30).fill(shifting), { status: 'SUCCESSFUL' }])
    const { deps, options } = setUp({
      ecs,
      elb: elbOf([10]),
      cloudwatch: cloudwatchOf(group => (group === 'new' ? [20, 10] : [180, 0]))
    })
    const result = await followProgressive(options, deps)
    expect(result.outcome).toBe('failed')
    expect(result.reason).toMatch(
      /^Rollback asked \(The analysis failed: new revision: 50\.0% of 20 requests failed.*\) but the deployment completed\.$/
    )
  })

  it('times out at the deadline without stopping the deployment, the open step ended there', async () => {
    const ecs = ecsOf([{ status: 'IN_PROGRESS', lifecycleStage: 'WARP_DRIVE' as 'SCALE_UP' }, {}])
    const { deps, options, clock, log } = setUp({ ecs, elb: elbOf([10]) })
    const result = await followProgressive({ ...options, deadline: clock.now() + 5 * 60_000 }, deps)

    expect(result.outcome).toBe('timed-out')
    expect(result.reason).toBe('Still UNKNOWN at UNKNOWN at the deadline (the timeout).')
    expect(ecs.sent).toEqual([])
    expect(result.steps).toEqual([
      expect.objectContaining({ stage: 'WARP_DRIVE', weightNew: 10, endedAt: clock.now() })
    ])
    const text = log.text()
    expect(text).toContain('web: IN_PROGRESS at WARP_DRIVE (a stage this version does not know)')
    expect(text).toContain('web: UNKNOWN at UNKNOWN (a stage this version does not know)')
    // The heartbeat: a line at least every 30 s even when nothing changes.
    expect(text).toContain(
      'Following the deployment of web in cluster prod: 30s elapsed, 4m 30s left — UNKNOWN at UNKNOWN, 10% new'
    )
  })

  it('ends on cancellation without touching the deployment', async () => {
    const controller = new AbortController()
    const ecs = ecsOf([shifting], n => {
      if (n === 2) controller.abort()
    })
    const { deps, options } = setUp({ ecs, signal: controller.signal })
    const result = await followProgressive(options, deps)
    expect(result.outcome).toBe('cancelled')
    expect(result.reason).toBe('Cancelled while following the deployment.')
    expect(ecs.sent).toEqual([])
  })

  it('lets a window too thin for a verdict grow until it holds enough requests', async () => {
    const start = Date.UTC(2026, 11, 7, 12, 0, 0)
    const ecs = ecsOf([...Array<ServiceDeployment>(40).fill(shifting), { status: 'SUCCESSFUL' }])
    const { deps, options, log } = setUp({
      ecs,
      elb: elbOf([10]),
      cloudwatch: cloudwatchOf((group, minute) =>
        group === 'new' ? [minute === start ? 4 : 30, 0] : [180, 0]
      )
    })
    const result = await followProgressive(options, deps)
    expect(result.outcome).toBe('succeeded')
    const lines = log
      .text()
      .split('\n')
      .filter(line => line.startsWith('web: 10% step'))
    expect(lines[0]).toBe(
      'web: 10% step, 2026-12-07T12:00:00.000Z–2026-12-07T12:01:00.000Z: inconclusive — new revision: 4 requests, fewer than the 10 needed for a verdict'
    )
    expect(lines[1]).toMatch(
      /^web: 10% step, 2026-12-07T12:00:00\.000Z–2026-12-07T12:02:00\.000Z: pass — new revision: 0\.0% of 34 requests failed/
    )
    expect(lines[2]).toMatch(
      /^web: 10% step, 2026-12-07T12:02:00\.000Z–2026-12-07T12:03:00\.000Z: pass/
    )
  })

  it('keeps following through an AWS outage that heals, and ends at once on one that will not', async () => {
    const outage = Object.assign(new Error('We encountered an internal error'), {
      name: 'ServerException',
      $metadata: { httpStatusCode: 500 }
    })
    const flaky = ecsOf([shifting, { status: 'SUCCESSFUL' }])
    let looks = 0
    const ecs = {
      ...flaky,
      send: (command: unknown) =>
        command instanceof DescribeServiceDeploymentsCommand && ++looks <= 6
          ? Promise.reject(outage)
          : flaky.send(command as never)
    } as unknown as FollowProgressiveDeps['ecs']
    const { deps, options, clock, log } = setUp({ ecs })
    const started = clock.now()
    const result = await followProgressive(options, deps)
    expect(result.outcome).toBe('succeeded')
    // Waits of 5, 10, 20, 30, 30 and 30 s while AWS failed, then the fixed 5 s.
    expect((clock.now() - started) / 1000).toBe(130)
    expect(log.text()).toContain(
      'AWS (following web) failed (We encountered an internal error); still following, deadline in 30m'
    )
    const denied = Object.assign(new Error('not authorized'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 }
    })
    const refusing = {
      send: () => Promise.reject(denied)
    } as unknown as FollowProgressiveDeps['ecs']
    const again = setUp({ ecs: refusing })
    await expect(followProgressive(again.options, again.deps)).rejects.toBe(denied)
    expect(again.clock.now()).toBe(started)
  })

  it('times out at the deadline while AWS fails, naming the outage', async () => {
    const outage = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    const ecs = { send: () => Promise.reject(outage) } as unknown as FollowProgressiveDeps['ecs']
    const { deps, options, clock } = setUp({ ecs })
    const result = await followProgressive({ ...options, deadline: clock.now() + 5 * 60_000 }, deps)
    expect(result.outcome).toBe('timed-out')
    expect(result.reason).toBe(
      'Not seen at the deadline (the timeout); AWS had been failing for 5m; last error: AWS (following web): socket hang up.'
    )
  })

  it('names the deployment it cannot find', async () => {
    const { deps, options } = setUp({ ecs: ecsOf([undefined]) })
    await expect(followProgressive(options, deps)).rejects.toThrow(
      `Service deployment ${ARN} of web: not found. Pass the ARN UpdateService returned as currentServiceDeployment.`
    )
    const missing = {
      send: () => Promise.resolve({ failures: [{ reason: 'MISSING' }] })
    } as unknown as FollowProgressiveDeps['ecs']
    await expect(followProgressive(options, { ...deps, ecs: missing })).rejects.toThrow(
      `Service deployment ${ARN} of web: MISSING.`
    )
  })

  it('rolls back through the hook a failing step waits at, with ContinueServiceDeployment', async () => {
    const paused: ServiceDeployment = {
      status: 'IN_PROGRESS',
      lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' as 'SCALE_UP',
      lifecycleHookDetails: [{ hookId: 'ecs-pause-1', status: 'AWAITING_ACTION' }]
    }
    const ecs = ecsOf([
      ...Array<ServiceDeployment>(30).fill(paused),
      { status: 'ROLLBACK_SUCCESSFUL' }
    ])
    const { deps, options } = setUp({
      ecs,
      elb: elbOf([10]),
      cloudwatch: cloudwatchOf(group => (group === 'new' ? [20, 10] : [180, 0]))
    })
    const result = await followProgressive(options, deps)
    expect(result.outcome).toBe('rolled-back')
    expect(ecs.sent).toHaveLength(1)
    expect(ecs.sent[0]).toBeInstanceOf(ContinueServiceDeploymentCommand)
    expect((ecs.sent[0] as ContinueServiceDeploymentCommand).input).toEqual({
      serviceDeploymentArn: ARN,
      hookId: 'ecs-pause-1',
      action: 'ROLLBACK'
    })
  })
})

describe('productionShare', () => {
  const reader = (actions: Action[]) => {
    const sent: unknown[] = []
    const elb = {
      send: (command: unknown) => {
        sent.push(command)
        return Promise.resolve(
          command instanceof DescribeRulesCommand
            ? { Rules: [{ Actions: actions }] }
            : { Listeners: [{ DefaultActions: actions }] }
        )
      }
    } as unknown as RuleReader
    return { elb, sent }
  }

  it('reads a listener rule with DescribeRules and a listener with DescribeListeners', async () => {
    const forward: Action[] = [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: OLD, Weight: 2 },
            { TargetGroupArn: NEW, Weight: 1 }
          ]
        }
      }
    ]
    const rule = reader(forward)
    expect(await productionShare(RULE, NEW, rule.elb)).toBe(33.3)
    expect(rule.sent[0]).toBeInstanceOf(DescribeRulesCommand)
    const listener = reader(forward)
    expect(await productionShare(LISTENER, OLD, listener.elb)).toBe(66.7)
    expect(listener.sent[0]).toBeInstanceOf(DescribeListenersCommand)
  })

  it('counts a plain forward as all of the traffic, and no forward or no weight as none', async () => {
    const plain: Action[] = [{ Type: 'forward', TargetGroupArn: NEW }]
    expect(await productionShare(LISTENER, NEW, reader(plain).elb)).toBe(100)
    expect(await productionShare(LISTENER, OLD, reader(plain).elb)).toBe(0)
    expect(await productionShare(LISTENER, NEW, reader([{ Type: 'fixed-response' }]).elb)).toBe(0)
    const unweighted: Action[] = [
      { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: NEW }] } }
    ]
    expect(await productionShare(RULE, NEW, reader(unweighted).elb)).toBe(0)
    const empty = { send: () => Promise.resolve({}) } as unknown as RuleReader
    expect(await productionShare(RULE, NEW, empty)).toBe(0)
    expect(await productionShare(LISTENER, NEW, empty)).toBe(0)
  })
})

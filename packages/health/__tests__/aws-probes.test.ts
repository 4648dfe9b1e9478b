import { beforeEach, describe, expect, it } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand
} from '@aws-sdk/client-cloudwatch'
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type Deployment
} from '@aws-sdk/client-ecs'
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException,
  type DescribeTargetHealthCommandOutput
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SQSClient
} from '@aws-sdk/client-sqs'
import { FakeClock } from '@fargate-promote/common'
import {
  probeAlarms,
  probeEcsService,
  probeSqsQueue,
  probeTargetGroup,
  type AlarmCheckSpec,
  type SqsCheckSpec,
  type TargetGroupCheckSpec
} from '../src/index.js'

const ecsMock = mockClient(ECSClient)
const elbMock = mockClient(ElasticLoadBalancingV2Client)
const cwMock = mockClient(CloudWatchClient)
const sqsMock = mockClient(SQSClient)
const ecs = new ECSClient({ region: 'eu-west-1' })
const elb = new ElasticLoadBalancingV2Client({ region: 'eu-west-1' })
const cloudwatch = new CloudWatchClient({ region: 'eu-west-1' })
const sqs = new SQSClient({ region: 'eu-west-1' })

beforeEach(() => {
  ecsMock.reset()
  elbMock.reset()
  cwMock.reset()
  sqsMock.reset()
})

const TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42'
const OLD_TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:41'

function deployment(overrides: Partial<Deployment>): Deployment {
  return {
    id: 'ecs-svc/1111111111111111111',
    status: 'PRIMARY',
    taskDefinition: TD,
    desiredCount: 3,
    runningCount: 3,
    pendingCount: 0,
    rolloutState: 'COMPLETED',
    rolloutStateReason: 'ECS deployment ecs-svc/1111111111111111111 completed.',
    ...overrides
  }
}

describe('probeEcsService', () => {
  const spec = { type: 'ecs-service', name: 'svc', cluster: 'prod', service: 'web' } as const
  const clock = new FakeClock()
  const since = clock.now() - 60_000
  const TG_ARN =
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-tg/73e2d6bc24d8a067'
  const deps = () => ({ ecs, elb, clock, since })

  function service(
    deployments: Deployment[],
    counts = { desiredCount: 3, runningCount: 3 },
    extra: Record<string, unknown> = {}
  ) {
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: 'web', status: 'ACTIVE', ...counts, deployments, ...extra }]
    })
  }

  /** RUNNING tasks of the primary deployment, each with an IP a target group can name. */
  function runningTasks(ips: string[]) {
    ecsMock
      .on(ListTasksCommand, { desiredStatus: 'RUNNING' })
      .resolves({ taskArns: ips.map((_, i) => `arn:task/prod/run${i}`) })
    ecsMock
      .on(DescribeTasksCommand, { tasks: ips.map((_, i) => `arn:task/prod/run${i}`) })
      .resolves({
        tasks: ips.map((ip, i) => ({
          taskArn: `arn:task/prod/run${i}`,
          // ECS starts a service's tasks with startedBy = the deployment id.
          startedBy: 'ecs-svc/1111111111111111111',
          lastStatus: 'RUNNING',
          taskDefinitionArn: TD,
          containers: [{ name: 'web', networkInterfaces: [{ privateIpv4Address: ip }] }]
        }))
      })
  }

  it('passes a settled service: its primary tasks, no stops, and says what it saw', async () => {
    service([deployment({})])
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const sample = await probeEcsService(spec, deps())
    expect(sample).toEqual({
      check: 'svc',
      type: 'ecs-service',
      at: clock.now(),
      ok: true,
      detail: 'deployment ecs-svc/1111111111111111111 COMPLETED with 3/3 tasks of web:42 running'
    })
    expect(ecsMock).toHaveReceivedCommandWith(DescribeServicesCommand, {
      cluster: 'prod',
      services: ['web']
    })
    expect(ecsMock).toHaveReceivedCommandWith(ListTasksCommand, {
      cluster: 'prod',
      startedBy: 'ecs-svc/1111111111111111111',
      desiredStatus: 'RUNNING'
    })
    expect(ecsMock).toHaveReceivedCommandWith(ListTasksCommand, {
      cluster: 'prod',
      serviceName: 'web',
      desiredStatus: 'STOPPED'
    })
    expect(ecsMock).not.toHaveReceivedCommand(DescribeTasksCommand)
    expect(elbMock).not.toHaveReceivedAnyCommand()
  })

  it('with a load balancer, serves only when every task is a healthy target', async () => {
    const loadBalancers = [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 8080 }]
    service(
      [deployment({ desiredCount: 2, runningCount: 2 })],
      { desiredCount: 2, runningCount: 2 },
      {
        loadBalancers
      }
    )
    runningTasks(['10.0.1.5', '10.0.1.6'])
    ecsMock.on(ListTasksCommand, { desiredStatus: 'STOPPED' }).resolves({ taskArns: [] })
    const health = (
      second: 'healthy' | 'unhealthy'
    ): Omit<DescribeTargetHealthCommandOutput, '$metadata'> => ({
      TargetHealthDescriptions: [
        { Target: { Id: '10.0.1.5', Port: 8080 }, TargetHealth: { State: 'healthy' as const } },
        {
          Target: { Id: '10.0.1.6', Port: 8080 },
          TargetHealth: {
            State: second,
            Reason: 'Target.ResponseCodeMismatch',
            Description: 'Health checks failed with these codes: [503]'
          }
        }
      ]
    })
    elbMock
      .on(DescribeTargetHealthCommand)
      .resolvesOnce(health('unhealthy'))
      .resolves(health('healthy'))
    const failing = await probeEcsService(spec, deps())
    expect(failing).toMatchObject({
      ok: false,
      detail:
        '1/2 targets healthy in web-tg: 1 target unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [503]): 10.0.1.6:8080'
    })
    const passing = await probeEcsService(spec, deps())
    expect(passing).toMatchObject({
      ok: true,
      detail:
        'deployment ecs-svc/1111111111111111111 COMPLETED with 2/2 tasks of web:42 running, 2/2 targets healthy in web-tg'
    })
  })

  it.each<[string, Deployment[], { desiredCount: number; runningCount: number }, string]>([
    [
      'a rolling service',
      [
        deployment({
          id: 'ecs-svc/2',
          rolloutState: 'IN_PROGRESS',
          runningCount: 1,
          pendingCount: 2
        }),
        deployment({ id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: OLD_TD, runningCount: 3 })
      ],
      { desiredCount: 3, runningCount: 4 },
      '2 deployments, a rollout is under way: PRIMARY ecs-svc/2 (web:42, IN_PROGRESS, 1/3 tasks running, 2 pending); ACTIVE ecs-svc/1 (web:41, COMPLETED, 3/3 tasks running)'
    ],
    [
      'a circuit-breaker failure',
      [
        deployment({
          id: 'ecs-svc/2',
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.'
        })
      ],
      { desiredCount: 3, runningCount: 3 },
      'deployment ecs-svc/2 FAILED: ECS deployment circuit breaker: tasks failed to start.'
    ],
    [
      'one deployment still in progress',
      [deployment({ rolloutState: 'IN_PROGRESS', runningCount: 2, pendingCount: 1 })],
      { desiredCount: 3, runningCount: 2 },
      'deployment ecs-svc/1111111111111111111 is IN_PROGRESS with 2/3 tasks running, 1 pending: ECS deployment ecs-svc/1111111111111111111 completed.'
    ],
    [
      'fewer running than desired',
      [deployment({ runningCount: 2 })],
      { desiredCount: 3, runningCount: 2 },
      'deployment ecs-svc/1111111111111111111 has 2/3 tasks running'
    ],
    [
      'no PRIMARY deployment',
      [deployment({ status: 'ACTIVE' })],
      { desiredCount: 3, runningCount: 3 },
      'service web has no PRIMARY deployment'
    ],
    [
      'a service scaled to zero',
      [deployment({ desiredCount: 0, runningCount: 0 })],
      { desiredCount: 0, runningCount: 0 },
      'desired count is 0: no task serves traffic'
    ]
  ])('fails %s', async (_what, deployments, counts, detail) => {
    service(deployments, counts)
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] })
    const sample = await probeEcsService(spec, deps())
    expect(sample).toMatchObject({ ok: false, detail })
  })

  it('accepts a deployment without rolloutState when its counts are settled', async () => {
    service([deployment({ rolloutState: undefined })])
    ecsMock.on(ListTasksCommand).resolves({})
    expect((await probeEcsService(spec, deps())).ok).toBe(true)
  })

  it('fails a draining service and a missing one', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .resolves({ services: [{ serviceName: 'web', status: 'DRAINING' }] })
    expect((await probeEcsService(spec, deps())).detail).toBe(
      'service web is DRAINING: it is being deleted'
    )
    ecsMock
      .on(DescribeServicesCommand)
      .resolves({ services: [], failures: [{ arn: 'web', reason: 'MISSING' }] })
    expect((await probeEcsService(spec, deps())).detail).toBe(
      'service web not found in cluster prod (MISSING)'
    )
  })

  it('fails when a task of the live revision stopped in the window, with its reason; scale-ins and older stops do not count', async () => {
    service([deployment({})])
    ecsMock.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).resolves({ taskArns: [] })
    ecsMock
      .on(ListTasksCommand, { desiredStatus: 'STOPPED' })
      .resolvesOnce({ taskArns: ['arn:task/prod/aaa', 'arn:task/prod/bbb'], nextToken: 'n1' })
      .resolvesOnce({ taskArns: ['arn:task/prod/ccc', 'arn:task/prod/ddd', 'arn:task/prod/eee'] })
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: 'arn:task/prod/aaa',
          taskDefinitionArn: TD,
          stoppedAt: new Date(since + 5_000),
          stoppedReason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          containers: [
            {
              name: 'app',
              exitCode: 137,
              reason: 'OutOfMemoryError: Container killed due to memory usage'
            },
            { name: 'sidecar' }
          ]
        },
        // Old revision: replaced by the deployment, not a failure of this one.
        { taskArn: 'arn:task/prod/bbb', taskDefinitionArn: OLD_TD, stoppedAt: new Date(since + 1) },
        // Before the window.
        { taskArn: 'arn:task/prod/ccc', taskDefinitionArn: TD, stoppedAt: new Date(since - 1) },
        {
          taskArn: 'arn:task/prod/ddd',
          taskDefinitionArn: TD,
          stoppedAt: new Date(since + 9_000),
          stopCode: 'TaskFailedToStart'
        },
        // A scale-in says nothing about the revision's health.
        {
          taskArn: 'arn:task/prod/eee',
          taskDefinitionArn: TD,
          stoppedAt: new Date(since + 9_500),
          stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1111111111111111111)'
        }
      ]
    })
    const sample = await probeEcsService(spec, deps())
    expect(sample.ok).toBe(false)
    expect(sample.detail).toBe(
      '2 tasks of web:42 stopped in the last 1m: task aaa stopped: Essential container in task exited (EssentialContainerExited); container app exited with code 137: OutOfMemoryError: Container killed due to memory usage (and 1 more)'
    )
    expect(ecsMock).toHaveReceivedCommandWith(ListTasksCommand, { nextToken: 'n1' })
  })

  it('reports an AWS error with the call that failed', async () => {
    ecsMock.on(DescribeServicesCommand).rejects(
      Object.assign(new Error('User is not authorized to perform ecs:DescribeServices'), {
        name: 'AccessDeniedException'
      })
    )
    expect((await probeEcsService(spec, deps())).detail).toBe(
      'DescribeServices failed: AccessDeniedException: User is not authorized to perform ecs:DescribeServices'
    )
    service([deployment({})])
    ecsMock.on(ListTasksCommand).rejects(new Error('Rate exceeded'))
    expect((await probeEcsService(spec, deps())).detail).toBe('ListTasks failed: Rate exceeded')
  })
})

describe('probeTargetGroup', () => {
  const clock = new FakeClock()
  const arn = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/abc'
  const spec = (overrides: Partial<TargetGroupCheckSpec> = {}): TargetGroupCheckSpec => ({
    type: 'target-group',
    name: 'tg',
    targetGroup: arn,
    minHealthyPercent: 100,
    ...overrides
  })
  const target = (id: string, State: string, Reason?: string, Description?: string) => ({
    Target: { Id: id, Port: 8080 },
    TargetHealth: { State, Reason, Description }
  })

  it('lists unhealthy targets with reason codes', async () => {
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        target('10.0.1.5', 'healthy'),
        target(
          '10.0.1.6',
          'unhealthy',
          'Target.ResponseCodeMismatch',
          'Health checks failed with these codes: [502]'
        ),
        target(
          '10.0.1.7',
          'initial',
          'Elb.InitialHealthChecking',
          'Initial health checks in progress'
        )
      ] as never
    })
    const sample = await probeTargetGroup(spec(), { elb, clock })
    expect(sample).toEqual({
      check: 'tg',
      type: 'target-group',
      at: clock.now(),
      ok: false,
      detail:
        '1/3 targets healthy (33.3%, need 100%): 10.0.1.6:8080 unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [502]), 10.0.1.7:8080 initial (Elb.InitialHealthChecking: Initial health checks in progress)'
    })
    expect(elbMock).toHaveReceivedCommandWith(DescribeTargetHealthCommand, { TargetGroupArn: arn })
    expect(elbMock).not.toHaveReceivedCommand(DescribeTargetGroupsCommand)
  })

  it.each<[string, string[], number, boolean, string]>([
    ['all healthy', ['healthy', 'healthy'], 100, true, '2/2 targets healthy (100%, need 100%)'],
    [
      'half healthy at 50%',
      ['healthy', 'unhealthy'],
      50,
      true,
      '1/2 targets healthy (50%, need 50%)'
    ],
    ['no healthy at 0%', ['unhealthy'], 0, false, '0/1 targets healthy (0%, need 0%)'],
    [
      'draining not counted',
      ['healthy', 'draining'],
      100,
      true,
      '1/1 targets healthy (100%, need 100%); 1 draining, not counted'
    ],
    ['only draining', ['draining'], 100, false, 'no registered targets; 1 draining, not counted'],
    ['no targets', [], 100, false, 'no registered targets']
  ])('%s', async (_what, states, minHealthyPercent, ok, detail) => {
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: states.map((s, i) => target(`10.0.0.${i}`, s)) as never
    })
    const sample = await probeTargetGroup(spec({ minHealthyPercent }), { elb, clock })
    expect(sample.ok).toBe(ok)
    expect(sample.detail.startsWith(detail)).toBe(true)
  })

  it('resolves a name to an ARN, and fails a name that does not exist', async () => {
    elbMock.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: arn }] })
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [target('10.0.0.1', 'healthy')] as never
    })
    expect((await probeTargetGroup(spec({ targetGroup: 'web' }), { elb, clock })).ok).toBe(true)
    expect(elbMock).toHaveReceivedCommandWith(DescribeTargetGroupsCommand, { Names: ['web'] })
    expect(elbMock).toHaveReceivedCommandWith(DescribeTargetHealthCommand, { TargetGroupArn: arn })

    elbMock.on(DescribeTargetGroupsCommand).rejects(
      new TargetGroupNotFoundException({
        message: 'One or more target groups not found',
        $metadata: {}
      })
    )
    expect((await probeTargetGroup(spec({ targetGroup: 'nope' }), { elb, clock })).detail).toBe(
      'target group nope does not exist'
    )
    elbMock.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [] })
    expect((await probeTargetGroup(spec({ targetGroup: 'nope' }), { elb, clock })).detail).toBe(
      'target group nope does not exist'
    )
    elbMock.on(DescribeTargetGroupsCommand).rejects(new Error('socket hang up'))
    expect((await probeTargetGroup(spec({ targetGroup: 'web' }), { elb, clock })).detail).toBe(
      'DescribeTargetGroups failed: socket hang up'
    )
  })

  it('reports DescribeTargetHealth errors', async () => {
    elbMock
      .on(DescribeTargetHealthCommand)
      .rejectsOnce(new TargetGroupNotFoundException({ message: 'gone', $metadata: {} }))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
    expect((await probeTargetGroup(spec(), { elb, clock })).detail).toBe(
      `target group ${arn} does not exist`
    )
    expect((await probeTargetGroup(spec(), { elb, clock })).detail).toBe(
      'DescribeTargetHealth failed: Throttling: Rate exceeded'
    )
  })
})

describe('probeAlarms', () => {
  const clock = new FakeClock()
  const byNames = (alarms: string[], failOnInsufficientData = false): AlarmCheckSpec => ({
    type: 'cloudwatch-alarm',
    name: 'alarms',
    alarms,
    failOnInsufficientData
  })

  it('fails an alarm in ALARM with its reason', async () => {
    cwMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'web-5xx',
          StateValue: 'ALARM',
          StateReason: 'Threshold Crossed: 1 datapoint [12.0] was greater than 5.0'
        },
        { AlarmName: 'web-latency', StateValue: 'OK', StateReason: 'fine' }
      ]
    })
    const sample = await probeAlarms(byNames(['web-5xx', 'web-latency']), { cloudwatch, clock })
    expect(sample).toEqual({
      check: 'alarms',
      type: 'cloudwatch-alarm',
      at: clock.now(),
      ok: false,
      detail: 'web-5xx in ALARM: Threshold Crossed: 1 datapoint [12.0] was greater than 5.0'
    })
    expect(cwMock).toHaveReceivedCommandWith(DescribeAlarmsCommand, {
      AlarmNames: ['web-5xx', 'web-latency'],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm']
    })
  })

  it('fails names that do not exist, and INSUFFICIENT_DATA only when asked', async () => {
    cwMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: 'web-5xx', StateValue: 'INSUFFICIENT_DATA', StateReason: 'no data' }
      ]
    })
    const lenient = await probeAlarms(byNames(['web-5xx']), { cloudwatch, clock })
    expect(lenient).toMatchObject({
      ok: true,
      detail: '1 alarm OK (1 with INSUFFICIENT_DATA, not failing)'
    })
    const strict = await probeAlarms(byNames(['web-5xx'], true), { cloudwatch, clock })
    expect(strict).toMatchObject({ ok: false, detail: 'web-5xx has INSUFFICIENT_DATA: no data' })
    const missing = await probeAlarms(byNames(['web-5xx', 'web-typo']), { cloudwatch, clock })
    expect(missing).toMatchObject({ ok: false, detail: 'alarm web-typo does not exist' })
  })

  it('pages through alarms found by prefix, composite alarms included', async () => {
    cwMock
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'web-a', StateValue: 'OK' }], NextToken: 't1' })
      .resolvesOnce({
        CompositeAlarms: [
          { AlarmName: 'web-b', StateValue: 'ALARM', StateReason: 'child in alarm' }
        ]
      })
    const spec: AlarmCheckSpec = {
      type: 'cloudwatch-alarm',
      name: 'p',
      prefix: 'web-',
      failOnInsufficientData: false
    }
    const sample = await probeAlarms(spec, { cloudwatch, clock })
    expect(sample).toMatchObject({ ok: false, detail: 'web-b in ALARM: child in alarm' })
    expect(cwMock).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 2)
    expect(cwMock).toHaveReceivedNthCommandWith(2, DescribeAlarmsCommand, {
      AlarmNamePrefix: 'web-',
      NextToken: 't1'
    })
  })

  it('passes when all are OK, fails an empty prefix match and AWS errors', async () => {
    cwMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: 'a', StateValue: 'OK' },
        { AlarmName: 'b', StateValue: 'OK' }
      ]
    })
    expect(await probeAlarms(byNames(['a', 'b']), { cloudwatch, clock })).toMatchObject({
      ok: true,
      detail: '2 alarms OK'
    })
    cwMock.on(DescribeAlarmsCommand).resolves({})
    const spec: AlarmCheckSpec = {
      type: 'cloudwatch-alarm',
      name: 'p',
      prefix: 'nope-',
      failOnInsufficientData: false
    }
    expect((await probeAlarms(spec, { cloudwatch, clock })).detail).toBe(
      "no alarm name starts with 'nope-'"
    )
    cwMock.on(DescribeAlarmsCommand).rejects(new Error('expired token'))
    expect((await probeAlarms(spec, { cloudwatch, clock })).detail).toBe(
      'DescribeAlarms failed: expired token'
    )
  })

  it('asks for at most 100 names per call', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `alarm-${i}`)
    cwMock.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
      MetricAlarms: input.AlarmNames.map(AlarmName => ({ AlarmName, StateValue: 'OK' }))
    }))
    expect((await probeAlarms(byNames(names), { cloudwatch, clock })).detail).toBe('150 alarms OK')
    expect(cwMock).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 2)
  })
})

describe('probeSqsQueue', () => {
  const clock = new FakeClock()
  const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders'
  const dlqUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq'
  const redrive = JSON.stringify({
    deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:orders-dlq',
    maxReceiveCount: 5
  })
  const spec = (overrides: Partial<SqsCheckSpec> = {}): SqsCheckSpec => ({
    type: 'sqs-queue',
    name: 'orders',
    queue: 'orders',
    deadLetterEmpty: true,
    ...overrides
  })

  function queues(visible: number, dlqVisible: number, withRedrive = true) {
    sqsMock.on(GetQueueUrlCommand, { QueueName: 'orders' }).resolves({ QueueUrl: url })
    sqsMock.on(GetQueueUrlCommand, { QueueName: 'orders-dlq' }).resolves({ QueueUrl: dlqUrl })
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: url }).resolves({
      Attributes: {
        ApproximateNumberOfMessages: String(visible),
        ...(withRedrive ? { RedrivePolicy: redrive } : {})
      }
    })
    sqsMock
      .on(GetQueueAttributesCommand, { QueueUrl: dlqUrl })
      .resolves({ Attributes: { ApproximateNumberOfMessages: String(dlqVisible) } })
  }

  it('fails a dead-letter queue with messages', async () => {
    queues(3, 7)
    const sample = await probeSqsQueue(spec(), { sqs, clock })
    expect(sample).toEqual({
      check: 'orders',
      type: 'sqs-queue',
      at: clock.now(),
      ok: false,
      detail: 'dead-letter queue orders-dlq holds 7 messages'
    })
    expect(sqsMock).toHaveReceivedCommandWith(GetQueueUrlCommand, {
      QueueName: 'orders-dlq',
      QueueOwnerAWSAccountId: '123456789012'
    })
    expect(sqsMock).toHaveReceivedCommandWith(GetQueueAttributesCommand, {
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'RedrivePolicy']
    })
  })

  it.each<[string, Partial<SqsCheckSpec>, [number, number, boolean], boolean, string]>([
    ['an empty DLQ', {}, [3, 0, true], true, '3 visible, dead-letter queue orders-dlq empty'],
    ['no DLQ configured', {}, [0, 0, false], true, '0 visible, no dead-letter queue configured'],
    ['DLQ not checked', { deadLetterEmpty: false }, [0, 9, true], true, '0 visible'],
    [
      'within max-visible',
      { maxVisible: 5 },
      [5, 0, true],
      true,
      '5 visible, dead-letter queue orders-dlq empty'
    ],
    [
      'above max-visible',
      { maxVisible: 5 },
      [6, 0, true],
      false,
      '6 visible messages, more than max-visible 5'
    ]
  ])('%s', async (_what, overrides, [visible, dlq, withRedrive], ok, detail) => {
    queues(visible, dlq, withRedrive)
    expect(await probeSqsQueue(spec(overrides), { sqs, clock })).toMatchObject({ ok, detail })
  })

  it('uses a queue URL as given', async () => {
    queues(0, 0)
    expect((await probeSqsQueue(spec({ queue: url }), { sqs, clock })).ok).toBe(true)
    expect(sqsMock).not.toHaveReceivedCommandWith(GetQueueUrlCommand, { QueueName: 'orders' })
  })

  it('fails a queue that does not exist, and other AWS errors', async () => {
    sqsMock
      .on(GetQueueUrlCommand)
      .rejects(
        new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} })
      )
    expect((await probeSqsQueue(spec(), { sqs, clock })).detail).toBe('queue orders does not exist')
    sqsMock.on(GetQueueUrlCommand).resolves({})
    expect((await probeSqsQueue(spec(), { sqs, clock })).detail).toBe('queue orders does not exist')
    sqsMock.on(GetQueueUrlCommand).rejects(new Error('network down'))
    expect((await probeSqsQueue(spec(), { sqs, clock })).detail).toBe(
      'GetQueueUrl failed: network down'
    )
  })

  it.each<[string, number[] | undefined, boolean, string]>([
    ['young messages', [30, 90], true, 'oldest message 30s old'],
    ['old messages', [900], false, 'oldest message is 15m old, more than max-age 5m'],
    ['no data points', [], true, 'oldest message age not available'],
    ['no result', undefined, true, 'oldest message age not available']
  ])('checks max-age with CloudWatch: %s', async (_what, values, ok, detail) => {
    queues(0, 0)
    cwMock
      .on(GetMetricDataCommand)
      .resolves(values === undefined ? {} : { MetricDataResults: [{ Id: 'age', Values: values }] })
    const sample = await probeSqsQueue(spec({ maxAgeMs: 300_000 }), { sqs, cloudwatch, clock })
    expect(sample.ok).toBe(ok)
    expect(sample.detail).toContain(detail)
    expect(cwMock).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date(clock.now() - 600_000),
      EndTime: new Date(clock.now()),
      ScanBy: 'TimestampDescending'
    })
    const query = cwMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.[0]
    expect(query?.MetricStat?.Metric).toEqual({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: 'orders' }]
    })
  })

  it('reports max-age as not available without a CloudWatch client', async () => {
    queues(0, 0)
    const sample = await probeSqsQueue(spec({ maxAgeMs: 1000 }), { sqs, clock })
    expect(sample).toMatchObject({ ok: true })
    expect(sample.detail).toContain('oldest message age not available')
  })
})

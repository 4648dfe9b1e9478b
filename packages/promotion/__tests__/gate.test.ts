import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type StateValue
} from '@aws-sdk/client-cloudwatch'
import {
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  type Deployment,
  type Service,
  type Task
} from '@aws-sdk/client-ecs'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { FakeClock, MemoryLogger } from '@fargate-promote/common'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-jest'
import {
  evaluateGate,
  pinImage,
  verdictToJson,
  type GateCheck,
  type GateOptions,
  type GateVerdict,
  type GitHubClient
} from '../src/index.js'

const ecsMock = mockClient(ECSClient)
const elbMock = mockClient(ElasticLoadBalancingV2Client)
const cwMock = mockClient(CloudWatchClient)

const MIN = 60_000
const CLUSTER = 'staging'
const TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42'
const OLD_TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:41'
const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-tg/0123456789abcdef'
const REV = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/staging/web/1'
const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web'
const DIGEST_A = `sha256:${'a'.repeat(64)}`
const DIGEST_B = `sha256:${'b'.repeat(64)}`
const SHA = '0123456789abcdef0123456789abcdef01234567'

let clock: FakeClock
let log: MemoryLogger

interface Stage {
  deployments?: Deployment[]
  tags?: Record<string, string>
  tasks?: Task[]
  stopped?: Task[]
  finishedAgoMs?: number
  revisionTaskDefinition?: string
  targets?: TargetHealthDescription[]
  alarmState?: StateValue
}

function task(id: string, ip: string, digest = DIGEST_A, extra: Partial<Task> = {}): Task {
  return {
    taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/staging/${id}`,
    taskDefinitionArn: TD,
    startedBy: 'ecs-svc/2',
    lastStatus: 'RUNNING',
    attachments: [
      { type: 'ElasticNetworkInterface', details: [{ name: 'privateIPv4Address', value: ip }] }
    ],
    containers: [{ name: 'web', image: `${REPO}:1.4.2`, imageDigest: digest }],
    ...extra
  }
}

function primary(extra: Partial<Deployment> = {}): Deployment {
  return {
    id: 'ecs-svc/2',
    status: 'PRIMARY',
    taskDefinition: TD,
    desiredCount: 2,
    runningCount: 2,
    rolloutState: 'COMPLETED',
    rolloutStateReason: 'ECS deployment ecs-svc/2 completed.',
    updatedAt: new Date(Date.UTC(2026, 10, 26, 11, 0)),
    ...extra
  }
}

function healthy(ip: string): TargetHealthDescription {
  return { Target: { Id: ip, Port: 8080 }, TargetHealth: { State: 'healthy' } }
}

function service(name: string, deployments: Deployment[]): Service {
  return {
    serviceName: name,
    serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/staging/${name}`,
    status: 'ACTIVE',
    deployments,
    loadBalancers: [{ targetGroupArn: TG, containerName: 'web', containerPort: 8080 }]
  }
}

function stage(s: Stage = {}): void {
  const tasks = s.tasks ?? [task('aaa', '10.0.0.1'), task('bbb', '10.0.0.2')]
  const stopped = s.stopped ?? []
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [service('web', s.deployments ?? [primary()])],
    failures: []
  })
  ecsMock.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: { taskDefinitionArn: TD, family: 'web', revision: 42 },
    tags: Object.entries(s.tags ?? { version: '1.4.2', commit: SHA }).map(([key, value]) => ({
      key,
      value
    }))
  })
  ecsMock
    .on(ListTasksCommand, { desiredStatus: 'RUNNING' })
    .resolves({ taskArns: tasks.map(t => t.taskArn as string) })
  ecsMock
    .on(ListTasksCommand, { desiredStatus: 'STOPPED' })
    .resolves({ taskArns: stopped.map(t => t.taskArn as string) })
  ecsMock.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: [...tasks, ...stopped].filter(t => input.tasks.includes(t.taskArn as string))
  }))
  ecsMock.on(ListServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      {
        status: 'SUCCESSFUL',
        targetServiceRevisionArn: `${REV}-old`,
        finishedAt: new Date(clock.now() - 3 * 3_600_000)
      },
      {
        status: 'SUCCESSFUL',
        targetServiceRevisionArn: REV,
        finishedAt: new Date(clock.now() - (s.finishedAgoMs ?? 20 * MIN))
      }
    ]
  })
  ecsMock.on(DescribeServiceRevisionsCommand).resolves({
    serviceRevisions: [{ serviceRevisionArn: REV, taskDefinition: s.revisionTaskDefinition ?? TD }]
  })
  elbMock.on(DescribeTargetHealthCommand).resolves({
    TargetHealthDescriptions: s.targets ?? [healthy('10.0.0.1'), healthy('10.0.0.2')]
  })
  cwMock.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      {
        AlarmName: 'web-5xx',
        StateValue: s.alarmState ?? 'OK',
        StateReason: 'Threshold Crossed: 1 datapoint [12.0] was greater than 5.0'
      }
    ]
  })
}

function options(extra: Partial<GateOptions> = {}): GateOptions {
  return {
    cluster: CLUSTER,
    services: ['web'],
    candidate: { version: '1.4.2' },
    minSoakMs: 15 * MIN,
    checks: [],
    alarms: { names: ['web-5xx'] },
    requireGitHubDeployment: false,
    emergency: { enabled: false },
    ...extra
  }
}

interface Recorded {
  route: string
  parameters: Record<string, unknown> | undefined
}

/** Answers like GitHub for the deployment routes the gate reads. */
class FakeGitHub implements GitHubClient {
  readonly requests: Recorded[] = []
  constructor(
    private readonly deployments: { id: number; sha: string; state?: string; at?: string }[]
  ) {}

  request(route: string, parameters?: Record<string, unknown>) {
    this.requests.push({ route, parameters })
    if (route === 'GET /repos/{owner}/{repo}/deployments') {
      const data = this.deployments
        .filter(d => parameters?.sha === undefined || d.sha === parameters.sha)
        .map(d => ({ id: d.id, sha: d.sha, created_at: '2026-11-26T10:00:00Z', payload: {} }))
      return Promise.resolve({ status: 200, data })
    }
    if (route === 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses') {
      const found = this.deployments.find(d => d.id === parameters?.deployment_id)
      const data = found?.state ? [{ state: found.state, created_at: found.at }] : []
      return Promise.resolve({ status: 200, data })
    }
    return Promise.resolve({ status: 404, data: { message: 'Not Found' } })
  }
}

function deps(github?: GitHubClient) {
  return {
    ecs: new ECSClient({ region: 'eu-west-1' }),
    elb: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
    cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
    ...(github && { github }),
    clock,
    log
  }
}

beforeEach(() => {
  ecsMock.reset()
  elbMock.reset()
  cwMock.reset()
  clock = new FakeClock()
  log = new MemoryLogger()
})

function check(verdict: GateVerdict, name: string): GateCheck {
  const found = verdict.checks.find(c => c.name === name)
  if (found === undefined) throw new Error(`no check ${name}`)
  return found
}

describe('evaluateGate: approval', () => {
  it('approves a candidate that has soaked, with the exact image digests for production', async () => {
    stage()
    const verdict = await evaluateGate(options(), deps())

    expect(verdict).toMatchObject({
      approved: true,
      mode: 'approved',
      images: { web: `${REPO}@${DIGEST_A}` },
      taskDefinitionArn: TD,
      version: '1.4.2',
      sha: SHA,
      soakedForMs: 20 * MIN,
      remainingSoakMs: 0,
      nextSteps: []
    })
    expect(verdict.checks.map(c => [c.name, c.ok, c.blocking])).toEqual([
      ['identity (web)', true, false],
      ['stability (web)', true, false],
      ['soak (web)', true, false],
      ['alarms', true, false]
    ])
    expect(check(verdict, 'soak (web)').detail).toContain('live for 20m, minimum 15m')
    expect(ecsMock).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: TD,
      include: ['TAGS']
    })
    expect(ecsMock).toHaveReceivedCommandWith(ListTasksCommand, {
      cluster: CLUSTER,
      startedBy: 'ecs-svc/2',
      desiredStatus: 'RUNNING'
    })
    expect(cwMock).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['web-5xx'] })
    expect(log.text()).toContain('Staging gate approved')
  })

  it('writes the verdict as a JSON report with ISO times', async () => {
    stage()
    const verdict = await evaluateGate(options(), deps())
    const json = JSON.parse(verdictToJson(verdict))
    expect(json).toMatchObject({
      approved: true,
      mode: 'approved',
      evaluatedAt: '2026-11-26T12:00:00.000Z',
      images: { web: `${REPO}@${DIGEST_A}` },
      soak: { soakedForMs: 20 * MIN, remainingSoakMs: 0, minSoakMs: 15 * MIN }
    })
    expect(json.services[0]).toMatchObject({
      service: 'web',
      liveSince: '2026-11-26T11:40:00.000Z',
      liveSinceSource: 'ecs-service-deployment'
    })
  })

  it('keys images by service and container when several services are gated', async () => {
    stage()
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        service('web', [primary()]),
        { ...service('worker', [primary()]), loadBalancers: [] }
      ]
    })
    const verdict = await evaluateGate(options({ services: ['web', 'worker'] }), deps())
    expect(verdict.approved).toBe(true)
    expect(check(verdict, 'stability (worker)').detail).toBe(
      'deployment ecs-svc/2 COMPLETED with 2/2 tasks of web:42 running, no task stopped in the last 15m'
    )
    expect(verdict.images).toEqual({
      'web/web': `${REPO}@${DIGEST_A}`,
      'worker/web': `${REPO}@${DIGEST_A}`
    })
  })
})

describe('evaluateGate: soak', () => {
  it('blocks until the candidate has soaked long enough, saying how long to go', async () => {
    stage({ finishedAgoMs: 4 * MIN })
    const verdict = await evaluateGate(options(), deps())

    expect(verdict).toMatchObject({
      approved: false,
      mode: 'blocked',
      soakedForMs: 4 * MIN,
      remainingSoakMs: 11 * MIN
    })
    const soak = check(verdict, 'soak (web)')
    expect(soak).toMatchObject({ ok: false, blocking: true })
    expect(soak.detail).toContain('soaked 4m of 15m; 11m to go')
    expect(verdict.nextSteps).toEqual([
      'Re-run the gate after 2026-11-26T12:11:00.000Z (11m from now): web has not soaked long enough.'
    ])
  })

  const updatedAt = new Date(Date.UTC(2026, 10, 26, 11, 50))
  it.each([
    {
      name: 'ListServiceDeployments is not available → the COMPLETED primary deployment',
      setup: () => ecsMock.on(ListServiceDeploymentsCommand).rejects(new Error('AccessDenied')),
      deployment: primary({ updatedAt }),
      github: undefined,
      soaked: 10 * MIN,
      source: 'ecs-primary-deployment'
    },
    {
      name: 'the newest service deployment put another revision in place → primary deployment',
      setup: () => stage({ revisionTaskDefinition: OLD_TD, deployments: [primary({ updatedAt })] }),
      deployment: primary({ updatedAt }),
      github: undefined,
      soaked: 10 * MIN,
      source: 'ecs-primary-deployment'
    },
    {
      name: 'DescribeServiceRevisions fails and the primary has no rollout state → GitHub success',
      setup: () => ecsMock.on(DescribeServiceRevisionsCommand).rejects(new Error('boom')),
      deployment: primary({ rolloutState: undefined }),
      github: new FakeGitHub([{ id: 7, sha: SHA, state: 'success', at: '2026-11-26T11:30:00Z' }]),
      soaked: 30 * MIN,
      source: 'github-deployment'
    }
  ])('falls back when $name', async ({ setup, deployment, github, soaked, source }) => {
    stage({ deployments: [deployment] })
    setup()
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service('web', [deployment])] })
    const verdict = await evaluateGate(
      options({ candidate: { sha: SHA }, repository: { owner: 'o', repo: 'r' } }),
      deps(github)
    )
    expect(verdict.soakedForMs).toBe(soaked)
    expect(verdict.services[0]?.liveSinceSource).toBe(source)
  })

  it('blocks when it cannot tell since when the revision is live', async () => {
    stage({ deployments: [primary({ rolloutState: undefined })] })
    ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] })
    const verdict = await evaluateGate(options(), deps())
    expect(check(verdict, 'soak (web)').detail).toContain('cannot tell since when')
    expect(verdict.remainingSoakMs).toBe(15 * MIN)
    expect(verdict.nextSteps.join('\n')).toContain('through the deploy workflow')
  })
})

describe('evaluateGate: identity', () => {
  it.each([
    {
      name: 'another version',
      tags: { version: '1.4.1', commit: SHA },
      candidate: { version: '1.4.2' },
      expected: ['version 1.4.1', 'not the candidate (version 1.4.2)', 'version differ']
    },
    {
      name: 'another commit with the same version label',
      tags: { version: '1.4.2', commit: 'fedcba9876543210fedcba9876543210fedcba98' },
      candidate: { version: '1.4.2', sha: '0123456' },
      expected: ['commit fedcba987654', 'commit 0123456', 'commit differ']
    },
    {
      name: 'another image tag',
      tags: {},
      candidate: { image: `${REPO}:1.4.3` },
      expected: [`web=${REPO}:1.4.2`, `image ${REPO}:1.4.3`, 'image differ']
    },
    {
      name: 'another digest',
      tags: {},
      candidate: { image: `${REPO}@${DIGEST_B}` },
      expected: ['image differ']
    },
    {
      name: 'no tag to compare',
      tags: {},
      candidate: { version: '1.4.2' },
      expected: ['no version tag', 'nothing matches']
    }
  ] as {
    name: string
    tags: Record<string, string>
    candidate: GateOptions['candidate']
    expected: string[]
  }[])('blocks when staging runs $name', async ({ tags, candidate, expected }) => {
    stage({ tags })
    const verdict = await evaluateGate(options({ candidate }), deps())
    const identity = check(verdict, 'identity (web)')
    expect(identity).toMatchObject({ ok: false, blocking: true })
    for (const text of expected) expect(identity.detail).toContain(text)
    // Bits that are not the candidate are never offered to production.
    expect(verdict.images).toEqual({})
    expect(verdict.approved).toBe(false)
    expect(verdict.nextSteps[0]).toContain('Deploy')
  })

  it.each([
    { name: 'abbreviated SHA', candidate: { sha: '0123456789ab' } },
    { name: 'image with the same tag', candidate: { image: `${REPO}:1.4.2` } },
    { name: 'image by digest', candidate: { image: `${REPO}@${DIGEST_A}` } },
    { name: 'version and SHA', candidate: { version: '1.4.2', sha: SHA.toUpperCase() } }
  ])('recognises the candidate by $name', async ({ candidate }) => {
    stage()
    const verdict = await evaluateGate(options({ candidate }), deps())
    expect(check(verdict, 'identity (web)').ok).toBe(true)
    expect(verdict.sha).toBe(SHA)
    expect(verdict.approved).toBe(true)
  })

  it('blocks when one task runs another digest than the others', async () => {
    stage({ tasks: [task('aaa', '10.0.0.1'), task('bbb', '10.0.0.2', DIGEST_B)] })
    const verdict = await evaluateGate(options(), deps())
    const identity = check(verdict, 'identity (web)')
    expect(identity.ok).toBe(false)
    expect(identity.detail).toContain(
      `task bbb container web runs ${DIGEST_B} but task aaa runs ${DIGEST_A}`
    )
    expect(verdict.images).toEqual({})
    expect(verdict.nextSteps[0]).toContain('Force a new deployment of web')
  })

  it('blocks when a task reports no image digest', async () => {
    stage({
      tasks: [
        task('aaa', '10.0.0.1'),
        task('bbb', '10.0.0.2', DIGEST_A, { containers: [{ name: 'web', image: 'x' }] })
      ]
    })
    const verdict = await evaluateGate(options(), deps())
    expect(check(verdict, 'identity (web)').detail).toContain(
      'task bbb container web reports no image digest'
    )
  })

  it('only compares tasks of the primary deployment', async () => {
    stage({
      tasks: [
        task('aaa', '10.0.0.1'),
        task('bbb', '10.0.0.2'),
        task('old', '10.0.0.3', DIGEST_B, { startedBy: 'ecs-svc/1' })
      ]
    })
    const verdict = await evaluateGate(options(), deps())
    expect(check(verdict, 'identity (web)')).toMatchObject({ ok: true })
    expect(check(verdict, 'identity (web)').detail).toContain('2 tasks of web:42')
  })

  it.each([
    ['does not exist', { services: [], failures: [{ arn: 'web', reason: 'MISSING' }] }, 'MISSING'],
    [
      'is INACTIVE',
      { services: [{ ...service('web', [primary()]), status: 'INACTIVE' }] },
      'INACTIVE'
    ]
  ])('refuses a staging service that %s, even in an emergency', async (_name, answer, status) => {
    stage()
    ecsMock.on(DescribeServicesCommand).resolves(answer)
    const emergency = { enabled: true, reason: 'hotfix', actor: 'octocat' }
    const named = status === 'MISSING' ? "'web'" : `'web (${status})'`
    await expect(evaluateGate(options({ emergency }), deps())).rejects.toThrow(
      `Input 'service': ${named} is not an active service of cluster 'staging'.`
    )
  })

  it('blocks every service check when the service has no primary deployment', async () => {
    stage()
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service('web', [])] })
    const verdict = await evaluateGate(options(), deps())
    expect(check(verdict, 'identity (web)').detail).toBe('service web has no PRIMARY deployment')
    expect(check(verdict, 'stability (web)').ok).toBe(false)
    expect(check(verdict, 'soak (web)').ok).toBe(false)
  })

  it('blocks when no task of the primary deployment runs', async () => {
    stage({ tasks: [] })
    const verdict = await evaluateGate(options(), deps())
    expect(check(verdict, 'identity (web)').detail).toContain('no RUNNING task')
  })

  it('gives no verdict at all when staging cannot be described: even a bypass has nothing to go on', async () => {
    stage()
    ecsMock.on(DescribeServicesCommand).rejects(new Error('AccessDeniedException: not allowed'))
    const emergency = { enabled: true, reason: 'hotfix', actor: 'octocat' }
    await expect(evaluateGate(options({ emergency }), deps())).rejects.toThrow(
      'AccessDeniedException: not allowed'
    )
  })

  it('reports AWS failures while observing a described service as failed checks', async () => {
    stage()
    ecsMock.on(ListTasksCommand).rejects(new Error('AccessDeniedException: not allowed'))
    const verdict = await evaluateGate(options(), deps())
    expect(verdict.approved).toBe(false)
    for (const name of ['identity (web)', 'stability (web)', 'soak (web)']) {
      expect(check(verdict, name).detail).toContain('could not observe staging: AccessDenied')
    }
    expect(verdict.remainingSoakMs).toBe(15 * MIN)
  })
})

describe('evaluateGate: stability', () => {
  it('blocks while staging rolls back, with the reason', async () => {
    const reason = 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.'
    stage({
      deployments: [
        primary({ rolloutState: 'IN_PROGRESS', rolloutStateReason: reason }),
        primary({ id: 'ecs-svc/3', status: 'ACTIVE', rolloutState: 'FAILED' })
      ]
    })
    const verdict = await evaluateGate(options(), deps())
    const stability = check(verdict, 'stability (web)')
    expect(stability).toMatchObject({ ok: false, blocking: true })
    expect(stability.detail).toBe(`service web is rolling back: ${reason}`)
    expect(verdict.mode).toBe('blocked')
  })

  it('blocks on a FAILED deployment next to the primary', async () => {
    stage({
      deployments: [
        primary(),
        primary({
          id: 'ecs-svc/3',
          status: 'ACTIVE',
          taskDefinition: OLD_TD,
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.'
        })
      ]
    })
    const verdict = await evaluateGate(options(), deps())
    expect(check(verdict, 'stability (web)').detail).toBe(
      '2 deployments, a rollout is under way: PRIMARY ecs-svc/2 (web:42, COMPLETED, 2/2 tasks running); ACTIVE ecs-svc/3 (web:41, FAILED, 2/2 tasks running)'
    )
  })

  const crashed = task('ccc', '10.0.0.9', DIGEST_A, {
    lastStatus: 'STOPPED',
    stoppedAt: new Date(Date.UTC(2026, 10, 26, 11, 55)),
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'web', exitCode: 137, reason: 'OutOfMemoryError: Container killed' }]
  })
  const stopping = task('eee', '10.0.0.7', DIGEST_A, { lastStatus: 'DEACTIVATING' })
  it.each([
    {
      name: 'a rollout under way',
      stage: {
        deployments: [
          primary({
            rolloutState: 'IN_PROGRESS',
            rolloutStateReason: 'ECS deployment ecs-svc/2 in progress.'
          }),
          primary({ id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: OLD_TD })
        ]
      },
      detail:
        '2 deployments, a rollout is under way: PRIMARY ecs-svc/2 (web:42, IN_PROGRESS, 2/2 tasks running); ACTIVE ecs-svc/1 (web:41, COMPLETED, 2/2 tasks running)'
    },
    {
      name: 'fewer tasks running than desired',
      stage: { deployments: [primary({ runningCount: 1 })] },
      detail: 'deployment ecs-svc/2 has 1/2 tasks running'
    },
    {
      name: 'a service scaled to zero',
      stage: { deployments: [primary({ desiredCount: 0, runningCount: 0 })] },
      detail: 'desired count is 0'
    },
    {
      name: 'a task of this revision that crashed recently',
      stage: { stopped: [crashed, stopping] },
      detail:
        '2 tasks of web:42 stopped in the last 15m: task ccc stopped: Essential container in task exited (EssentialContainerExited); container web exited with code 137: OutOfMemoryError: Container killed (and 1 more)'
    },
    {
      name: 'an unhealthy target',
      stage: {
        targets: [
          healthy('10.0.0.1'),
          {
            Target: { Id: '10.0.0.2', Port: 8080 },
            TargetHealth: {
              State: 'unhealthy',
              Reason: 'Target.ResponseCodeMismatch',
              Description: 'Health checks failed with these codes: [502]'
            }
          }
        ]
      },
      detail:
        '1/2 targets healthy in web-tg: 1 target unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [502]): 10.0.0.2:8080'
    },
    {
      name: 'a task that is no target',
      stage: { targets: [healthy('10.0.0.1')] },
      detail: '1/2 targets healthy in web-tg; task bbb is not a target of web-tg'
    }
  ] as { name: string; stage: Stage; detail: string }[])(
    'blocks on $name',
    async ({ stage: s, detail }) => {
      stage(s)
      const verdict = await evaluateGate(options(), deps())
      const stability = check(verdict, 'stability (web)')
      expect(stability.ok).toBe(false)
      expect(stability.detail).toContain(detail)
    }
  )

  it.each([
    {
      name: 'a scale-in',
      task: task('ddd', '10.0.0.8', DIGEST_A, {
        lastStatus: 'STOPPED',
        stoppedAt: new Date(Date.UTC(2026, 10, 26, 11, 58)),
        stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/2)'
      })
    },
    {
      name: 'a crash of the previous revision',
      task: { ...crashed, taskDefinitionArn: OLD_TD }
    },
    {
      name: 'a crash before the window',
      task: { ...crashed, stoppedAt: new Date(Date.UTC(2026, 10, 26, 11, 40)) }
    }
  ])('ignores $name', async ({ task: stoppedTask }) => {
    stage({ stopped: [stoppedTask] })
    const verdict = await evaluateGate(options(), deps())
    expect(check(verdict, 'stability (web)')).toMatchObject({
      ok: true,
      detail:
        'deployment ecs-svc/2 COMPLETED with 2/2 tasks of web:42 running, 2/2 targets healthy in web-tg, no task stopped in the last 15m'
    })
  })

  it('looks for stopped tasks over at least 5 minutes when no soak is required', async () => {
    stage({ stopped: [crashed] })
    clock.advance(-MIN)
    const verdict = await evaluateGate(options({ minSoakMs: 0 }), deps())
    expect(check(verdict, 'stability (web)').detail).toContain('stopped in the last 5m')
    expect(check(verdict, 'soak (web)').ok).toBe(true)
  })

  it('reports a failed AWS call during the stability check', async () => {
    stage()
    ecsMock.on(ListTasksCommand, { desiredStatus: 'STOPPED' }).rejects(new Error('Rate exceeded'))
    const verdict = await evaluateGate(options(), deps())
    expect(check(verdict, 'stability (web)').detail).toBe(
      'could not observe staging: Rate exceeded'
    )
  })
})

describe('evaluateGate: health checks and alarms', () => {
  it('blocks on an alarm in ALARM, read through the health package', async () => {
    stage({ alarmState: 'ALARM' })
    const verdict = await evaluateGate(options({ checksTimeoutMs: 30_000 }), deps())
    const alarms = check(verdict, 'alarms')
    expect(alarms).toMatchObject({ kind: 'alarms', ok: false, blocking: true })
    expect(alarms.detail).toContain('web-5xx in ALARM: Threshold Crossed')
    expect(verdict.mode).toBe('blocked')
    expect(verdict.nextSteps).toEqual([expect.stringContaining('Resolve the staging alarms')])
    // A failing check is retried within the short timeout: every 10 s for 30 s.
    expect(cwMock.commandCalls(DescribeAlarmsCommand)).toHaveLength(4)
    expect(clock.now() - Date.UTC(2026, 10, 26, 12)).toBe(30_000)
  })

  it('runs alarms by prefix and the caller’s health checks', async () => {
    stage()
    const verdict = await evaluateGate(
      options({
        alarms: { prefix: 'web-' },
        checks: [
          {
            type: 'target-group',
            name: 'web targets',
            targetGroup: TG,
            minHealthyPercent: 100
          }
        ]
      }),
      deps()
    )
    expect(verdict.checks.map(c => [c.name, c.kind, c.ok])).toEqual([
      ['identity (web)', 'identity', true],
      ['stability (web)', 'stability', true],
      ['soak (web)', 'soak', true],
      ['health: web targets', 'health', true],
      ['alarms by prefix', 'alarms', true]
    ])
    expect(cwMock).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNamePrefix: 'web-' })
  })

  it('runs no health check when none is configured', async () => {
    stage()
    const verdict = await evaluateGate(options({ alarms: {} }), deps())
    expect(verdict.checks.map(c => c.kind)).toEqual(['identity', 'stability', 'soak'])
    expect(cwMock.calls()).toHaveLength(0)
  })
})

describe('evaluateGate: cancellation', () => {
  it('stops the checks when cancelled and approves nothing, not even under a bypass', async () => {
    stage({ alarmState: 'ALARM' })
    const controller = new AbortController()
    // The runner's SIGINT arrives while the gate waits to retry the failing alarm check.
    const sleep = clock.sleep.bind(clock)
    clock.sleep = (ms: number, signal?: AbortSignal) => {
      controller.abort()
      return sleep(ms, signal)
    }
    const verdict = await evaluateGate(
      options({
        checksTimeoutMs: 30_000,
        emergency: { enabled: true, reason: 'hotfix INC-9', actor: 'alice' }
      }),
      { ...deps(), signal: controller.signal }
    )
    expect(verdict).toMatchObject({ approved: false, mode: 'blocked', cancelled: true })
    const alarms = check(verdict, 'alarms')
    expect(alarms).toMatchObject({ ok: false, blocking: true })
    expect(alarms.detail).toMatch(/^cancelled before a verdict \(last: .*web-5xx in ALARM/)
    expect(verdict.nextSteps).toEqual([
      'Re-run the gate: the run was cancelled while alarms was being checked.'
    ])
    // One round only: no retry after the cancellation.
    expect(cwMock.commandCalls(DescribeAlarmsCommand)).toHaveLength(1)
    expect(log.lines).toContainEqual({
      level: 'warning',
      message: 'Staging gate cancelled before every check had a verdict: nothing is approved.'
    })
  })
})

describe('evaluateGate: GitHub deployment', () => {
  const github = (state: string | undefined) =>
    new FakeGitHub([
      { id: 11, sha: SHA, state, at: '2026-11-26T11:00:00Z' },
      { id: 9, sha: SHA, state: 'success', at: '2026-11-25T11:00:00Z' }
    ])

  it.each([
    {
      state: 'success',
      ok: true,
      detail: `GitHub deployment 11 of ${SHA.slice(0, 12)} to staging is success since 2026-11-26T11:00:00Z`
    },
    { state: 'failure', ok: false, detail: 'is failure, not success' },
    { state: 'in_progress', ok: false, detail: 'is in_progress, not success' },
    { state: undefined, ok: false, detail: 'is without any status, not success' }
  ])(
    'the newest staging deployment of the SHA is $state → ok $ok',
    async ({ state, ok, detail }) => {
      stage()
      const fake = github(state)
      const verdict = await evaluateGate(
        options({
          candidate: { sha: '0123456789ab' },
          requireGitHubDeployment: true,
          repository: { owner: 'acme', repo: 'web' }
        }),
        deps(fake)
      )
      const gh = check(verdict, 'github deployment')
      expect(gh.ok).toBe(ok)
      expect(gh.detail).toContain(detail)
      expect(verdict.approved).toBe(ok)
      // The full SHA from the commit tag lets GitHub filter the deployments.
      expect(fake.requests[0]).toEqual({
        route: 'GET /repos/{owner}/{repo}/deployments',
        parameters: {
          owner: 'acme',
          repo: 'web',
          environment: 'staging',
          sha: SHA,
          per_page: 1
        }
      })
    }
  )

  it('matches an abbreviated SHA when staging has no commit tag', async () => {
    stage({ tags: { version: '1.4.2' } })
    const fake = new FakeGitHub([
      { id: 3, sha: 'ffff' + SHA.slice(4), state: 'success' },
      { id: 2, sha: SHA, state: 'failure' }
    ])
    const verdict = await evaluateGate(
      options({
        candidate: { version: '1.4.2', sha: '0123456' },
        requireGitHubDeployment: true,
        repository: { owner: 'acme', repo: 'web' },
        environment: 'stage-eu'
      }),
      deps(fake)
    )
    expect(check(verdict, 'github deployment').detail).toBe(
      `GitHub deployment 2 of ${SHA.slice(0, 12)} to stage-eu is failure, not success`
    )
    expect(fake.requests[0]?.parameters).toMatchObject({ environment: 'stage-eu', per_page: 100 })
  })

  it.each([
    {
      name: 'no deployment of the SHA',
      deployments: [],
      detail: `no GitHub deployment of ${SHA.slice(0, 12)} to staging`
    }
  ])('blocks when there is $name', async ({ deployments, detail }) => {
    stage()
    const verdict = await evaluateGate(
      options({ requireGitHubDeployment: true, repository: { owner: 'acme', repo: 'web' } }),
      deps(new FakeGitHub(deployments))
    )
    expect(check(verdict, 'github deployment').detail).toBe(detail)
    expect(verdict.nextSteps.at(-1)).toContain(`Deploy ${SHA.slice(0, 12)} to staging`)
  })

  it('blocks when no SHA is known', async () => {
    stage({ tags: { version: '1.4.2' } })
    const verdict = await evaluateGate(
      options({ requireGitHubDeployment: true, repository: { owner: 'acme', repo: 'web' } }),
      deps(new FakeGitHub([]))
    )
    expect(check(verdict, 'github deployment').detail).toContain('no commit SHA to look up')
  })

  it('reports a GitHub error as a failed check', async () => {
    stage()
    const failing: GitHubClient = { request: () => Promise.reject(new Error('Bad credentials')) }
    const verdict = await evaluateGate(
      options({ requireGitHubDeployment: true, repository: { owner: 'acme', repo: 'web' } }),
      deps(failing)
    )
    expect(check(verdict, 'github deployment').detail).toBe(
      'could not read GitHub deployments: Bad credentials'
    )
  })
})

describe('evaluateGate: emergency bypass', () => {
  it('approves with mode emergency and still reports every failing check', async () => {
    stage({ finishedAgoMs: 2 * MIN, alarmState: 'ALARM', tags: { version: '1.4.1' } })
    const verdict = await evaluateGate(
      options({
        emergency: {
          enabled: true,
          reason: 'Payment outage, hotfix INC-123',
          actor: 'alice',
          allowedActors: ['alice', 'bob']
        }
      }),
      deps()
    )
    expect(verdict).toMatchObject({
      approved: true,
      mode: 'emergency',
      emergency: { reason: 'Payment outage, hotfix INC-123', actor: 'alice' },
      remainingSoakMs: 13 * MIN
    })
    const failed = verdict.checks.filter(c => !c.ok).map(c => c.name)
    expect(failed).toEqual(['identity (web)', 'soak (web)', 'alarms'])
    expect(verdict.checks.every(c => !c.blocking)).toBe(true)
    expect(verdict.nextSteps).toHaveLength(3)
    expect(verdict.images).toEqual({})
    expect(log.lines).toContainEqual({
      level: 'warning',
      message:
        'EMERGENCY BYPASS by alice: Payment outage, hotfix INC-123. 3 failing checks did not block the release.'
    })
  })

  it('keeps mode emergency even when every check passes, and accepts an open allow-list', async () => {
    stage()
    const verdict = await evaluateGate(
      options({ emergency: { enabled: true, reason: 'paging', allowedActors: [] } }),
      deps()
    )
    expect(verdict).toMatchObject({
      approved: true,
      mode: 'emergency',
      emergency: { reason: 'paging' }
    })
    expect(log.text()).toContain('EMERGENCY BYPASS by unknown actor: paging. 0 failing checks')
  })
})

describe('pinImage', () => {
  it.each([
    [`${REPO}:1.4.2`, `${REPO}@${DIGEST_A}`],
    [`${REPO}@${DIGEST_B}`, `${REPO}@${DIGEST_A}`],
    ['nginx:1.27', `nginx@${DIGEST_A}`],
    ['localhost:5000/team/app', `localhost:5000/team/app@${DIGEST_A}`],
    // Not a valid reference (upper case): still pinned by cutting the tag off.
    ['Registry.Example/App:v1', `Registry.Example/App@${DIGEST_A}`],
    ['Registry.Example/App@sha256:x', `Registry.Example/App@${DIGEST_A}`]
  ])('%s → %s', (image, pinned) => {
    expect(pinImage(image, DIGEST_A)).toBe(pinned)
  })
})

describe('evaluateGate: reading staging', () => {
  it('follows ListTasks pages', async () => {
    const tasks = [task('aaa', '10.0.0.1'), task('bbb', '10.0.0.2')]
    stage({ tasks })
    ecsMock
      .on(ListTasksCommand, { desiredStatus: 'RUNNING', nextToken: undefined })
      .resolves({ taskArns: [tasks[0]!.taskArn!], nextToken: 'page-2' })
      .on(ListTasksCommand, { desiredStatus: 'RUNNING', nextToken: 'page-2' })
      .resolves({ taskArns: [tasks[1]!.taskArn!] })
    const verdict = await evaluateGate(options(), deps())
    expect(check(verdict, 'identity (web)').detail).toContain('2 tasks of web:42')
    expect(verdict.approved).toBe(true)
  })

  it('does not match a candidate image against an image it cannot parse', async () => {
    stage({
      tags: {},
      tasks: [
        task('aaa', '10.0.0.1', DIGEST_A, {
          containers: [{ name: 'web', image: 'Not/Valid:1.4.2', imageDigest: DIGEST_A }]
        })
      ],
      targets: [healthy('10.0.0.1')]
    })
    const verdict = await evaluateGate(options({ candidate: { image: `${REPO}:1.4.2` } }), deps())
    expect(check(verdict, 'identity (web)').detail).toContain('image differ')
  })
})

describe('evaluateGate: the candidate must be on the protected branch', () => {
  /** Answers GitHub's repository and compare routes as GitHub does (a 404 is thrown). */
  const compareGitHub = (status: string | number, defaultBranch = 'main') => {
    const requests: Recorded[] = []
    const client: GitHubClient = {
      request(route, parameters) {
        requests.push({ route, parameters })
        if (route === 'GET /repos/{owner}/{repo}') {
          return Promise.resolve({ status: 200, data: { default_branch: defaultBranch } })
        }
        if (typeof status === 'number') {
          return Promise.reject(Object.assign(new Error('Not Found'), { status }))
        }
        return Promise.resolve({ status: 200, data: { status } })
      }
    }
    return { client, requests }
  }
  const branchOptions = (extra: Partial<GateOptions> = {}) =>
    options({
      candidate: { sha: SHA },
      minSoakMs: 0,
      repository: { owner: 'acme', repo: 'web' },
      protectedBranch: 'default',
      ...extra
    })

  it.each([
    ['identical', true, `${SHA.slice(0, 12)} is on main`],
    ['ahead', true, `${SHA.slice(0, 12)} is on main`],
    ['behind', false, `${SHA.slice(0, 12)} is not on main (GitHub compares them as behind)`],
    ['diverged', false, 'is not on main (GitHub compares them as diverged)'],
    [404, false, `GitHub knows no common history of ${SHA.slice(0, 12)} and main`],
    [502, false, `could not compare ${SHA.slice(0, 12)} with main: Not Found`]
  ])('compare %s → ok %s', async (status, ok, detail) => {
    stage()
    const { client, requests } = compareGitHub(status)
    const verdict = await evaluateGate(branchOptions(), deps(client))
    const branch = check(verdict, 'protected branch')
    expect(branch).toMatchObject({ kind: 'branch', ok })
    expect(branch.detail).toContain(detail)
    expect(verdict.approved).toBe(ok)
    expect(requests.map(r => r.route)).toEqual([
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/compare/{basehead}'
    ])
    expect(requests[1]?.parameters).toMatchObject({ basehead: `${SHA}...main` })
  })

  it('a named branch is compared without asking for the default branch', async () => {
    stage()
    const { client, requests } = compareGitHub('ahead')
    const verdict = await evaluateGate(
      branchOptions({ protectedBranch: 'release/2' }),
      deps(client)
    )
    expect(check(verdict, 'protected branch').detail).toBe(`${SHA.slice(0, 12)} is on release/2`)
    expect(requests.map(r => r.parameters?.basehead)).toEqual([`${SHA}...release/2`])
  })

  it('an emergency bypass never skips it: a commit off the branch is blocked', async () => {
    stage()
    const { client } = compareGitHub('diverged')
    const verdict = await evaluateGate(
      branchOptions({
        minSoakMs: 60 * MIN,
        emergency: { enabled: true, reason: 'INC-1', actor: 'octocat' }
      }),
      deps(client)
    )
    expect(verdict).toMatchObject({ approved: false, mode: 'blocked' })
    expect(check(verdict, 'protected branch').blocking).toBe(true)
    expect(check(verdict, 'soak (web)').blocking).toBe(false)
    expect(log.text()).toContain('The emergency bypass does not skip the protected-branch check.')
  })

  it('without a token there is nothing to compare with: blocked, saying what to pass', async () => {
    stage()
    const verdict = await evaluateGate(branchOptions(), deps())
    expect(check(verdict, 'protected branch')).toMatchObject({
      ok: false,
      detail: 'no candidate commit SHA, GitHub token or repository to compare with the branch'
    })
  })
})

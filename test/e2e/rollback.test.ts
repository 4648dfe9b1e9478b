/**
 * The real bundle (actions/rollback/dist/index.js) run as the runner runs it — a child `node`
 * process with INPUT_* variables and file commands — against the simulator. Each test asserts
 * what the action reported (exit code, outputs, summary, annotations) and the state the sim
 * ended in (the live revision, its deployments and tags, and the AWS calls the action made).
 */
import {
  DeregisterTaskDefinitionCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { startSim, type CallRecord, type Sim } from '@fargate-promote/sim'
import { repoRoot, runAction, type ActionRun, type RunOptions } from './run-action.js'

const IMAGE = 'registry.example.com/shop/web'
/**
 * Tag suffix of an image whose health check answers 200 only after 300 sim seconds (7.5 s of
 * real time at the time scale below): with a long health-check grace period, its rollout stays
 * in progress long enough for a child process to start and find it so.
 */
const WARMING = '-warming'

let sim: Sim
let ecs: ECSClient

beforeAll(async () => {
  sim = await startSim({
    scenario: `${repoRoot}/test/fixtures/e2e.yml`,
    timeScale: 40,
    behaviours: { [WARMING]: { healthyAfterMs: 300_000 } }
  })
  ecs = new ECSClient({
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
}, 60_000)

afterAll(async () => {
  ecs.destroy()
  await sim.stop()
})

beforeEach(async () => {
  await sim.reset()
})

/** Polls (never a fixed sleep) until `ok`, or fails naming what it waited for. */
async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

async function describeTaskDefinition(taskDefinition: string) {
  return ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] }))
}

async function arnOf(taskDefinition: string): Promise<string> {
  return (await describeTaskDefinition(taskDefinition)).taskDefinition!.taskDefinitionArn!
}

async function tagsOf(taskDefinition: string): Promise<Record<string, string>> {
  const { tags } = await describeTaskDefinition(taskDefinition)
  return Object.fromEntries((tags ?? []).map(tag => [tag.key ?? '', tag.value ?? '']))
}

/** The `web` service as DescribeServices shows it, with the live revision's image. */
async function web() {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })
  )
  const service = services![0]!
  const taskDefinition = service.taskDefinition!
  const described = await describeTaskDefinition(taskDefinition)
  return {
    taskDefinition,
    image: described.taskDefinition?.containerDefinitions?.[0]?.image,
    deployments: (service.deployments ?? []).map(d => ({
      taskDefinition: d.taskDefinition,
      status: d.status,
      rolloutState: d.rolloutState
    }))
  }
}

/** `web` runs exactly `taskDefinitionArn`: one deployment, PRIMARY and COMPLETED. */
async function settledOn(taskDefinitionArn: string): Promise<boolean> {
  const { deployments } = await web()
  return (
    deployments.length === 1 &&
    deployments[0]?.taskDefinition === taskDefinitionArn &&
    deployments[0].rolloutState === 'COMPLETED'
  )
}

/** A new revision of `web` like web:1 with the image `<IMAGE>:<version>`, tagged with its version. */
async function registerWeb(version: string): Promise<string> {
  const { taskDefinition: base } = await describeTaskDefinition('web:1')
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      cpu: base?.cpu,
      memory: base?.memory,
      networkMode: base?.networkMode,
      requiresCompatibilities: base?.requiresCompatibilities,
      executionRoleArn: base?.executionRoleArn,
      containerDefinitions: (base?.containerDefinitions ?? []).map(c => ({
        ...c,
        image: `${IMAGE}:${version}`
      })),
      tags: [{ key: 'version', value: version }]
    })
  )
  return taskDefinition!.taskDefinitionArn!
}

/**
 * A release deployed by another tool: registered and rolled out with UpdateService, waited for
 * until COMPLETED unless `wait` is false. `graceSeconds` sets the service's health-check grace.
 */
async function release(
  version: string,
  { wait = true, graceSeconds }: { wait?: boolean; graceSeconds?: number } = {}
): Promise<string> {
  const arn = await registerWeb(version)
  await ecs.send(
    new UpdateServiceCommand({
      cluster: 'staging',
      service: 'web',
      taskDefinition: arn,
      healthCheckGracePeriodSeconds: graceSeconds
    })
  )
  if (wait) await until(`web on ${version}`, () => settledOn(arn))
  return arn
}

function lastSeq(): number {
  return sim.calls().at(-1)?.seq ?? 0
}

/** The AWS writes among `calls`, a refused one as `Operation (refused: Code)`. */
function writes(calls: CallRecord[]): string[] {
  return calls
    .filter(call => call.mutating && call.service !== 'github')
    .map(call => (call.error ? `${call.operation} (refused: ${call.error})` : call.operation))
}

const base = { cluster: 'staging', service: 'web', 'poll-interval': '100ms', timeout: '2m' }

/** Runs the bundle; `calls` are the sim calls made while it ran (the action's own). */
async function rollback(
  inputs: Record<string, string>,
  options: Pick<RunOptions, 'onStdout'> = {}
): Promise<{ run: ActionRun; calls: CallRecord[] }> {
  const since = lastSeq()
  const run = await runAction({
    action: 'rollback',
    simUrl: sim.url,
    inputs: { ...base, ...inputs },
    timeoutMs: 80_000,
    ...options
  })
  return { run, calls: sim.calls().filter(call => call.seq > since) }
}

describe('rollback bundle', () => {
  test('rolls back to `previous` after a broken-but-stable release, reading nothing it need not', async () => {
    const bad = await release('1.1.0-errors')
    const web1 = await arnOf('web:1')
    const { run, calls } = await rollback({
      reason: 'errors after 1.1.0',
      environment: 'staging',
      'github-token': 'ghs_e2e'
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'from-task-definition-arn': bad,
      'task-definition-arn': web1,
      version: '1.0.0',
      healthy: ''
    })
    expect(run.outputs['github-deployment-id']).toMatch(/^\d+$/)
    expect(run.outputs['duration-seconds']).toMatch(/^\d+$/)
    expect(run.stdout).toContain(
      '::warning title=Rollback of web::web was rolled back from web:2 to web:1 (1.0.0): errors after 1.1.0'
    )
    expect(run.summary).toContain('Rolled back: staging/web')
    expect(run.summary).toContain(`${IMAGE}:1.1.0-errors`)
    expect(run.summary).toContain('ECS service-deployment history')
    expect(run.summary).toContain('Method: update-service')

    expect(await web()).toEqual({
      taskDefinition: web1,
      image: `${IMAGE}:1.0.0`,
      deployments: [{ taskDefinition: web1, status: 'PRIMARY', rolloutState: 'COMPLETED' }]
    })
    const tags = await tagsOf(web1)
    expect(tags['fargate-promote:rollback-reason']).toBe('errors after 1.1.0')
    expect(tags['fargate-promote:rolled-back-at']).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/)
    expect(writes(calls)).toEqual(['UpdateService', 'TagResource'])

    // Before the write: the service, and ECS's history next to it; the target is not read.
    const aws = calls.filter(call => call.service !== 'github').map(call => call.operation)
    const beforeUpdate = aws.slice(0, aws.indexOf('UpdateService'))
    expect([...beforeUpdate].sort()).toEqual([
      'DescribeServiceRevisions',
      'DescribeServices',
      'ListServiceDeployments'
    ])
    expect(beforeUpdate.indexOf('DescribeServiceRevisions')).toBeGreaterThan(
      beforeUpdate.indexOf('ListServiceDeployments')
    )
    expect(beforeUpdate).not.toContain('DescribeTaskDefinition')
  }, 90_000)

  test('rolls back to a named version three releases back', async () => {
    for (const version of ['1.1.0', '1.2.0', '1.3.0']) await release(version)
    const web1 = await arnOf('web:1')
    const { run, calls } = await rollback({ to: '1.0.0', reason: 'bad migration in 1.1.0' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'from-task-definition-arn': await arnOf('web:4'),
      'task-definition-arn': web1,
      version: '1.0.0'
    })
    expect(run.stdout).toContain(
      '::warning title=Rollback of web::web was rolled back from web:4 to web:1 (1.0.0): bad migration in 1.1.0'
    )
    expect(run.summary).toContain('resolved by the revision&#39;s &#39;version&#39; tag')
    expect(run.summary).toContain(`${IMAGE}:1.3.0`)

    expect(await web()).toEqual({
      taskDefinition: web1,
      image: `${IMAGE}:1.0.0`,
      deployments: [{ taskDefinition: web1, status: 'PRIMARY', rolloutState: 'COMPLETED' }]
    })
    expect((await tagsOf(web1))['fargate-promote:rollback-reason']).toBe('bad migration in 1.1.0')
    expect(writes(calls)).toEqual(['UpdateService', 'TagResource'])
  }, 90_000)

  test('a deployment in progress is stopped: ECS rolls it back, and no second rollout is left', async () => {
    const web1 = await arnOf('web:1')
    const warming = await release(`1.4.0${WARMING}`, { wait: false, graceSeconds: 3600 })
    expect((await web()).deployments.map(d => d.rolloutState)).toEqual(['IN_PROGRESS', 'COMPLETED'])
    const { run, calls } = await rollback({ reason: 'abort 1.4.0' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'from-task-definition-arn': warming,
      'task-definition-arn': web1,
      version: '1.0.0'
    })
    expect(run.summary).toContain('Method: stop-service-deployment')
    expect(run.stdout).toContain('::warning title=Rollback of web::web was rolled back from web:2')

    expect(await web()).toEqual({
      taskDefinition: web1,
      image: `${IMAGE}:1.0.0`,
      deployments: [{ taskDefinition: web1, status: 'PRIMARY', rolloutState: 'COMPLETED' }]
    })
    expect(writes(calls)).toEqual(['StopServiceDeployment', 'TagResource'])
    const stop = calls.find(call => call.operation === 'StopServiceDeployment')!
    const { serviceDeploymentArn } = stop.params as { serviceDeploymentArn: string }
    const { serviceDeployments } = await ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] })
    )
    expect(serviceDeployments?.[0]?.status).toBe('ROLLBACK_SUCCESSFUL')
  }, 90_000)

  test('a target already live is a noop: exit 0 and no change at all', async () => {
    const web1 = await arnOf('web:1')
    const { run, calls } = await rollback({ to: '1.0.0' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'noop',
      'from-task-definition-arn': web1,
      'task-definition-arn': web1,
      version: '1.0.0'
    })
    expect(run.summary).toContain('Nothing to roll back: staging/web')
    expect(run.stdout).toContain('web: already runs web:1; nothing to roll back')
    expect(run.stdout).not.toMatch(/^::(warning|error)/m)

    expect(calls.filter(call => call.mutating)).toEqual([])
    expect(await settledOn(web1)).toBe(true)
    expect(Object.keys(await tagsOf(web1))).toEqual(['version', 'commit']) // the fixture's tags, untouched
  }, 90_000)

  test('a deregistered target is registered again and the service moved to the copy', async () => {
    const bad = await release('1.1.0-errors')
    const web1 = await arnOf('web:1')
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: web1 }))
    const { run, calls } = await rollback({ reason: 'errors after 1.1.0' })

    const copy = run.outputs['task-definition-arn']!
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'from-task-definition-arn': bad,
      version: '1.0.0'
    })
    expect(copy).toMatch(/task-definition\/web:3$/)
    expect(run.summary).toContain(
      'web:1 was INACTIVE (deregistered); it was registered again as web:3 with the same content'
    )
    expect(run.stdout).toContain(
      '::warning title=Rollback of web::web was rolled back from web:2 to web:3'
    )

    // `previous` is not read before the write: ECS refuses the INACTIVE revision (changing
    // nothing), the action registers it again and sends the service to the copy.
    expect(writes(calls)).toEqual([
      'UpdateService (refused: ClientException)',
      'RegisterTaskDefinition',
      'UpdateService',
      'TagResource'
    ])
    const updates = calls.filter(call => call.operation === 'UpdateService')
    expect(updates.map(call => (call.params as { taskDefinition: string }).taskDefinition)).toEqual(
      [web1, copy]
    )
    expect(await web()).toEqual({
      taskDefinition: copy,
      image: `${IMAGE}:1.0.0`,
      deployments: [{ taskDefinition: copy, status: 'PRIMARY', rolloutState: 'COMPLETED' }]
    })
    const tags = await tagsOf(copy)
    expect(tags['fargate-promote:reinstated-from']).toBe(web1)
    expect(tags['fargate-promote:rollback-reason']).toBe('errors after 1.1.0')
    expect((await describeTaskDefinition(web1)).taskDefinition?.status).toBe('INACTIVE')
  }, 90_000)

  test('cancelled while ECS rolls back: exits long before SIGTERM, and ECS finishes by itself', async () => {
    const bad = await release('1.1.0-errors')
    const web1 = await arnOf('web:1')
    const since = lastSeq()
    let stdout = ''
    let sigintAt: number | undefined
    // The runner's SIGINT once the action says it is rolling back and its watch has begun (the
    // first DescribeServices after the UpdateService); a 30 s poll interval keeps it waiting.
    const watching = () => {
      const operations = sim
        .calls()
        .filter(call => call.seq > since)
        .map(call => call.operation)
      return operations.indexOf('DescribeServices', operations.indexOf('UpdateService')) > 0
    }
    const { run, calls } = await rollback(
      { reason: 'cancel drill', 'poll-interval': '30s' },
      {
        onStdout: (chunk, child) => {
          const line = 'web: rolling back web:2 → web:1'
          const seen = stdout.includes(line)
          stdout += chunk
          if (seen || !stdout.includes(line)) return
          // Should the watch never begin, `sigintAt` stays undefined and the test says so.
          until('the rollout watch', watching, 30_000).then(
            () => {
              sigintAt = Date.now()
              child.kill('SIGINT')
            },
            () => undefined
          )
        }
      }
    )
    const exitedAfterMs = Date.now() - sigintAt!

    expect(sigintAt).toBeDefined()
    console.log(`rollback exited ${exitedAfterMs} ms after SIGINT`)
    expect(exitedAfterMs).toBeGreaterThanOrEqual(0)
    expect(exitedAfterMs).toBeLessThan(5_000)
    expect(run.signal).toBeNull()
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({
      status: 'cancelled',
      'from-task-definition-arn': bad,
      'task-definition-arn': web1
    })
    expect(run.stdout).toContain('::error title=Rollback of web::The run was cancelled while web')
    expect(run.stdout).toContain(
      'rollback failed: cancelled while web was rolling back to web:1; ECS carries on with it.'
    )
    expect(run.summary).toContain('Cancelled while rolling back (ECS carries on)')

    // Nothing was observed complete, so nothing is tagged; ECS finishes the rollback anyway.
    expect(writes(calls)).toEqual(['UpdateService'])
    await until('web back on web:1', () => settledOn(web1))
    expect((await web()).image).toBe(`${IMAGE}:1.0.0`)
    expect(await tagsOf(web1)).not.toHaveProperty('fargate-promote:rolled-back-at')
  }, 90_000)

  test('a bad `to` fails before any change', async () => {
    const bad = await release('1.1.0-errors')
    const { run, calls } = await rollback({ to: 'last good one' })

    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(run.stdout).toMatch(
      /::error title=Configuration error::rollback failed: Input 'to': 'last good one' is none of the accepted forms/
    )
    // The action did not reach AWS at all: the input is refused first.
    expect(calls).toEqual([])
    expect(await settledOn(bad)).toBe(true)
  }, 90_000)
})

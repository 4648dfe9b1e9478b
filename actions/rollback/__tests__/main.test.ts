/**
 * rollback's adapter run in-process against the simulator: real AWS SDK clients and Octokit
 * over HTTP, real rollouts and real containers. Asserts what the action reported (outputs,
 * summary, log) and the state the sim ended in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type RegisterTaskDefinitionCommandInput
} from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '@fargate-promote/sim'
import { actionEnv, pointAtSim, removeActionEnvFiles } from '../../../test/support/action-env.js'
import { repoRoot } from '../../../test/e2e/run-action.js'

let sim: Sim
let ecs: ECSClient
let run: () => Promise<void>
const scratch = mkdtempSync(join(tmpdir(), 'rollback-test-'))

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
  pointAtSim(sim.url)
  ecs = new ECSClient({
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  ;({ run } = await import('../src/main.js'))
}, 60_000)

afterAll(async () => {
  ecs.destroy()
  await sim.stop()
  removeActionEnvFiles()
  rmSync(scratch, { recursive: true, force: true })
})

beforeEach(async () => {
  await sim.reset()
})

const IMAGE = 'registry.example.com/shop/web'

async function liveService(name = 'web') {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'staging', services: [name] })
  )
  const service = services?.[0]
  if (!service) throw new Error(`no service ${name}`)
  return service
}

async function imageOf(taskDefinitionArn: string): Promise<string | undefined> {
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })
  )
  return taskDefinition?.containerDefinitions?.[0]?.image
}

async function tagsOf(taskDefinitionArn: string): Promise<Record<string, string>> {
  const { tags } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn, include: ['TAGS'] })
  )
  return Object.fromEntries((tags ?? []).map(tag => [tag.key ?? '', tag.value ?? '']))
}

/** A new revision of `web` like web:1 with another image, tagged with its version. */
async function registerWeb(
  version: string,
  tags: { key: string; value: string }[] = [{ key: 'version', value: version }]
): Promise<string> {
  const { taskDefinition: base } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1' })
  )
  const input: RegisterTaskDefinitionCommandInput = {
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
    tags
  }
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(input))
  return taskDefinition!.taskDefinitionArn!
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Deploys with the real ECSClient as any other tool would, and waits for COMPLETED. */
async function deploy(taskDefinitionArn: string, wait = true): Promise<void> {
  await ecs.send(
    new UpdateServiceCommand({
      cluster: 'staging',
      service: 'web',
      taskDefinition: taskDefinitionArn
    })
  )
  if (!wait) return
  await until(`web on ${taskDefinitionArn}`, async () => {
    const service = await liveService()
    const primary = service.deployments?.find(d => d.status === 'PRIMARY')
    return (
      service.deployments?.length === 1 &&
      primary?.taskDefinition === taskDefinitionArn &&
      primary.rolloutState === 'COMPLETED'
    )
  })
}

/** Sequence number of the last sim call before the action ran. */
let actionStart = 0

/** The AWS writes the action made (not the test's own setup). */
function mutatingEcsCalls(): string[] {
  return sim
    .calls()
    .filter(call => call.seq > actionStart && call.mutating && call.service !== 'github')
    .map(call => (call.error ? `${call.operation} (refused: ${call.error})` : call.operation))
}

/** The action's AWS calls before its UpdateService, in order. */
function callsBeforeUpdate(): string[] {
  const calls = sim
    .calls()
    .filter(call => call.seq > actionStart && call.service !== 'github')
    .map(call => call.operation)
  return calls.slice(0, calls.indexOf('UpdateService'))
}

async function addFault(rule: Record<string, unknown>): Promise<void> {
  const answer = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    body: JSON.stringify(rule)
  })
  if (answer.status !== 201) throw new Error(`fault not added: ${await answer.text()}`)
}

async function listenerUrl(): Promise<string> {
  const answer = await fetch(`${sim.url}/_sim/listeners`)
  const { listeners } = (await answer.json()) as { listeners: { url: string }[] }
  return listeners[0]!.url
}

async function github(method: string, path: string, body?: unknown): Promise<{ id: number }> {
  const answer = await fetch(`${sim.url}/github${path}`, {
    method,
    headers: { authorization: 'token ghs_test', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return (await answer.json()) as { id: number }
}

/** A GitHub deployment of `web` as deploy-fargate records it. */
async function recordDeployment(taskDefinitionArn: string, state: string): Promise<number> {
  const created = await github('POST', '/repos/acme/shop/deployments', {
    ref: 'main',
    environment: 'staging',
    auto_merge: false,
    required_contexts: [],
    payload: { cluster: 'staging', service: 'web', taskDefinitionArn }
  })
  await github('POST', `/repos/acme/shop/deployments/${created.id}/statuses`, { state })
  return created.id
}

interface DumpedDeployment {
  id: number
  environment: string
  payload: Record<string, unknown>
  statuses: { state: string; description: string }[]
}

function dumpedDeployments(): DumpedDeployment[] {
  const dump = sim.world.github.dump() as {
    repositories: { fullName: string; deployments: DumpedDeployment[] }[]
  }
  return dump.repositories.find(repo => repo.fullName === 'acme/shop')?.deployments ?? []
}

const base = { cluster: 'staging', service: 'web', 'poll-interval': '100ms', timeout: '2m' }

interface Finished {
  outputs(): Record<string, string>
  summary(): string
  stdout(): string
  exitCode(): number | undefined
}

/** Runs the adapter; what it left behind is read before the environment is restored. */
async function runWith(inputs: Record<string, string>): Promise<Finished> {
  actionStart = sim.calls().at(-1)?.seq ?? 0
  const env = actionEnv({ ...base, ...inputs })
  let finished: Finished
  try {
    await run()
  } finally {
    const outputs = env.outputs()
    const summary = env.summary()
    const stdout = env.stdout()
    const exitCode = env.exitCode()
    finished = {
      outputs: () => outputs,
      summary: () => summary,
      stdout: () => stdout,
      exitCode: () => exitCode
    }
    env.restore()
  }
  return finished
}

describe('rollback', () => {
  test('rolls back to the revision that ran before a broken-but-stable release, and says why', async () => {
    const broken = await registerWeb('1.1.0-errors')
    await deploy(broken)
    const env = await runWith({ reason: 'error rate 20% after 1.1.0 (see INC-42); résumé ✓' })

    const outputs = env.outputs()
    expect(env.exitCode()).toBeUndefined()
    expect(outputs.status).toBe('rolled-back')
    expect(outputs['task-definition-arn']).toMatch(/task-definition\/web:1$/)
    expect(outputs['from-task-definition-arn']).toBe(broken)
    expect(outputs.version).toBe('1.0.0')
    expect(outputs.healthy).toBe('')
    expect(Number(outputs['duration-seconds'])).toBeGreaterThanOrEqual(0)

    const service = await liveService()
    expect(service.taskDefinition).toMatch(/web:1$/)
    expect(service.deployments).toHaveLength(1)
    expect(await imageOf(service.taskDefinition!)).toBe(`${IMAGE}:1.0.0`)

    // The library chose UpdateService; nothing else was changed apart from the tags.
    expect(mutatingEcsCalls()).toEqual(['UpdateService', 'TagResource'])
    // Its own overhead: DescribeServices next to ListServiceDeployments → DescribeServiceRevisions.
    // The target is not read before the write; no DescribeClusters, no second describe.
    const before = callsBeforeUpdate()
    expect([...before].sort()).toEqual([
      'DescribeServiceRevisions',
      'DescribeServices',
      'ListServiceDeployments'
    ])
    expect(before.indexOf('DescribeServiceRevisions')).toBeGreaterThan(
      before.indexOf('ListServiceDeployments')
    )
    const tags = await tagsOf(service.taskDefinition!)
    expect(tags['fargate-promote:rolled-back-at']).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/)
    expect(tags['fargate-promote:rollback-reason']).toBe(
      'error rate 20 after 1.1.0 see INC-42 résumé'
    )

    const summary = env.summary()
    expect(summary).toContain('Rolled back: staging/web')
    expect(summary).toContain('web:2')
    expect(summary).toContain(`${IMAGE}:1.1.0-errors`)
    expect(summary).toContain(`${IMAGE}:1.0.0`)
    expect(summary).toContain('ECS service-deployment history')
    expect(summary).toContain('INC-42')
    expect(summary).toMatch(/Timeline: \d+ service events/)
    expect(summary).toContain('No checks were configured')
    expect(env.stdout()).toMatch(/::warning title=Rollback of web::web was rolled back from web:2/)
  }, 90_000)

  test('rolls back to a named version three releases back', async () => {
    for (const version of ['1.1.0', '1.2.0', '1.3.0']) await deploy(await registerWeb(version))
    const env = await runWith({ to: '1.0.0', reason: 'bad migration in 1.1.0' })
    expect(env.outputs().status).toBe('rolled-back')
    expect(env.outputs()['task-definition-arn']).toMatch(/web:1$/)
    expect(env.outputs()['from-task-definition-arn']).toMatch(/web:4$/)
    expect(env.outputs().version).toBe('1.0.0')
    expect(env.summary()).toContain('resolved by the revision&#39;s &#39;version&#39; tag')
    expect((await liveService()).taskDefinition).toMatch(/web:1$/)
  }, 120_000)

  test('rolls back by revision number and by ARN', async () => {
    const first = (await liveService()).taskDefinition!
    await deploy(await registerWeb('1.1.0'))
    const byNumber = await runWith({ to: '1' })
    expect(byNumber.outputs().status).toBe('rolled-back')
    expect(byNumber.summary()).toContain('the revision number given')

    const second = await registerWeb('1.2.0')
    await deploy(second)
    const byArn = await runWith({ to: first })
    expect(byArn.outputs().status).toBe('rolled-back')
    expect(byArn.outputs()['task-definition-arn']).toBe(first)
    expect(byArn.summary()).toContain('the task-definition ARN given')
  }, 120_000)

  test('stops a deployment in progress and returns to the revision it replaced', async () => {
    const slow = await registerWeb('1.4.0-slow')
    await deploy(slow, false)
    const before = await liveService()
    expect(before.deployments?.length).toBeGreaterThan(1)

    const env = await runWith({ to: '1', reason: 'abort 1.4.0' })
    expect(env.outputs().status).toBe('rolled-back')
    expect(env.summary()).toContain('Method: stop-service-deployment')
    expect(mutatingEcsCalls()).toContain('StopServiceDeployment')
    expect(mutatingEcsCalls()).not.toContain('UpdateService')
    const service = await liveService()
    expect(service.taskDefinition).toMatch(/web:1$/)
    await until('one deployment', async () => (await liveService()).deployments?.length === 1)
  }, 90_000)

  test('a target already live is a noop and changes nothing', async () => {
    const actor = process.env.GITHUB_ACTOR
    delete process.env.GITHUB_ACTOR
    const env = await runWith({ to: '1.0.0' }).finally(() => (process.env.GITHUB_ACTOR = actor))
    expect(env.summary()).toContain('<li>Reason: manual rollback</li>')
    expect(env.exitCode()).toBeUndefined()
    expect(env.outputs().status).toBe('noop')
    expect(env.outputs()['task-definition-arn']).toMatch(/web:1$/)
    expect(env.outputs()['from-task-definition-arn']).toMatch(/web:1$/)
    expect(mutatingEcsCalls()).toEqual([])
    expect(env.summary()).toContain('Nothing to roll back')
  }, 30_000)

  test('a deregistered target is registered again and the summary says so', async () => {
    await deploy(await registerWeb('1.1.0-errors'))
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:1' }))
    const env = await runWith({ reason: 'errors' })

    expect(env.outputs().status).toBe('rolled-back')
    expect(env.outputs()['task-definition-arn']).toMatch(/web:3$/)
    // `previous` is not read before the write: ECS refuses the INACTIVE revision (changing
    // nothing), it is registered again, and the service is sent to the copy.
    expect(mutatingEcsCalls()).toEqual([
      'UpdateService (refused: ClientException)',
      'RegisterTaskDefinition',
      'UpdateService',
      'TagResource'
    ])
    const service = await liveService()
    expect(service.taskDefinition).toMatch(/web:3$/)
    expect(await imageOf(service.taskDefinition!)).toBe(`${IMAGE}:1.0.0`)
    expect(env.summary()).toContain('web:1 was INACTIVE (deregistered)')
    expect((await tagsOf('web:3'))['fargate-promote:reinstated-from']).toMatch(/web:1$/)
  }, 90_000)

  test('records the rollback on GitHub and marks the release it replaced', async () => {
    const broken = await registerWeb('1.1.0-errors')
    await deploy(broken)
    const released = await recordDeployment(broken, 'success')
    const env = await runWith({
      reason: 'errors after 1.1.0',
      environment: 'staging',
      'github-token': 'ghs_simulatortoken'
    })
    expect(env.outputs().status).toBe('rolled-back')
    const id = Number(env.outputs()['github-deployment-id'])
    const deployments = dumpedDeployments()
    const rollback = deployments.find(d => d.id === id)!
    expect(rollback.environment).toBe('staging')
    expect(rollback.payload).toMatchObject({
      service: 'web',
      reason: 'errors after 1.1.0',
      rollback: true,
      previousTaskDefinitionArn: broken,
      // The target is read next to the rollout, and the record waits for its version.
      version: '1.0.0'
    })
    expect(rollback.statuses.map(s => s.state)).toEqual(['in_progress', 'success'])
    const replaced = deployments.find(d => d.id === released)!
    expect(replaced.statuses.at(-1)?.state).toBe('inactive')
    expect(env.summary()).toContain(`deployment ${released} marked inactive`)
    expect(env.stdout()).not.toMatch(/^(?!::add-mask::).*ghs_simulatortoken/m)
  }, 90_000)

  test('an unfinished release is marked failure; GitHub history decides when ECS cannot', async () => {
    const broken = await registerWeb('1.1.0-errors')
    await deploy(broken)
    const good = (await liveService()).taskDefinition === broken ? 'web:1' : ''
    expect(good).toBe('web:1')
    // ECS history unreadable (an old region, or a role without the permission).
    await addFault({
      service: 'ecs',
      operation: 'ListServiceDeployments',
      status: 400,
      error: 'AccessDeniedException'
    })
    const web1 = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1' })))
      .taskDefinition!.taskDefinitionArn!
    await recordDeployment(web1, 'success')
    const unfinished = await recordDeployment(broken, 'in_progress')
    const env = await runWith({ environment: 'staging', 'github-token': 'ghs_simulatortoken' })

    expect(env.outputs().status).toBe('rolled-back')
    expect(env.outputs()['task-definition-arn']).toBe(web1)
    expect(env.summary()).toContain('the GitHub deployments of environment &#39;staging&#39;')
    const replaced = dumpedDeployments().find(d => d.id === unfinished)!
    expect(replaced.statuses.at(-1)?.state).toBe('failure')
  }, 90_000)

  test('GitHub problems are warnings; a token without environment records nothing', async () => {
    await deploy(await registerWeb('1.1.0'))
    await addFault({ service: 'github', status: 500 })
    await addFault({
      service: 'ecs',
      operation: 'TagResource',
      status: 400,
      error: 'AccessDeniedException'
    })
    const failing = await runWith({ environment: 'staging', 'github-token': 'ghs_simulatortoken' })
    expect(failing.outputs().status).toBe('rolled-back')
    expect(failing.exitCode()).toBeUndefined()
    expect(failing.stdout()).toContain('Could not read the GitHub deployment history')
    expect(failing.stdout()).toContain('Could not record the GitHub deployment')
    expect(failing.stdout()).toContain('Could not tag web:1 with the rollback')
    expect(failing.summary()).not.toContain('Tagged')

    await deploy(await registerWeb('1.2.0'))
    const noEnvironment = await runWith({ 'github-token': 'ghs_simulatortoken', to: '1.1.0' })
    expect(noEnvironment.outputs().status).toBe('rolled-back')
    expect(noEnvironment.stdout()).toContain("'github-token' was given without 'environment'")

    // The rollback is recorded, but the release it replaced cannot be updated.
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' })
    const web3 = (await liveService()).taskDefinition!
    await deploy(await registerWeb('1.3.0'))
    const released = await recordDeployment((await liveService()).taskDefinition!, 'success')
    await addFault({
      service: 'github',
      operation: `POST /repos/acme/shop/deployments/${released}/statuses`,
      status: 500
    })
    const partly = await runWith({
      to: web3,
      environment: 'staging',
      'github-token': 'ghs_simulatortoken'
    })
    expect(partly.outputs().status).toBe('rolled-back')
    expect(partly.stdout()).toContain(`Could not mark GitHub deployment ${released} inactive`)
    // The rollback's own record is complete all the same.
    const own = dumpedDeployments().find(
      d => d.id === Number(partly.outputs()['github-deployment-id'])
    )
    expect(own?.statuses.map(status => status.state)).toEqual(['in_progress', 'success'])
  }, 120_000)

  test('the previous tag deploy-fargate writes, and image tags, are sources too', async () => {
    const web1 = (await liveService()).taskDefinition!
    // Registered by another tool: no version tag, only the previous-revision tag.
    const untagged = await registerWeb('1.1.0', [{ key: 'fargate-promote:previous', value: web1 }])
    await deploy(untagged)
    await addFault({
      service: 'ecs',
      operation: 'ListServiceDeployments',
      status: 400,
      error: 'AccessDeniedException'
    })
    const previous = await runWith({})
    expect(previous.outputs().status).toBe('rolled-back')
    expect(previous.outputs()['task-definition-arn']).toBe(web1)
    expect(previous.summary()).toContain('previous&#39; tag deploy-fargate wrote')

    const byImage = await runWith({ to: '1.1.0' })
    expect(byImage.outputs().status).toBe('rolled-back')
    expect(byImage.outputs()['task-definition-arn']).toBe(untagged)
    expect(byImage.outputs().version).toBe('')
    expect(byImage.summary()).toContain('an image tag equal to the version asked for')
  }, 90_000)

  test('an AWS failure before any change fails the step with the AWS error', async () => {
    await addFault({
      service: 'ecs',
      operation: 'DescribeServices',
      status: 400,
      error: 'AccessDeniedException',
      message: 'not allowed: ecs:DescribeServices'
    })
    const env = await runWith({})
    expect(env.exitCode()).toBe(1)
    expect(env.outputs().status).toBe('failed')
    expect(env.stdout()).toMatch(/rollback failed: AccessDeniedException: not allowed/)
    expect(mutatingEcsCalls()).toEqual([])
  }, 30_000)

  test('runs the checks after the rollback (inline and from a file)', async () => {
    await deploy(await registerWeb('1.1.0-errors'))
    const url = await listenerUrl()
    const checks = [
      '- name: web',
      '  http:',
      `    url: ${url}/`,
      '    headers: { x-api-key: hdr-secret-1234 }',
      '    json:',
      '      - { path: $.image, equals: "registry.example.com/shop/web:1.0.0" }',
      '- name: alarms',
      '  cloudwatch-alarm: { alarms: [web-staging-5xx] }',
      '- name: queue',
      '  sqs-queue: { queue: orders-staging }'
    ].join('\n')
    const env = await runWith({ checks, 'checks-interval': '100ms', 'checks-timeout': '30s' })
    expect(env.exitCode()).toBeUndefined()
    expect(env.outputs().status).toBe('rolled-back')
    expect(env.outputs().healthy).toBe('true')
    expect(env.summary()).toContain('Healthy after the rollback')
    expect(env.stdout()).toContain('::add-mask::hdr-secret-1234')

    // Now a check that cannot pass, from a file: rolled back, but the step fails.
    await deploy(await registerWeb('1.2.0'))
    // A file a step wrote to the runner's temp directory, as render steps do.
    process.env.RUNNER_TEMP = scratch
    try {
      const file = join(scratch, 'checks.yml')
      writeFileSync(
        file,
        `- name: teapot\n  http:\n    url: ${url}/\n    expect-status: 418\n- name: web-service\n  ecs-service: { cluster: staging, service: web }\n`
      )
      const failing = await runWith({
        to: '1.0.0',
        checks: file,
        'checks-interval': '100ms',
        'checks-timeout': '1s'
      })
      expect(failing.outputs().status).toBe('rolled-back')
      expect(failing.outputs().healthy).toBe('false')
      expect(failing.exitCode()).toBe(1)
      expect(failing.summary()).toContain('Checks failed after the rollback')
      expect(failing.stdout()).toContain('but the checks failed')
    } finally {
      delete process.env.RUNNER_TEMP
    }
  }, 120_000)

  test('with wait false the rollback is requested and not watched', async () => {
    await deploy(await registerWeb('1.1.0'))
    const env = await runWith({
      wait: 'false',
      reason: 'quick',
      environment: 'staging',
      'github-token': 'ghs_simulatortoken'
    })
    expect(env.exitCode()).toBeUndefined()
    expect(env.outputs().status).toBe('started')
    expect(env.summary()).toContain('Rollback started')
    // Nothing was observed: the record stays in_progress and the revision is not tagged.
    const record = dumpedDeployments().at(-1)
    expect(record?.payload.reason).toBe('quick')
    expect(record?.statuses.map(status => status.state)).toEqual(['in_progress'])
    expect(sim.calls().some(call => call.operation === 'TagResource')).toBe(false)
    await until('web back on web:1', async () => {
      const service = await liveService()
      return service.deployments?.length === 1 && /web:1$/.test(service.taskDefinition ?? '')
    })
  }, 90_000)

  test('cancelled while ECS rolls back: the step fails, says ECS carries on, the record is error', async () => {
    await deploy(await registerWeb('1.1.0'))
    // The runner's SIGINT, as soon as ECS has accepted the rollback.
    let stop = false
    const since = sim.calls().at(-1)?.seq ?? 0
    const cancel = (async () => {
      while (!stop) {
        if (sim.calls().some(call => call.seq > since && call.operation === 'UpdateService')) {
          process.emit('SIGINT', 'SIGINT')
          return
        }
        await new Promise(resolve => setTimeout(resolve, 2))
      }
    })()
    const env = await runWith({
      reason: 'bad release',
      environment: 'staging',
      'github-token': 'ghs_simulatortoken'
    }).finally(() => (stop = true))
    await cancel
    expect(env.exitCode()).toBe(1)
    expect(env.outputs().status).toBe('cancelled')
    expect(env.outputs()['task-definition-arn']).toMatch(/web:1$/)
    expect(env.stdout()).toContain(
      'rollback failed: cancelled while web was rolling back to web:1; ECS carries on with it.'
    )
    expect(env.stdout()).toMatch(/::error title=Rollback of web::The run was cancelled while web/)
    expect(env.summary()).toContain('Cancelled while rolling back (ECS carries on)')
    const record = dumpedDeployments().at(-1)
    expect(record?.statuses.map(status => status.state)).toEqual(['in_progress', 'error'])
    expect(record?.statuses.at(-1)?.description).toContain('Cancelled while ECS was rolling back')
    // Nothing was observed complete, so nothing is tagged; ECS finishes the rollback anyway.
    expect(sim.calls().some(call => call.operation === 'TagResource')).toBe(false)
    await until('web back on web:1', async () => {
      const service = await liveService()
      return service.deployments?.length === 1 && /web:1$/.test(service.taskDefinition ?? '')
    })
  }, 90_000)

  test('a rollback that does not complete is a failure with the reason', async () => {
    await registerWeb('1.1.0-crash')
    await deploy(await registerWeb('1.2.0'))
    const env = await runWith({ to: '1.1.0-crash' })
    expect(env.exitCode()).toBe(1)
    expect(env.outputs().status).toBe('failed')
    expect(env.outputs().healthy).toBe('')
    expect(env.outputs()['task-definition-arn']).toMatch(/web:2$/)
    expect(env.stdout()).toContain('rollback failed: web was not rolled back')
    expect(env.stdout()).toMatch(/::error title=Rollback of web::Rollback of web to web:2/)
    expect(env.summary()).toContain('Rollback failed')
    expect(env.summary()).toMatch(/Stopped tasks \(\d+\)/)
    expect(mutatingEcsCalls()).not.toContain('TagResource')
  }, 90_000)

  test.each([
    [{ to: 'not a version!' }, /Input 'to': 'not a version!' is none of the accepted forms/],
    [{ to: '0' }, /Input 'to': revision '0' is not a positive whole number/],
    [{ to: '-3' }, /Input 'to': revision '-3'/],
    [
      { to: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web' },
      /Input 'to'.*with a revision/
    ],
    [
      { to: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/worker:1' },
      /Input 'to'.*belongs to family 'worker'.*runs family 'web'/
    ],
    [{ to: '9.9.9' }, /Input 'to'.*'9.9.9'/],
    [{ to: '42' }, /Input 'to': revision 42 of task definition family 'web' does not exist/],
    [{ service: 'missing' }, /Input 'service': 'missing' was not found/],
    [{ cluster: 'nope' }, /Input 'cluster': 'nope' was not found/],
    [{ timeout: '10 minutes' }, /Input 'timeout'/],
    [{ 'poll-interval': '5m', timeout: '1m' }, /Input 'poll-interval'/],
    [{ 'checks-interval': '5m', 'checks-timeout': '1m' }, /Input 'checks-interval'/],
    [{ checks: 'missing/checks.yml' }, /Input 'checks': cannot read 'missing\/checks\.yml'/],
    [{ checks: '- name: x\n  http: { url: "ftp://x" }' }, /Input 'checks'.*ftp/],
    [
      { checks: '- name: x\n  ecs-service: { cluster: a, service: b }', wait: 'false' },
      /Input 'checks': needs 'wait: true'/
    ],
    [{ wait: 'yes' }, /Input 'wait'/],
    [{ service: '' }, /Input 'service': not given/]
  ])(
    'bad input %p fails clearly and changes nothing',
    async (inputs, message) => {
      const env = await runWith(inputs)
      expect(env.exitCode()).toBe(1)
      expect(env.stdout()).toMatch(message)
      expect(env.stdout()).toContain('rollback failed:')
      expect(env.outputs().status).toBe('failed')
      expect(mutatingEcsCalls()).toEqual([])
      expect(sim.calls().filter(call => call.service === 'github')).toEqual([])
    },
    30_000
  )

  test('no previous revision known is a configuration error', async () => {
    // Only web:1 ever ran: no other successful deployment, no previous tag, no history.
    const env = await runWith({})
    expect(env.exitCode()).toBe(1)
    expect(env.stdout()).toMatch(/Input 'to': no previous revision of service 'web'/)
    expect(mutatingEcsCalls()).toEqual([])
  }, 30_000)
})

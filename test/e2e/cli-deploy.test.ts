/**
 * `fargate-promote deploy` end to end against the sim: the CLI runs in-process (as its bin does,
 * with this test's streams and environment) over deployAndRecord, the sim's ECS rolls out, and
 * the sim's state (the service's task definition, the GitHub deployment) is what is asserted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient
} from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot } from './run-action.js'
import { RAW_CONTROL, SIM_CONFIG, runCli, simEnv } from './cli-support.js'

let sim: Sim
let ecs: ECSClient
let app: string

const FAST = ['--poll-interval', '100ms', '--timeout', '2m']

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
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
  app = mkdtempSync(join(tmpdir(), 'fp-cli-deploy-'))
  mkdirSync(join(app, '.github'))
  writeFileSync(join(app, '.github/fargate-promote.yml'), SIM_CONFIG)
})

afterEach(() => rmSync(app, { recursive: true, force: true }))

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { env: simEnv(sim.url, env), cwd: app })

async function live(service: string) {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'staging', services: [service] })
  )
  const taskDefinition = services?.[0]?.taskDefinition ?? ''
  const described = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] })
  )
  return {
    taskDefinition,
    image: described.taskDefinition?.containerDefinitions?.[0]?.image,
    version: described.tags?.find(tag => tag.key === 'version')?.value
  }
}

async function githubDeployments(environment: string) {
  const answer = await fetch(
    `${sim.url}/github/repos/acme/shop/deployments?environment=${environment}`,
    { headers: { authorization: 'token ghp_test' } }
  )
  const deployments = (await answer.json()) as { id: number; sha: string; payload: unknown }[]
  return Promise.all(
    deployments.map(async deployment => {
      const statuses = await fetch(
        `${sim.url}/github/repos/acme/shop/deployments/${deployment.id}/statuses`,
        { headers: { authorization: 'token ghp_test' } }
      )
      const states = (await statuses.json()) as { state: string }[]
      return { ...deployment, states: states.map(status => status.state) }
    })
  )
}

const mutating = () => sim.calls().filter(call => call.mutating)

describe('deploy', () => {
  test('a new image to the config environment: the service runs it and GitHub records it', async () => {
    const result = await cli([
      'deploy',
      '--environment',
      'staging',
      '--image',
      'registry.example.com/shop/web:1.1.0',
      '--version',
      '1.1.0',
      ...FAST
    ])
    expect(result.stderr).not.toMatch(RAW_CONTROL)
    expect(result.code).toBe(0)
    const after = await live('web')
    expect(after).toMatchObject({ image: 'registry.example.com/shop/web:1.1.0', version: '1.1.0' })
    expect(result.stdout).toMatch(/^SERVICE\s+STATUS\s+REVISION/m)
    expect(result.stdout).toMatch(/^web\s+succeeded\s+web:\d+\s+web:1\s/m)
    expect(result.stdout).toContain('Deployed 1.1.0 to staging/web')
    const [recorded] = await githubDeployments('staging')
    expect(recorded).toMatchObject({ sha: expect.stringMatching(/^5f3c9a1/) })
    expect(recorded?.states[0]).toBe('success')
    expect(result.stdout).toContain(
      `Recorded as GitHub deployment ${recorded?.id} in acme/shop (staging).`
    )
    expect(result.stderr).toContain('Watching web')
  }, 60_000)

  test('--json prints the outputs of the action, and --no-github records nothing', async () => {
    const result = await cli([
      'deploy',
      '--json',
      '--no-github',
      '--environment',
      'staging',
      '--image',
      'registry.example.com/shop/web:1.2.0',
      ...FAST
    ])
    expect(result.code).toBe(0)
    const document = JSON.parse(result.stdout)
    expect(document).toMatchObject({
      ok: true,
      status: 'succeeded',
      'task-definition-arn': (await live('web')).taskDefinition,
      'previous-task-definition-arn': expect.stringMatching(/:task-definition\/web:1$/),
      images: { web: 'registry.example.com/shop/web:1.2.0' },
      'failure-reason': '',
      details: { recorded: false, notRecorded: '--no-github was given' }
    })
    expect(await githubDeployments('staging')).toEqual([])
  }, 60_000)

  test('a crashing image fails with the stopped-task reason, rolled back', async () => {
    const before = await live('web')
    const result = await cli([
      'deploy',
      '--environment',
      'staging',
      '--image',
      'registry.example.com/shop/web:2.0.0-crash',
      ...FAST
    ])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /Deployment rolled-back: .*(Essential container in task exited|circuit breaker)/
    )
    expect(result.stdout).toMatch(/^web\s+rolled-back\s/m)
    expect((await live('web')).taskDefinition).toBe(before.taskDefinition)
    const [recorded] = await githubDeployments('staging')
    expect(recorded?.states[0]).toBe('failure')
  }, 90_000)

  test('cancelled mid-rollout (SIGINT): the service is put back, exit 130', async () => {
    const before = await live('web')
    // At 40x the healthy rollout completes ~0.4 s after UpdateService; every DescribeServices
    // answered 2 s late means the CLI cannot have seen it complete when the cancel (sent on the
    // line that starts the watch) arrives, however loaded the machine.
    const slowed = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ service: 'ecs', operation: 'DescribeServices', latencyMs: 2_000 })
    })
    expect(slowed.status).toBe(201)
    const cancel = new AbortController()
    const result = await runCli(
      [
        'deploy',
        '--environment',
        'staging',
        '--image',
        // A healthy release: ECS would complete it, so only our rollback can put web:1 back
        // (a failing one could be rolled back by the circuit breaker first, whatever we do).
        'registry.example.com/shop/web:3.0.0',
        ...FAST
      ],
      {
        env: simEnv(sim.url),
        cwd: app,
        signal: cancel.signal,
        onStderr: text => {
          if (text.includes('Watching web')) cancel.abort()
        }
      }
    )
    // The whole run on a failure: what it printed says why.
    expect(result).toMatchObject({ code: 130 })
    expect(result.stderr).toContain('Cancelled: putting the services back')
    expect(result.stdout).toMatch(/^web: rolled back to web:1 \(rolled-back\)$/m)
    expect((await live('web')).taskDefinition).toBe(before.taskDefinition)
  }, 90_000)

  test.each([
    [['--on-failure', 'maybe'], "--on-failure: 'maybe' is not one of"],
    [['--timeout', '30'], "--timeout: '30' is not a duration"],
    [
      ['--environment', 'qa'],
      "--environment: 'qa' is not an environment of .github/fargate-promote.yml"
    ]
  ])(
    'bad input %p: exit 2 naming the option, nothing changed',
    async (args, message) => {
      const result = await cli([
        'deploy',
        '--environment',
        'staging',
        '--image',
        'registry.example.com/shop/web:9.9.9',
        ...args
      ])
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(message)
      expect(mutating()).toEqual([])
      const answer = await fetch(`${sim.url}/_sim/calls?mutating=true`)
      expect(await answer.json()).toMatchObject({ calls: [] })
    },
    30_000
  )
})

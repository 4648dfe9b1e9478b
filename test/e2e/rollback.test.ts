/**
 * The real bundle (actions/rollback/dist/index.js) run as the runner runs it — a child `node`
 * process with INPUT_* variables and file commands — against the simulator. Asserts the exit
 * code, the outputs and summary the action wrote, and the state the sim ended in.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot, runAction } from './run-action.js'

let sim: Sim
let ecs: ECSClient

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
})

async function live(): Promise<{ taskDefinition: string; image?: string; deployments: number }> {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })
  )
  const taskDefinition = services?.[0]?.taskDefinition ?? ''
  const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))
  return {
    taskDefinition,
    image: described.taskDefinition?.containerDefinitions?.[0]?.image,
    deployments: services?.[0]?.deployments?.length ?? 0
  }
}

/** A bad release deployed by another tool: registered, rolled out, COMPLETED. */
async function deployBadRelease(): Promise<string> {
  const { taskDefinition: base } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1' })
  )
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
        image: 'registry.example.com/shop/web:1.1.0-errors'
      })),
      tags: [{ key: 'version', value: '1.1.0-errors' }]
    })
  )
  const arn = taskDefinition!.taskDefinitionArn!
  await ecs.send(
    new UpdateServiceCommand({ cluster: 'staging', service: 'web', taskDefinition: arn })
  )
  const deadline = Date.now() + 60_000
  for (;;) {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })
    )
    const deployments = services?.[0]?.deployments ?? []
    if (deployments.length === 1 && deployments[0]?.rolloutState === 'COMPLETED') {
      if (deployments[0].taskDefinition === arn) return arn
    }
    if (Date.now() > deadline) throw new Error('the bad release did not complete')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

const base = { cluster: 'staging', service: 'web', 'poll-interval': '100ms', timeout: '2m' }

describe('rollback bundle', () => {
  test('rolls back to the revision that ran before a bad release', async () => {
    const bad = await deployBadRelease()
    const before = sim.calls().at(-1)?.seq ?? 0
    const run = await runAction({
      action: 'rollback',
      simUrl: sim.url,
      inputs: {
        ...base,
        reason: 'errors after 1.1.0',
        environment: 'staging',
        'github-token': 'ghs_e2e'
      }
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('rolled-back')
    expect(run.outputs['from-task-definition-arn']).toBe(bad)
    expect(run.outputs['task-definition-arn']).toMatch(/task-definition\/web:1$/)
    expect(run.outputs.version).toBe('1.0.0')
    expect(run.outputs.healthy).toBe('')
    expect(run.outputs['github-deployment-id']).toMatch(/^\d+$/)
    expect(run.summary).toContain('Rolled back: staging/web')
    expect(run.stdout).toContain('::warning title=Rollback of web::web was rolled back')

    const service = await live()
    expect(service.taskDefinition).toBe(run.outputs['task-definition-arn'])
    expect(service.image).toBe('registry.example.com/shop/web:1.0.0')
    expect(service.deployments).toBe(1)
    const writes = sim
      .calls()
      .filter(call => call.seq > before && call.mutating && call.service === 'ecs')
      .map(call => call.operation)
    expect(writes).toEqual(['UpdateService', 'TagResource'])
  }, 90_000)

  test('a bad `to` fails before any change', async () => {
    const bad = await deployBadRelease()
    const before = sim.calls().at(-1)?.seq ?? 0
    const run = await runAction({
      action: 'rollback',
      simUrl: sim.url,
      inputs: { ...base, to: 'last good one' }
    })

    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(run.stdout).toMatch(
      /::error title=Configuration error::rollback failed: Input 'to': 'last good one' is none of the accepted forms/
    )
    // The action did not reach AWS at all: the input is refused first.
    expect(sim.calls().filter(call => call.seq > before)).toEqual([])
    expect((await live()).taskDefinition).toBe(bad)
  }, 60_000)
})

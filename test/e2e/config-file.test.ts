/**
 * The actions read their environment from the application's config file: the real bundles
 * against the simulator, with only `environment` (and the image) given in the workflow.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient
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

const CONFIG = 'test/fixtures/config/fargate-promote.yml'

async function live(service: string) {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'staging', services: [service] })
  )
  const found = services?.[0]
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: found?.taskDefinition ?? '' })
  )
  return {
    image: taskDefinition?.containerDefinitions?.[0]?.image,
    desiredCount: found?.desiredCount,
    alarms: found?.deploymentConfiguration?.alarms?.alarmNames
  }
}

describe('the config file', () => {
  test('deploy-fargate deploys every service of the environment with the settings of the file', async () => {
    const run = await runAction({
      action: 'deploy-fargate',
      inputs: {
        config: CONFIG,
        environment: 'staging',
        image: 'registry.example.com/shop/app:1.1.0',
        'poll-interval': '100ms'
      },
      simUrl: sim.url,
      timeoutMs: 90_000
    })
    expect(run.stdout).not.toContain('::error')
    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('succeeded')
    expect(JSON.parse(run.outputs.services ?? '[]')).toHaveLength(2)
    for (const service of ['web', 'worker']) {
      expect(await live(service)).toEqual({
        image: 'registry.example.com/shop/app:1.1.0',
        desiredCount: 2,
        alarms: ['web-staging-5xx']
      })
    }
  }, 120_000)

  test('an invalid config file stops the step before any AWS call, naming every problem', async () => {
    const run = await runAction({
      action: 'deploy-fargate',
      inputs: {
        config: 'test/fixtures/config/invalid.yml',
        environment: 'staging',
        image: 'registry.example.com/shop/app:1.1.0'
      },
      simUrl: sim.url
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      "file 'test/fixtures/config/invalid.yml': 2 problems:%0A  line 9, environments.staging.desired-count: must be a whole number of tasks.%0A  line 11, environments.staging.protection.wait-timer: is at most 43200 minutes (30 days), GitHub's limit."
    )
    expect(sim.calls()).toEqual([])
  }, 60_000)

  test('a dry run of the environment (the pull-request check) annotates what would change, and changes nothing', async () => {
    const run = await runAction({
      action: 'deploy-fargate',
      inputs: {
        config: CONFIG,
        environment: 'staging',
        image: 'registry.example.com/shop/app:2.0.0',
        'dry-run': 'true'
      },
      simUrl: sim.url
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('dry-run')
    const notices = run.stdout.split('\n').filter(line => line.startsWith('::notice'))
    expect(notices).toHaveLength(2)
    expect(notices[0]).toMatch(
      /^::notice title=Dry run%3A web::.*registry\.example\.com\/shop\/web:1\.0\.0.*registry\.example\.com\/shop\/app:2\.0\.0/
    )
    expect(notices[1]).toMatch(
      /^::notice title=Dry run%3A worker::.*shop\/worker:1\.0\.0.*shop\/app:2\.0\.0/
    )
    expect(sim.calls().filter(call => call.mutating)).toEqual([])
  }, 60_000)

  test('an input given in the workflow overrides the file', async () => {
    const run = await runAction({
      action: 'deploy-fargate',
      inputs: {
        config: CONFIG,
        environment: 'staging',
        service: 'worker',
        images: 'worker=registry.example.com/shop/worker:1.2.0',
        'desired-count': '1',
        'poll-interval': '100ms'
      },
      simUrl: sim.url,
      timeoutMs: 90_000
    })
    expect(run.exitCode).toBe(0)
    expect(await live('worker')).toEqual({
      image: 'registry.example.com/shop/worker:1.2.0',
      desiredCount: 1,
      alarms: ['web-staging-5xx']
    })
    expect((await live('web')).image).toBe('registry.example.com/shop/web:1.0.0')
  }, 120_000)
})

/**
 * The real bundle (actions/deploy-fargate/dist/index.js) run as the runner runs it — a child
 * `node` process with INPUT_* variables and file commands — against the simulator. Asserts
 * the exit code, the outputs and summary the action wrote, and the state the sim ended in.
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

const base = { cluster: 'staging', 'poll-interval': '100ms', timeout: '2m' }

async function live(
  service: string
): Promise<{ taskDefinition: string; image: string | undefined; deployments: number }> {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'staging', services: [service] })
  )
  const taskDefinition = services?.[0]?.taskDefinition ?? ''
  const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))
  return {
    taskDefinition,
    image: described.taskDefinition?.containerDefinitions?.[0]?.image,
    deployments: services?.[0]?.deployments?.length ?? 0
  }
}

function deploy(
  inputs: Record<string, string>,
  extra: Partial<Parameters<typeof runAction>[0]> = {}
) {
  return runAction({
    action: 'deploy-fargate',
    inputs: { ...base, ...inputs },
    simUrl: sim.url,
    ...extra
  })
}

describe('deploy-fargate bundle', () => {
  test('a healthy rollout: green only when observed', async () => {
    const run = await deploy({ service: 'web', images: 'web=registry.example.com/shop/web:1.1.0' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('succeeded')
    expect(run.summary).toContain('Deployment succeeded')
    expect(await live('web')).toEqual({
      taskDefinition: run.outputs['task-definition-arn'],
      image: 'registry.example.com/shop/web:1.1.0',
      deployments: 1
    })
  }, 60_000)

  test.each([
    ['-crash', 'rolled-back', /Essential container in task exited|circuit breaker/],
    ['-pullerror', 'rolled-back', /CannotPullContainerError|circuit breaker/],
    ['-oom', 'rolled-back', /137|OutOfMemoryError|circuit breaker/]
  ])(
    'a %s image is rolled back by ECS and the step fails with the reason',
    async (tag, status, reason) => {
      const run = await deploy({
        service: 'web',
        images: `web=registry.example.com/shop/web:2.0.0${tag}`
      })
      expect(run.exitCode).toBe(1)
      expect(run.outputs.status).toBe(status)
      expect(run.outputs['failure-reason']).toMatch(reason)
      expect(run.stdout).toMatch(/::error title=Deployment of web rolled-back::/)
      const after = await live('web')
      expect(after.taskDefinition).toBe(run.outputs['previous-task-definition-arn'])
      expect(after.image).toBe('registry.example.com/shop/web:1.0.0')
    },
    90_000
  )

  test('an -unhealthy image never becomes a healthy target: the circuit breaker rolls it back', async () => {
    const run = await deploy({
      service: 'web',
      images: 'web=registry.example.com/shop/web:2.1.0-unhealthy'
    })
    expect(run.exitCode).toBe(1)
    expect(['rolled-back', 'timed-out']).toContain(run.outputs.status)
    expect(run.stdout).toMatch(/unhealthy in \(target-group|Task failed ELB health checks/)
    expect((await live('web')).image).toBe('registry.example.com/shop/web:1.0.0')
  }, 90_000)

  test('a dry run changes nothing', async () => {
    const run = await deploy({
      service: 'web',
      images: 'web=registry.example.com/shop/web:9.9.9',
      'dry-run': 'true'
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('dry-run')
    expect(sim.calls().filter(call => call.mutating)).toEqual([])
  }, 60_000)

  test('several services roll out together', async () => {
    const run = await deploy({
      services: 'web\nworker',
      images:
        'web=registry.example.com/shop/web:1.2.0\nworker=registry.example.com/shop/worker:1.2.0'
    })
    expect(run.exitCode).toBe(0)
    expect((await live('worker')).image).toBe('registry.example.com/shop/worker:1.2.0')
    expect((await live('web')).image).toBe('registry.example.com/shop/web:1.2.0')
  }, 60_000)

  test.each([
    [{ service: 'web', images: 'ghost=registry.example.com/x:1' }, 'ghost'],
    [{ service: 'nope' }, 'nope'],
    [{ service: 'web', timeout: '5 minutes' }, "Input 'timeout'"]
  ])(
    'bad input %p: a clear error and no mutating AWS call',
    async (inputs, named) => {
      const run = await deploy(inputs)
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain('deploy-fargate failed:')
      expect(run.stdout).toContain(named)
      expect(sim.calls().filter(call => call.mutating)).toEqual([])
    },
    60_000
  )

  test('cancellation mid-rollout: main stops, the post step rolls back to the previous revision', async () => {
    const before = await live('web')
    const main = await deploy(
      { service: 'web', images: 'web=registry.example.com/shop/web:3.0.0-slow' },
      {
        onStdout: (chunk, child) => {
          if (chunk.includes('deployment ecs-svc/')) child.kill('SIGINT')
        }
      }
    )
    expect(main.exitCode).toBe(1)
    expect(main.stdout).toContain('cancelled')
    expect(main.outputs.status).toBe('cancelled')
    expect(main.state.phase).toBe('deploying')
    const post = await runAction({
      action: 'deploy-fargate',
      entry: 'dist/post/index.js',
      inputs: {},
      simUrl: sim.url,
      state: main.state
    })
    expect(post.exitCode).toBe(0)
    const after = await live('web')
    expect(after.taskDefinition).toBe(before.taskDefinition)
    expect(after.deployments).toBe(1)
  }, 120_000)
})

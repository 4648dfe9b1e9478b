/**
 * deploy-fargate's adapter run in-process against the simulator: real AWS SDK clients and
 * Octokit over HTTP, real rollouts, real target health. Asserts what the action reported
 * (outputs, summary, log) and the state AWS (the sim) ended in.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '@fargate-promote/sim'
import { actionEnv, pointAtSim, removeActionEnvFiles } from '../../../test/support/action-env.js'
import { repoRoot } from '../../../test/e2e/run-action.js'

let sim: Sim
let ecs: ECSClient
let run: () => Promise<void>
let runPost: () => Promise<void>

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
  pointAtSim(sim.url)
  ecs = new ECSClient({
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  ;({ run } = await import('../src/main.js'))
  ;({ runPost } = await import('../src/post-step.js'))
}, 60_000)

afterAll(async () => {
  ecs.destroy()
  await sim.stop()
  removeActionEnvFiles()
})

beforeEach(async () => {
  await sim.reset()
})

async function liveService(name: string) {
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

function mutatingCalls(): string[] {
  return sim
    .calls()
    .filter(call => call.mutating)
    .map(call => call.operation)
}

const base = { cluster: 'staging', 'poll-interval': '100ms', timeout: '2m' }

describe('deploy-fargate', () => {
  test('a healthy rollout succeeds only when observed, and is recorded on GitHub', async () => {
    const env = actionEnv({
      ...base,
      service: 'web',
      images: 'web=registry.example.com/shop/web:1.1.0',
      'environment-variables': 'web.FEATURE_FLAG=on\nweb.API_TOKEN=s3cr3t-value',
      environment: 'staging',
      'environment-url': 'https://staging.example.com',
      'github-token': 'ghs_simulatortoken'
    })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBeUndefined()
      expect(outputs.status).toBe('succeeded')
      expect(outputs['task-definition-arn']).toMatch(/task-definition\/web:2$/)
      expect(outputs['previous-task-definition-arn']).toMatch(/task-definition\/web:1$/)
      expect(outputs['deployment-id']).toMatch(/^ecs-svc\/\d+$/)
      expect(JSON.parse(outputs.images ?? '{}')).toEqual({
        web: 'registry.example.com/shop/web:1.1.0'
      })
      expect(outputs['github-deployment-id']).toMatch(/^\d+$/)

      const service = await liveService('web')
      expect(service.taskDefinition).toBe(outputs['task-definition-arn'])
      expect(service.deployments).toHaveLength(1)
      expect(service.runningCount).toBe(2)
      expect(await imageOf(service.taskDefinition!)).toBe('registry.example.com/shop/web:1.1.0')

      // Secrets never reach the log or the summary; the diff names variables only. (The
      // runner removes the ::add-mask:: command itself from the log it shows.)
      const log = env
        .stdout()
        .split('\n')
        .filter(line => !line.startsWith('::add-mask::'))
        .join('\n')
      expect(env.stdout()).toContain('::add-mask::s3cr3t-value')
      expect(log).not.toContain('s3cr3t-value')
      expect(log).not.toContain('ghs_simulatortoken')
      expect(env.summary()).not.toContain('s3cr3t-value')
      expect(env.summary()).not.toContain('hunter2')
      expect(env.summary()).toContain('Deployment succeeded')
      expect(env.summary()).toContain('API_TOKEN')
      expect(env.stdout()).toContain('has started')

      const github = sim.world.github.dump() as {
        deployments: { id: number; environment: string }[]
        statuses: { deploymentId?: number; deployment_id?: number; state: string }[]
      }
      expect(JSON.stringify(github)).toContain('"environment":"staging"')
      expect(JSON.stringify(github)).toContain('"state":"success"')
    } finally {
      env.restore()
    }
  }, 60_000)

  test('an emergency release says so on its GitHub deployment: payload and descriptions', async () => {
    const env = actionEnv({
      ...base,
      service: 'web',
      images: 'web=registry.example.com/shop/web:1.3.1',
      environment: 'production',
      'emergency-reason': 'INC-2041: checkout 5xx since 1.3.0',
      'github-token': 'ghs_simulatortoken'
    })
    try {
      await run()
      expect(env.outputs().status).toBe('succeeded')
      const api = `${sim.url}/github/repos/acme/shop/deployments`
      const [deployment] = (await (await fetch(`${api}?environment=production`)).json()) as {
        id: number
        description: string
        payload: { emergency?: unknown }
      }[]
      expect(deployment?.payload.emergency).toEqual({
        reason: 'INC-2041: checkout 5xx since 1.3.0',
        actor: 'octocat'
      })
      expect(deployment?.description).toMatch(
        /^EMERGENCY \(INC-2041: checkout 5xx since 1\.3\.0\): Deploying /
      )
      const statuses = (await (await fetch(`${api}/${deployment?.id}/statuses`)).json()) as {
        description: string
      }[]
      expect(statuses.map(status => status.description)).toContain(
        'EMERGENCY (INC-2041: checkout 5xx since 1.3.0): Deployed 5f3c9a1'
      )
    } finally {
      env.restore()
    }
  }, 60_000)

  test('a crashing image is rolled back by the circuit breaker and reported as rolled-back, never green', async () => {
    const env = actionEnv({
      ...base,
      service: 'web',
      image: 'registry.example.com/shop/web:1.2.0-crash',
      container: 'web'
    })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBe(1)
      expect(outputs.status).toBe('rolled-back')
      expect(outputs['failure-reason']).toMatch(
        /circuit breaker|Essential container in task exited/
      )
      const service = await liveService('web')
      expect(service.taskDefinition).toBe(outputs['previous-task-definition-arn'])
      expect(await imageOf(service.taskDefinition!)).toBe('registry.example.com/shop/web:1.0.0')
      expect(env.stdout()).toContain('deploy-fargate failed: rolled-back')
    } finally {
      env.restore()
    }
  }, 90_000)

  test('a dry run prints the diff and changes nothing', async () => {
    const env = actionEnv({
      ...base,
      service: 'web',
      images: 'web=registry.example.com/shop/web:2.0.0',
      'dry-run': 'true'
    })
    try {
      await run()
      expect(env.outputs().status).toBe('dry-run')
      expect(env.exitCode()).toBeUndefined()
      expect(mutatingCalls()).toEqual([])
      expect(env.summary()).toContain('registry.example.com/shop/web:2.0.0')
    } finally {
      env.restore()
    }
  }, 30_000)

  // Inputs the parser refuses never reach AWS; the rest are found by reading AWS, and then
  // the outputs say what happened too (for an `if: failure()` step).
  test.each([
    [{ service: 'web', images: 'nope=registry.example.com/x:1' }, /nope.*web/, true],
    // An image reference is checked with the inputs, before anything is read from AWS.
    [{ service: 'web', images: 'web=Registry.example.com/UPPER:1' }, /image/i, false],
    [{ service: 'missing' }, /missing/, true],
    [{ service: 'web', 'desired-count': '-1' }, /desired-count/, false],
    [{ service: 'web', timeout: '10 minutes' }, /timeout/, false],
    [{ service: 'web', 'poll-interval': '5m', timeout: '1m' }, /poll-interval/, false],
    [
      {
        service: 'web',
        'task-definition': 'test/fixtures/e2e.yml',
        'task-definition-arn': 'web:1'
      },
      /was given together with 'task-definition-arn'/,
      false
    ]
  ])(
    'bad input %p fails clearly and changes nothing',
    async (inputs, message, readsAws) => {
      const env = actionEnv({ ...base, ...inputs })
      try {
        await run()
        expect(env.exitCode()).toBe(1)
        expect(env.stdout()).toMatch(message)
        expect(env.stdout()).toContain('deploy-fargate failed:')
        expect(mutatingCalls()).toEqual([])
        expect(sim.calls().length > 0).toBe(readsAws)
        expect(env.outputs().status).toBe(readsAws ? 'failed' : undefined)
        if (readsAws) expect(env.outputs()['failure-reason']).toMatch(message)
      } finally {
        env.restore()
      }
    },
    30_000
  )

  test('several services are deployed and watched together', async () => {
    const env = actionEnv({
      ...base,
      services: 'web\nworker',
      images:
        'web=registry.example.com/shop/web:1.3.0\nworker=registry.example.com/shop/worker:1.3.0'
    })
    try {
      await run()
      expect(env.outputs().status).toBe('succeeded')
      const results = JSON.parse(env.outputs().services ?? '[]') as {
        service: string
        status: string
      }[]
      expect(results.map(r => [r.service, r.status])).toEqual([
        ['web', 'succeeded'],
        ['worker', 'succeeded']
      ])
      expect(await imageOf((await liveService('worker')).taskDefinition!)).toBe(
        'registry.example.com/shop/worker:1.3.0'
      )
    } finally {
      env.restore()
    }
  }, 60_000)

  test('targets that never get healthy time out and we roll back to the exact previous revision', async () => {
    // Without the ECS circuit breaker nothing stops the rollout but our deadline.
    await ecs.send(
      new UpdateServiceCommand({
        cluster: 'staging',
        service: 'web',
        deploymentConfiguration: {
          minimumHealthyPercent: 100,
          maximumPercent: 200,
          deploymentCircuitBreaker: { enable: false, rollback: false }
        }
      })
    )
    const env = actionEnv({
      ...base,
      service: 'web',
      images: 'web=registry.example.com/shop/web:1.5.0-unhealthy',
      'circuit-breaker': 'false',
      timeout: '4s',
      'github-token': 'ghs_simulatortoken'
    })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBe(1)
      expect(outputs.status).toBe('timed-out')
      expect(outputs['failure-reason']).toMatch(/unhealthy|not healthy|timed out/)
      const service = await liveService('web')
      expect(service.taskDefinition).toBe(outputs['previous-task-definition-arn'])
      expect(JSON.parse(outputs.services ?? '[]')[0].rollback).toBe('rolled-back')
      // A token without an environment records nothing, and says so.
      expect(env.stdout()).toContain("'github-token' was given without 'environment'")
      expect(env.stdout()).toMatch(/::warning title=Rollback of web::/)
    } finally {
      env.restore()
    }
  }, 90_000)

  test('old revisions beyond keep-revisions are deregistered after a success', async () => {
    for (const tag of ['1.6.0', '1.6.1']) {
      const env = actionEnv({
        ...base,
        service: 'worker',
        images: `worker=registry.example.com/shop/worker:${tag}`,
        'keep-revisions': '1'
      })
      try {
        await run()
        expect(env.outputs().status).toBe('succeeded')
        if (tag === '1.6.1') expect(env.summary()).toContain('Deregistered')
      } finally {
        env.restore()
      }
    }
    const deregistered = sim
      .calls()
      .filter(call => call.operation === 'DeregisterTaskDefinition')
      .map(call => (call.params as { taskDefinition: string }).taskDefinition)
    // worker:1 was the previous of the second deploy, so only... the older one goes.
    expect(deregistered.length).toBeGreaterThanOrEqual(1)
    expect(deregistered.every(arn => !arn.endsWith(':3'))).toBe(true)
  }, 90_000)

  test('a GitHub outage is a warning: the deployment decides the result', async () => {
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'github', status: 500, count: 10 })
    })
    const env = actionEnv({
      ...base,
      service: 'worker',
      images: 'worker=registry.example.com/shop/worker:1.7.0',
      environment: 'staging',
      'github-token': 'ghs_simulatortoken'
    })
    try {
      await run()
      expect(env.outputs().status).toBe('succeeded')
      expect(env.exitCode()).toBeUndefined()
      expect(env.stdout()).toContain('Could not record the GitHub deployment')
    } finally {
      env.restore()
      await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' })
    }
  }, 60_000)

  test('cancellation (SIGINT) stops the watch at once; main reports it and leaves the rollback to post', async () => {
    const env = actionEnv({
      ...base,
      service: 'web',
      images: 'web=registry.example.com/shop/web:1.8.0-slow'
    })
    try {
      const running = run()
      for (let i = 0; i < 200 && !env.state().phase; i++)
        await new Promise(resolve => setTimeout(resolve, 20))
      expect(env.state().phase).toBe('deploying')
      process.emit('SIGINT')
      await running
      expect(env.exitCode()).toBe(1)
      expect(env.stdout()).toContain('the run was cancelled while the deployment was in progress')
      expect(env.summary()).toContain('the post step rolls it back')
      expect(env.state().phase).toBe('deploying')
    } finally {
      env.restore()
    }
  }, 60_000)

  test('with on-failure none the post step of a cancelled run leaves the service alone', async () => {
    const post = actionEnv(
      {},
      {
        isPost: 'true',
        phase: 'deploying',
        cluster: 'staging',
        'on-failure': 'none',
        deployments: JSON.stringify([
          {
            service: 'web',
            deploymentId: 'ecs-svc/1',
            taskDefinitionArn: 'x',
            previousTaskDefinitionArn: 'y'
          }
        ])
      }
    )
    try {
      await runPost()
      expect(post.exitCode()).toBeUndefined()
      expect(post.stdout()).toContain('on-failure is none, so nothing is rolled back')
      expect(mutatingCalls()).toEqual([])
    } finally {
      post.restore()
    }
  })

  test('the post step does nothing after a finished run', async () => {
    const post = actionEnv({}, { isPost: 'true', phase: 'finished' })
    try {
      await runPost()
      expect(post.exitCode()).toBeUndefined()
      expect(sim.calls()).toEqual([])
    } finally {
      post.restore()
    }
  })

  test('the post step rolls back a deployment the cancelled run left in progress', async () => {
    const before = (await liveService('web')).taskDefinition!
    const deploying = actionEnv({
      ...base,
      service: 'web',
      image: 'registry.example.com/shop/web:1.4.0-slow',
      container: 'web',
      wait: 'false',
      environment: 'staging',
      'github-token': 'ghs_simulatortoken'
    })
    let state: Record<string, string>
    try {
      await run()
      state = deploying.state()
      expect(deploying.outputs().status).toBe('started')
      // Not watched, so no outcome is claimed: the GitHub deployment stays in_progress.
      const dump = sim.world.github.dump() as {
        repositories: { deployments: { statuses: { state: string }[] }[] }[]
      }
      const statuses = dump.repositories[0]?.deployments.at(-1)?.statuses.map(s => s.state)
      expect(statuses).toEqual(['in_progress'])
    } finally {
      deploying.restore()
    }
    // Main finished with wait: false; pretend it was cancelled before its verdict.
    state.phase = 'deploying'
    const post = actionEnv({}, state)
    try {
      await runPost()
      expect(post.exitCode()).toBeUndefined()
      const service = await liveService('web')
      expect(service.taskDefinition).toBe(before)
      expect(post.stdout()).toContain('rolled back')
    } finally {
      post.restore()
    }
  }, 90_000)
})

import { ConfigurationError, type RunContext } from '@fargate-promote/runner'
import { readDeploySettings } from '../src/inputs.js'
import { inputEnv, repoRoot } from '../../../test/e2e/run-action.js'

const context: RunContext = {
  repository: 'acme/shop',
  sha: '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f',
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  workspace: repoRoot
}

let added: string[] = []
function given(inputs: Record<string, string>): void {
  const env = inputEnv({ cluster: 'staging', ...inputs })
  added = Object.keys(env)
  Object.assign(process.env, env)
}

afterEach(() => {
  for (const name of added) delete process.env[name]
})

describe('readDeploySettings', () => {
  test('defaults: the current task definition, wait, 30m timeout, 5s polls, rollback, circuit breaker', () => {
    given({ service: 'web' })
    expect(readDeploySettings(context)).toEqual({
      cluster: 'staging',
      services: ['web'],
      taskDefinition: { kind: 'current' },
      images: {},
      environment: {},
      desiredCount: undefined,
      forceNewDeployment: false,
      wait: true,
      timeoutMs: 1_800_000,
      pollIntervalMs: 5000,
      waitForTargetHealth: 'auto',
      onFailure: 'rollback',
      circuitBreaker: true,
      alarms: [],
      version: '5f3c9a1',
      tags: {},
      keepRevisions: undefined,
      preDeploy: undefined,
      dryRun: false,
      environmentName: undefined,
      environmentUrl: undefined,
      githubToken: undefined
    })
  })

  test('every input parsed into one settings object', () => {
    given({
      services: 'web\nworker\n# not this one',
      images: 'web=registry.example.com/shop/web:2\nworker=registry.example.com/shop/worker:2',
      'environment-variables': 'web.LOG_LEVEL=debug\nweb.URL=https://x?a=b\nworker.QUEUE=orders',
      'desired-count': '3',
      'force-new-deployment': 'true',
      wait: 'false',
      timeout: '1h',
      'poll-interval': '2s',
      'wait-for-target-health': 'false',
      'on-failure': 'none',
      'circuit-breaker': 'false',
      alarms: 'web-5xx\nweb-latency',
      version: '2.0.0',
      tags: 'team=payments\ncost-center=42',
      'keep-revisions': '10',
      'pre-deploy-command': '["npm","run","migrate"]',
      'pre-deploy-container': 'web',
      'dry-run': 'true',
      environment: 'staging',
      'environment-url': 'https://staging.example.com',
      'github-token': 'ghs_x'
    })
    const settings = readDeploySettings(context)
    expect(settings).toMatchObject({
      services: ['web', 'worker'],
      images: {
        web: 'registry.example.com/shop/web:2',
        worker: 'registry.example.com/shop/worker:2'
      },
      environment: {
        web: { LOG_LEVEL: 'debug', URL: 'https://x?a=b' },
        worker: { QUEUE: 'orders' }
      },
      desiredCount: 3,
      forceNewDeployment: true,
      wait: false,
      timeoutMs: 3_600_000,
      pollIntervalMs: 2000,
      waitForTargetHealth: false,
      onFailure: 'none',
      circuitBreaker: false,
      alarms: ['web-5xx', 'web-latency'],
      version: '2.0.0',
      tags: { team: 'payments', 'cost-center': '42' },
      keepRevisions: 10,
      preDeploy: { command: ['npm', 'run', 'migrate'], container: 'web' },
      dryRun: true,
      environmentName: 'staging',
      environmentUrl: 'https://staging.example.com',
      githubToken: 'ghs_x'
    })
  })

  test('image + container shorthand, a plain pre-deploy command, wait-for-target-health true', () => {
    given({
      service: 'web',
      image: 'registry.example.com/shop/web:3',
      container: 'web',
      'pre-deploy-command': 'npm run migrate -- --yes',
      'wait-for-target-health': 'true'
    })
    const settings = readDeploySettings(context)
    expect(settings.images).toEqual({ web: 'registry.example.com/shop/web:3' })
    expect(settings.preDeploy).toEqual({
      command: ['sh', '-c', 'npm run migrate -- --yes'],
      container: undefined
    })
    expect(settings.waitForTargetHealth).toBe(true)
  })

  test('a task definition file is read relative to the workspace; an ARN is passed on', () => {
    given({ service: 'web', 'task-definition': 'test/fixtures/e2e.yml' })
    const file = readDeploySettings(context).taskDefinition
    expect(file).toMatchObject({ kind: 'file', path: 'test/fixtures/e2e.yml' })
    expect((file as { definition: { clusters: string[] } }).definition.clusters).toEqual([
      'staging'
    ])
    for (const name of added) delete process.env[name]
    given({ service: 'web', 'task-definition-arn': 'web:7' })
    expect(readDeploySettings(context).taskDefinition).toEqual({ kind: 'arn', arn: 'web:7' })
  })

  test('without a commit the version says so', () => {
    given({ service: 'web' })
    expect(readDeploySettings({ ...context, sha: undefined }).version).toBe('unversioned')
  })

  test.each([
    [{}, "Input 'service' is required"],
    [{ service: 'web', services: 'worker' }, "'service' and 'services' were both given"],
    [
      { services: Array.from({ length: 11 }, (_, i) => `s${i}`).join('\n') },
      'lists 11 services; at most 10'
    ],
    [{ services: 'web\nweb' }, "lists 'web' twice"],
    [
      { services: 'web\nworker', 'task-definition-arn': 'web:1' },
      "'task-definition-arn' can only be used with one service"
    ],
    [{ service: 'web', 'task-definition': 'missing.json' }, 'missing.json'],
    [{ service: 'web', images: 'web=' }, "container 'web' has no image"],
    [{ service: 'web', images: 'web registry.example.com/x:1' }, "Input 'images'"],
    [
      { service: 'web', image: 'registry.example.com/x:1' },
      "'image' is 'registry.example.com/x:1' but 'container' is empty"
    ],
    [{ service: 'web', container: 'web' }, "'container' is 'web' but 'image' is empty"],
    [
      { service: 'web', images: 'web=a.io/x:1', image: 'a.io/x:2', container: 'web' },
      "in both 'images' and 'image'"
    ],
    [{ service: 'web', 'environment-variables': 'LOG_LEVEL=debug' }, 'container.NAME'],
    [{ service: 'web', tags: 'bad key!=1' }, "Input 'tags'"],
    [
      { service: 'web', 'pre-deploy-container': 'web' },
      "'pre-deploy-container' was given without 'pre-deploy-command'"
    ],
    [{ service: 'web', 'pre-deploy-command': '[1, 2]' }, 'not a JSON array of strings'],
    [{ service: 'web', 'pre-deploy-command': '[oops' }, 'not a JSON array of strings'],
    [{ service: 'web', 'desired-count': '3x' }, "Input 'desired-count'"],
    [{ service: 'web', 'keep-revisions': '0' }, "Input 'keep-revisions'"],
    [{ service: 'web', wait: 'yes' }, "Input 'wait'"],
    [{ service: 'web', 'on-failure': 'retry' }, "Input 'on-failure'"],
    [{ service: 'web', 'wait-for-target-health': 'maybe' }, "Input 'wait-for-target-health'"],
    [{ service: 'web', timeout: '30' }, "Input 'timeout'"],
    [
      { service: 'web', 'poll-interval': '2m', timeout: '1m' },
      "'poll-interval' (2m) is longer than 'timeout' (1m)"
    ]
  ])('%p is refused: %s', (inputs, message) => {
    given(inputs)
    let error: unknown
    try {
      readDeploySettings(context)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toContain(message)
  })
})

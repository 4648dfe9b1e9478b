import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ConfigurationError,
  InputReader,
  recordSource,
  type RunContext
} from '@fargate-promote/common'
import { readDeployInputs } from '../src/index.js'
import { repoRoot } from '../../../test/e2e/run-action.js'

const context: RunContext = {
  repository: 'acme/shop',
  sha: '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f',
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  workspace: repoRoot
}

let values: Record<string, string> = {}
function given(inputs: Record<string, string>): void {
  values = { cluster: 'staging', ...inputs }
}
const read = (runContext: RunContext = context) =>
  readDeployInputs(new InputReader(recordSource(values)), runContext)

const RELEASE_TAGS = {
  version: '5f3c9a1',
  commit: '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f'
}

async function refusal(): Promise<string> {
  try {
    await read()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigurationError')
}

describe('readDeployInputs', () => {
  test('defaults: the current task definition, wait, 30m timeout, 5s polls, rollback, circuit breaker', async () => {
    given({ service: 'web' })
    expect(await read()).toEqual({
      cluster: 'staging',
      services: ['web'],
      taskDefinition: { kind: 'current' },
      images: {},
      environment: {},
      tags: RELEASE_TAGS,
      forceNewDeployment: false,
      wait: true,
      timeoutMs: 1_800_000,
      pollIntervalMs: 5000,
      waitForTargetHealth: 'auto',
      onFailure: 'rollback',
      circuitBreaker: true,
      alarms: [],
      dryRun: false,
      version: '5f3c9a1'
    })
  })

  test('an emergency reason is kept with the actor who ran the release', async () => {
    given({ service: 'web', 'emergency-reason': 'INC-2041' })
    expect((await read({ ...context, actor: 'dana' })).emergency).toEqual({
      reason: 'INC-2041',
      actor: 'dana'
    })
    expect((await read()).emergency).toEqual({ reason: 'INC-2041' })
  })

  test('every input parsed into the one options object the use case takes', async () => {
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
      tags: 'team=payments\ncost-center=42\nversion=overridden',
      'keep-revisions': '10',
      'pre-deploy-command': '["npm","run","migrate"]',
      'pre-deploy-container': 'web',
      environment: 'staging',
      'environment-url': 'https://staging.example.com',
      'github-token': 'ghs_x'
    })
    const runContext = {
      ...context,
      ref: 'refs/heads/main',
      actor: 'octocat',
      runUrl: 'https://github.com/acme/shop/actions/runs/1'
    }
    expect(await read(runContext)).toEqual({
      cluster: 'staging',
      services: ['web', 'worker'],
      taskDefinition: { kind: 'current' },
      images: {
        web: 'registry.example.com/shop/web:2',
        worker: 'registry.example.com/shop/worker:2'
      },
      environment: {
        web: { LOG_LEVEL: 'debug', URL: 'https://x?a=b' },
        worker: { QUEUE: 'orders' }
      },
      tags: {
        version: 'overridden',
        commit: context.sha,
        ref: 'refs/heads/main',
        'run-url': 'https://github.com/acme/shop/actions/runs/1',
        actor: 'octocat',
        team: 'payments',
        'cost-center': '42'
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
      keepRevisions: 10,
      preDeploy: { command: ['npm', 'run', 'migrate'], container: 'web' },
      dryRun: false,
      environmentName: 'staging',
      environmentUrl: 'https://staging.example.com',
      githubToken: 'ghs_x',
      record: {
        owner: 'acme',
        repo: 'shop',
        environment: 'staging',
        ref: context.sha,
        logUrl: 'https://github.com/acme/shop/actions/runs/1',
        environmentUrl: 'https://staging.example.com'
      }
    })
  })

  test('nothing is recorded in a dry run, without a token, or outside a repository', async () => {
    given({ service: 'web', environment: 'staging', 'github-token': 'ghs_x', 'dry-run': 'true' })
    expect((await read()).record).toBeUndefined()
    given({ service: 'web', environment: 'staging' })
    expect((await read()).record).toBeUndefined()
    given({ service: 'web', environment: 'staging', 'github-token': 'ghs_x' })
    expect((await read({ ...context, repository: undefined })).record).toBeUndefined()
    expect((await read({ ...context, sha: undefined, ref: 'refs/heads/x' })).record?.ref).toBe(
      'refs/heads/x'
    )
  })

  test('image + container shorthand, a plain pre-deploy command, wait-for-target-health true', async () => {
    given({
      service: 'web',
      image: 'registry.example.com/shop/web:3',
      container: 'web',
      'pre-deploy-command': 'npm run migrate -- --yes',
      'wait-for-target-health': 'true'
    })
    const inputs = await read()
    expect(inputs.images).toEqual({ web: 'registry.example.com/shop/web:3' })
    expect(inputs.preDeploy).toEqual({ command: ['sh', '-c', 'npm run migrate -- --yes'] })
    expect(inputs.waitForTargetHealth).toBe(true)
  })

  test("staging-gate's images output (JSON, service/container keys) and several containers for one image", async () => {
    given({
      services: 'web\nworker',
      images:
        '{"web/web":"repo/web@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","worker/worker":"repo/worker@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}'
    })
    expect((await read()).images).toEqual({
      'web/web': 'repo/web@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'worker/worker':
        'repo/worker@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
    })
    given({ services: 'web\nworker', image: 'repo/app:2', container: 'web\nworker' })
    expect((await read()).images).toEqual({ web: 'repo/app:2', worker: 'repo/app:2' })
    given({ service: 'web', images: 'web/web=repo/web:1' })
    expect((await read()).images).toEqual({ 'web/web': 'repo/web:1' })
  })

  test('a task definition file is read relative to the workspace; an ARN is passed on', async () => {
    given({ service: 'web', 'task-definition': 'test/fixtures/e2e.yml' })
    const file = (await read()).taskDefinition
    expect(file).toMatchObject({ kind: 'file', path: 'test/fixtures/e2e.yml' })
    expect((file as { definition: { clusters: string[] } }).definition.clusters).toEqual([
      'staging'
    ])
    given({ service: 'web', 'task-definition-arn': 'web:7' })
    expect((await read()).taskDefinition).toEqual({ kind: 'arn', arn: 'web:7' })
  })

  test('a service is named, or given by its ARN (old and new form)', async () => {
    for (const service of [
      'web_2-a',
      'arn:aws:ecs:eu-west-1:123456789012:service/staging/web',
      'arn:aws-cn:ecs:cn-north-1:123456789012:service/web'
    ]) {
      given({ service })
      expect((await read()).services).toEqual([service])
    }
  })

  test('without a commit the version says so', async () => {
    given({ service: 'web' })
    expect((await read({ ...context, sha: undefined })).version).toBe('unversioned')
  })

  test.each([
    [{}, "Input 'service': not given. Give the ECS service to deploy."],
    [{ service: 'web', services: 'worker' }, "Input 'service': was given together with 'services'"],
    [
      { services: Array.from({ length: 11 }, (_, i) => `s${i}`).join('\n') },
      "Input 'services': lists 11 services; at most 10"
    ],
    [{ services: 'web\nweb' }, "Input 'services': lists 'web' twice"],
    [
      { services: 'web\nworker', 'task-definition-arn': 'web:1' },
      "Input 'task-definition-arn': can only be used with one service"
    ],
    [
      { service: 'web', 'task-definition': 'td.json', 'task-definition-arn': 'web:1' },
      "Input 'task-definition': was given together with 'task-definition-arn'"
    ],
    [
      { service: 'web', 'task-definition-arn': 'arn:aws:s3:::bucket' },
      "Input 'task-definition-arn': 'arn:aws:s3:::bucket' is not a task-definition ARN or family:revision"
    ],
    [
      { service: 'web', 'task-definition': 'missing.json' },
      "Input 'task-definition': cannot read 'missing.json'"
    ],
    [
      { service: 'web', images: 'web=' },
      "Input 'images' (line 1): container 'web' has no image after '='."
    ],
    [
      { service: 'web', images: 'nginx:1' },
      "Input 'images' (line 1): 'nginx:1' is not container=image (one per line, e.g. web=nginx:1.27)."
    ],
    [{ service: 'web', image: 'registry.example.com/x:1' }, "Input 'image': needs 'container' too"],
    [
      { service: 'web', images: '{"web": 1}' },
      "Input 'images': starts with '{' but is not a JSON object of container (or service/container) to image"
    ],
    [{ service: 'web', images: '{"a b": "x:1"}' }, "Input 'images': starts with '{' but is not"],
    [{ service: 'web', images: '{}' }, "Input 'images': starts with '{' but is not"],
    [{ service: 'web', container: 'web' }, "Input 'container': needs 'image' too"],
    [
      { service: 'web', image: 'a.io/x:1', container: 'web\n::add-mask::web' },
      "Input 'container': '::add-mask::web' is not a container name (or service/container): up to 255 letters, digits, hyphens and underscores."
    ],
    [
      { service: 'web\nstatus=succeeded' },
      "Input 'service': 'web\\nstatus=succeeded' is not an ECS service name: up to 255 letters, digits, hyphens and underscores (or the service's ARN)."
    ],
    [
      { services: 'web\nw\u200beb\n$(id)' },
      "Input 'services': 'w\u200beb' is not an ECS service name"
    ],
    [{ service: 'web', version: '1.1.0\nstatus=succeeded' }, "Input 'version': 'version=1.1.0\\n"],
    [
      { service: 'web', images: 'web=a.io/x:1', image: 'a.io/x:2', container: 'web' },
      "Input 'image': container 'web' has an image in both 'images' and 'image'"
    ],
    [
      { service: 'web', 'environment-variables': 'LOG_LEVEL=debug' },
      "key 'LOG_LEVEL' is not container.NAME"
    ],
    [{ service: 'web', tags: 'bad key!=1' }, "Input 'tags'"],
    [
      { service: 'web', 'pre-deploy-container': 'web' },
      "Input 'pre-deploy-container': was given without 'pre-deploy-command'"
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
      { service: 'web', 'environment-url': 'https://staging.example.com/\n::error::x' },
      "Input 'environment-url': the URL contains a line break"
    ],
    [
      { service: 'web', 'poll-interval': '2m', timeout: '1m' },
      "Input 'poll-interval': 2m is longer than 'timeout' (1m)"
    ]
  ])('%p is refused: %s', async (inputs, message) => {
    given(inputs)
    expect(await refusal()).toContain(message)
  })
})

describe('readDeployInputs: the task definition file', () => {
  let dir = ''
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deploy-inputs-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const inWorkspace = (runnerTemp?: string): RunContext => ({
    ...context,
    workspace: join(dir),
    ...(runnerTemp !== undefined && { runnerTemp })
  })

  test("over ECS's 64 KiB it is refused before any AWS call, naming the input and the size", async () => {
    const big = {
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'x', command: ['a'.repeat(70_000)] }]
    }
    writeFileSync(join(dir, 'td.json'), JSON.stringify(big))
    given({ service: 'web', 'task-definition': 'td.json' })
    const error = await readDeployInputs(
      new InputReader(recordSource(values)),
      inWorkspace()
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toMatch(
      /^Input 'task-definition': task definition 'td.json' is \d+ bytes as JSON; ECS registers at most 65536 \(64 KiB\)\./
    )
  })

  test('a describe-task-definition dump is measured by what would be sent, not by its read-only fields', async () => {
    const sent = {
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'x', command: ['a'.repeat(60_000)] }]
    }
    // 10 KB of read-only bookkeeping around a 60 KB definition: the file is over 64 KiB,
    // the request ECS would get is not.
    const dump = {
      taskDefinition: {
        ...sent,
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
        requiresAttributes: Array.from({ length: 200 }, (_, i) => ({
          name: `com.amazonaws.ecs.capability.${i}`
        }))
      },
      tags: [{ key: 'version', value: '1.0.0' }]
    }
    expect(JSON.stringify(dump).length).toBeGreaterThan(65_536)
    writeFileSync(join(dir, 'td.json'), JSON.stringify(dump))
    given({ service: 'web', 'task-definition': 'td.json' })
    const read = await readDeployInputs(new InputReader(recordSource(values)), inWorkspace())
    expect(read.taskDefinition).toMatchObject({ kind: 'file', path: 'td.json' })
  })

  test('written by a render step into RUNNER_TEMP it is read; outside both places, or through a link out, it is refused', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    try {
      writeFileSync(join(temp, 'rendered.json'), '{"family":"web","containerDefinitions":[]}')
      given({ service: 'web', 'task-definition': join(temp, 'rendered.json') })
      const reader = () => new InputReader(recordSource(values))
      expect((await readDeployInputs(reader(), inWorkspace(temp))).taskDefinition).toMatchObject({
        kind: 'file'
      })
      await expect(readDeployInputs(reader(), inWorkspace())).rejects.toThrow(
        "Input 'task-definition': '"
      )
      symlinkSync(join(temp, 'rendered.json'), join(dir, 'link.json'))
      given({ service: 'web', 'task-definition': 'link.json' })
      await expect(readDeployInputs(reader(), inWorkspace())).rejects.toThrow(
        /resolves to .*, outside the workspace/
      )
      given({ service: 'web', 'task-definition': '../../etc/passwd.json' })
      await expect(readDeployInputs(reader(), inWorkspace())).rejects.toThrow(
        "Input 'task-definition'"
      )
    } finally {
      rmSync(temp, { recursive: true, force: true })
    }
  })
})

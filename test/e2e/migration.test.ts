/**
 * Migrating from aws-actions (docs/migrating-from-aws-actions.md): a workflow that keeps
 * aws-actions/amazon-ecs-render-task-definition hands deploy-fargate the file render wrote to
 * the runner's temp directory (`$RUNNER_TEMP/task-definition-<random>.json`, an absolute path
 * outside the workspace). The real bundle deploys it against the simulator, whichever shape the
 * file has:
 * - as render v1.7.0 and later write it: DescribeTaskDefinition's read-only fields removed, the
 *   revision's tags carried over when render fetched it by family or ARN;
 * - as render before v1.7.0 wrote a definition it fetched, and as a file saved with
 *   `aws ecs describe-task-definition --query taskDefinition` stays: with taskDefinitionArn,
 *   revision, status, requiresAttributes, compatibilities, registeredAt and registeredBy, which
 *   RegisterTaskDefinition does not take.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient
} from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot, runAction } from './run-action.js'

let sim: Sim
let ecs: ECSClient
let workspace: string
let runnerTemp: string

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
  workspace = mkdtempSync(join(tmpdir(), 'migration-workspace-'))
  runnerTemp = mkdtempSync(join(tmpdir(), 'migration-runner-temp-'))
})

afterEach(() => {
  rmSync(workspace, { recursive: true, force: true })
  rmSync(runnerTemp, { recursive: true, force: true })
})

const RENDERED_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:5f3c9a1'

/** The `web` family of test/fixtures/e2e.yml after render set the image and LOG_LEVEL. */
const renderedDefinition = {
  family: 'web',
  containerDefinitions: [
    {
      name: 'web',
      image: RENDERED_IMAGE,
      cpu: 0,
      essential: true,
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
      environment: [
        { name: 'APP_VERSION', value: '1.0.0' },
        { name: 'LOG_LEVEL', value: 'info' }
      ],
      mountPoints: [],
      volumesFrom: [],
      systemControls: []
    }
  ],
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  networkMode: 'awsvpc',
  volumes: [],
  placementConstraints: [],
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  enableFaultInjection: false
}

/** What DescribeTaskDefinition adds and RegisterTaskDefinition refuses. */
const readOnlyFields = {
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
  revision: 1,
  status: 'ACTIVE',
  requiresAttributes: [
    { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' },
    { name: 'ecs.capability.task-eni' }
  ],
  compatibilities: ['EC2', 'FARGATE'],
  registeredAt: '2026-06-30T12:00:00.000Z',
  registeredBy: 'arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions'
}

const shapes: [string, Record<string, unknown>][] = [
  [
    'as render v1.7.0+ writes it (read-only fields removed, tags carried over)',
    { ...renderedDefinition, tags: [{ key: 'team', value: 'shop' }] }
  ],
  [
    "with DescribeTaskDefinition's read-only fields (render before v1.7.0, a saved describe output)",
    { ...readOnlyFields, ...renderedDefinition }
  ]
]

async function liveRevision(): Promise<{
  arn: string
  image: string | undefined
  environment: Record<string, string | undefined>
  tags: Record<string, string | undefined>
}> {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })
  )
  const arn = services?.[0]?.taskDefinition ?? ''
  const described = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })
  )
  const container = described.taskDefinition?.containerDefinitions?.[0]
  return {
    arn,
    image: container?.image,
    environment: Object.fromEntries(
      (container?.environment ?? []).map(pair => [pair.name ?? '', pair.value])
    ),
    tags: Object.fromEntries((described.tags ?? []).map(tag => [tag.key ?? '', tag.value]))
  }
}

describe("a task definition render-task-definition wrote to the runner's temp directory", () => {
  test.each(shapes)(
    'is registered and rolled out: %s',
    async (_shape, definition) => {
      // render names its file task-definition-<random>.json in RUNNER_TEMP and outputs the path.
      const path = join(runnerTemp, 'task-definition-4f2b1c.json')
      writeFileSync(path, JSON.stringify(definition, null, 2))
      const run = await runAction({
        action: 'deploy-fargate',
        inputs: {
          cluster: 'staging',
          service: 'web',
          'task-definition': path,
          'poll-interval': '100ms',
          timeout: '2m'
        },
        simUrl: sim.url,
        env: { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp },
        timeoutMs: 60_000
      })
      expect(run.exitCode).toBe(0)
      expect(run.outputs.status).toBe('succeeded')
      expect(run.outputs['task-definition-arn']).toMatch(/:task-definition\/web:2$/)
      const live = await liveRevision()
      expect(live.arn).toBe(run.outputs['task-definition-arn'])
      expect(live.image).toBe(RENDERED_IMAGE)
      expect(live.environment).toEqual({ APP_VERSION: '1.0.0', LOG_LEVEL: 'info' })
      expect(live.tags).toMatchObject({ version: '5f3c9a1' })
      if (Array.isArray(definition.tags)) expect(live.tags).toMatchObject({ team: 'shop' })
    },
    60_000
  )
})

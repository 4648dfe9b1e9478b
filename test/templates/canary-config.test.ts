/**
 * The example config offers a production canary (issue 17): its commented `canary` block,
 * uncommented as the template tells a user to, is a valid config (the JSON Schema editors use and
 * the schema the actions read with) and deploy-fargate's own reader turns it into the canary's
 * deploy options.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { Ajv } from 'ajv'
import { parse } from 'yaml'
import { InputReader, recordSource } from '@fargate-promote/common'
import { parseConfigText, readDeployInputs } from '@fargate-promote/promotion'
import { useTempDir } from '../support/temp-dir.js'

const root = new URL('../..', import.meta.url).pathname
const templates = join(root, 'workflows-templates')
const example = readFileSync(join(templates, 'fargate-promote.yml'), 'utf8')

/** The config with the lines between `# >>> canary` and `# <<< canary` uncommented. */
export function withCanary(text: string): string {
  const block = /^( *)# >>> canary\n([\s\S]*?)^ *# <<< canary\n/m.exec(text)
  if (block === null) throw new Error('fargate-promote.yml has no `# >>> canary` block')
  const indent = block[1] as string
  const lines = (block[2] as string).split('\n').filter(Boolean)
  const uncommented = lines.map(line => {
    if (!line.startsWith(`${indent}# `)) throw new Error(`not a commented line: ${line}`)
    return `${indent}${line.slice(indent.length + 2)}`
  })
  return text.replace(block[0], `${uncommented.join('\n')}\n`)
}

describe('the example config: canary in production', () => {
  const dir = useTempDir('canary-config-')
  const config = withCanary(example)

  test('the canary block is commented out: production stays rolling as shipped', async () => {
    const shipped = await parseConfigText(example, 'fargate-promote.yml')
    expect(shipped.config.environments.production?.strategy).toBeUndefined()
    expect(example).toMatch(/# >>> canary\n {4}# strategy: canary\n/)
  })

  test('uncommented, it is valid against fargate-promote.schema.json and the config schema', async () => {
    const schema = JSON.parse(readFileSync(join(templates, 'fargate-promote.schema.json'), 'utf8'))
    const validate = new Ajv({ allErrors: true, strict: false, formats: { uri: true } }).compile(
      schema
    )
    const valid = validate(parse(config))
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
    const loaded = await parseConfigText(config, '.github/fargate-promote.yml')
    expect(loaded.config.environments.production).toMatchObject({
      strategy: 'canary',
      'canary-percent': '10%',
      'canary-bake': '10m',
      'min-requests': 50
    })
    // Only production: staging keeps rolling, as the gate compares it with a soaked release.
    expect(loaded.config.environments.staging?.strategy).toBeUndefined()
  })

  test("deploy-fargate's reader takes the canary settings from the file for production", async () => {
    mkdirSync(join(dir(), '.github'), { recursive: true })
    writeFileSync(join(dir(), '.github/fargate-promote.yml'), config)
    // What deploy.yml gives deploy-fargate: the config path and the environment, no strategy input.
    const inputs = new InputReader(
      recordSource({ config: '.github/fargate-promote.yml', environment: 'production' })
    )
    const read = await readDeployInputs(inputs, contextIn(dir()))
    expect(read.cluster).toBe('shop-production')
    expect(read.progressive).toEqual({
      settings: {
        kind: 'canary',
        canaryPercent: 10,
        canaryBakeMinutes: 10,
        stepPercent: 10,
        stepBakeMinutes: 5,
        bakeTimeMinutes: 5,
        alternateTargetGroupArn:
          'arn:aws:elasticloadbalancing:eu-west-1:333333333333:targetgroup/shop-production-web-green/0123456789abcdef',
        productionListenerRuleArn:
          'arn:aws:elasticloadbalancing:eu-west-1:333333333333:listener-rule/app/shop-production/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee',
        roleArn: 'arn:aws:iam::333333333333:role/ecsInfrastructureRoleForLoadBalancers'
      },
      thresholds: { maxErrorRate: 0.02, minRequests: 50, maxLatencyIncreasePercent: 50 },
      pauses: 'continue-on-pass',
      // The default metrics-delay: CloudWatch's ALB minutes are read a minute after they end.
      metricsDelayMs: 60_000
    })
  })

  test("a workflow's strategy: rolling over the file's canary leaves the file's canary settings behind", async () => {
    mkdirSync(join(dir(), '.github'), { recursive: true })
    writeFileSync(join(dir(), '.github/fargate-promote.yml'), config)
    const inputs = new InputReader(
      recordSource({
        config: '.github/fargate-promote.yml',
        environment: 'production',
        strategy: 'rolling'
      })
    )
    const read = await readDeployInputs(inputs, contextIn(dir()))
    expect(read.progressive).toBeUndefined()
    expect(read.switchToRolling).toBe(true)
    // Given in the workflow itself, a setting of another strategy is still refused.
    const both = new InputReader(
      recordSource({
        config: '.github/fargate-promote.yml',
        environment: 'production',
        strategy: 'rolling',
        'bake-time': '5m'
      })
    )
    await expect(readDeployInputs(both, contextIn(dir()))).rejects.toThrow(
      "Input 'bake-time': is for strategy canary or linear or blue-green, and strategy is rolling"
    )
  })
})

function contextIn(workspace: string) {
  return {
    repository: 'acme/shop',
    sha: '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f',
    actor: 'octocat',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    workspace,
    runUrl: 'https://github.com/acme/shop/actions/runs/7'
  }
}

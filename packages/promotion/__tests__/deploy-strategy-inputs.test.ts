import { describe, expect, test } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { useTempDir } from '../../../test/support/temp-dir.js'
import { readDeployInputs } from '../src/index.js'
import { CONTEXT, reader, refusal } from './inputs-helpers.js'

const read = (values: Record<string, string>, context = CONTEXT) =>
  readDeployInputs(reader({ cluster: 'shop', service: 'web', ...values }), context)

describe('deploy-fargate strategy inputs', () => {
  test('rolling by default: no progressive settings at all', async () => {
    expect((await read({})).progressive).toBeUndefined()
    expect(
      (await read({ strategy: 'rolling', 'canary-percent': '20%' })).progressive
    ).toBeUndefined()
  })

  test('a canary with the defaults: 10% for 5 minutes, 5 minutes bake, 5% errors, 20 requests', async () => {
    expect((await read({ strategy: 'canary' })).progressive).toEqual({
      settings: {
        kind: 'canary',
        canaryPercent: 10,
        canaryBakeMinutes: 5,
        stepPercent: 10,
        stepBakeMinutes: 5,
        bakeTimeMinutes: 5
      },
      thresholds: { maxErrorRate: 0.05, minRequests: 20 },
      pauses: 'continue-on-pass'
    })
  })

  test('every setting given', async () => {
    const inputs = await read({
      strategy: 'linear',
      'step-percent': '25%',
      'step-bake': '10m',
      'bake-time': '1h',
      'alternate-target-group': 'arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/g/1',
      'production-listener-rule':
        'arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/w/1/2/3',
      'infrastructure-role': 'arn:aws:iam::123456789012:role/ecs-lb',
      'max-error-rate': '0.5%',
      'max-latency-increase': '50',
      'min-requests': '100',
      pauses: 'wait'
    })
    expect(inputs.progressive).toEqual({
      settings: {
        kind: 'linear',
        canaryPercent: 10,
        canaryBakeMinutes: 5,
        stepPercent: 25,
        stepBakeMinutes: 10,
        bakeTimeMinutes: 60,
        alternateTargetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/g/1',
        productionListenerRuleArn:
          'arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/w/1/2/3',
        roleArn: 'arn:aws:iam::123456789012:role/ecs-lb'
      },
      thresholds: { maxErrorRate: 0.005, maxLatencyIncreasePercent: 50, minRequests: 100 },
      pauses: 'wait'
    })
  })

  test('every bad setting is reported at once, each with its input and the expected form', async () => {
    const message = await refusal(() =>
      read({
        strategy: 'canary',
        'canary-percent': 'ten',
        'canary-bake': '90s',
        'max-error-rate': '120%',
        'min-requests': '0',
        pauses: 'sometimes'
      })
    )
    expect(message).toContain("Input 'canary-percent': 'ten' is not a percentage from 0.1 to 100")
    expect(message).toContain("Input 'canary-bake': '90s' is not a whole number of minutes")
    expect(message).toContain("Input 'max-error-rate': '120%' is not a percentage from 0 to 100")
    expect(message).toContain("Input 'min-requests'")
    expect(message).toContain("Input 'pauses'")
    expect(message).toContain('continue-on-pass')
  })

  test('an unknown strategy names the four', async () => {
    const message = await refusal(() => read({ strategy: 'canery' }))
    expect(message).toContain("Input 'strategy'")
    expect(message).toContain('blue-green')
  })
})

describe('strategy settings from the config file', () => {
  const dir = useTempDir('strategy-config-')
  const FILE = `version: 1
environments:
  production:
    region: eu-west-1
    cluster: shop
    services: [{ name: web, containers: [web] }]
    strategy: canary
    canary-percent: 5
    canary-bake: 10m
    max-error-rate: 1%
    pauses: wait
`
  function workspace(): typeof CONTEXT {
    mkdirSync(join(dir(), '.github'), { recursive: true })
    writeFileSync(join(dir(), '.github/fargate-promote.yml'), FILE)
    return { ...CONTEXT, workspace: dir() }
  }

  test("the environment's strategy is read, an input wins over it", async () => {
    const context = workspace()
    const fromFile = await readDeployInputs(reader({ environment: 'production' }), context)
    expect(fromFile.progressive).toMatchObject({
      settings: { kind: 'canary', canaryPercent: 5, canaryBakeMinutes: 10 },
      thresholds: { maxErrorRate: 0.01 },
      pauses: 'wait'
    })
    const given = await readDeployInputs(
      reader({ environment: 'production', 'canary-percent': '20%' }),
      context
    )
    expect(given.progressive?.settings.canaryPercent).toBe(20)
  })

  test("a bad value in the file names the file's line", async () => {
    const context = workspace()
    writeFileSync(
      join(dir(), '.github/fargate-promote.yml'),
      FILE.replace('canary-bake: 10m', 'canary-bake: 90s')
    )
    const message = await refusal(() =>
      readDeployInputs(reader({ environment: 'production' }), context)
    )
    expect(message).toContain('.github/fargate-promote.yml')
    expect(message).toContain('line 9')
    expect(message).toContain('not a whole number of minutes')
  })
})

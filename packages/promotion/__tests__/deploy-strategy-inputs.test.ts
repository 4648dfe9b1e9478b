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
    expect((await read({ strategy: 'rolling' })).progressive).toBeUndefined()
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
      pauses: 'continue-on-pass',
      // CloudWatch's ALB minutes are read a minute after they end.
      metricsDelayMs: 60_000
    })
  })

  test('every setting given', async () => {
    const inputs = await read({
      strategy: 'linear',
      timeout: '2h',
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
      pauses: 'wait',
      'metrics-delay': '0s'
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
      pauses: 'wait',
      metricsDelayMs: 0
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

  test('pauses: stages (lines or commas), a timeout and its action; none removes them', async () => {
    const inputs = await read({
      strategy: 'canary',
      'pause-at': 'POST_SCALE_UP, PRE_PRODUCTION_TRAFFIC_SHIFT\nPOST_SCALE_UP',
      'pause-timeout': '2h',
      'pause-timeout-action': 'continue'
    })
    expect(inputs.progressive?.settings).toMatchObject({
      pauseStages: ['POST_SCALE_UP', 'PRE_PRODUCTION_TRAFFIC_SHIFT'],
      pauseTimeoutMinutes: 120,
      pauseTimeoutAction: 'CONTINUE'
    })
    const none = await read({ strategy: 'canary', 'pause-at': 'none' })
    expect(none.progressive?.settings.pauseStages).toEqual([])
  })

  test('bad pause settings are named with the stages a PAUSE hook can hold', async () => {
    const message = await refusal(() =>
      read({
        strategy: 'canary',
        'pause-at': 'PRODUCTION_TRAFFIC_SHIFT,BAKE',
        'pause-timeout': '0m',
        'pause-timeout-action': 'skip'
      })
    )
    expect(message).toContain(
      "Input 'pause-at': 'PRODUCTION_TRAFFIC_SHIFT', 'BAKE' are not stages a PAUSE hook can hold. Give some of RECONCILE_SERVICE,"
    )
    expect(message).toContain("Input 'pause-timeout-action'")
  })

  test('test-url is blue-green only; with it the test traffic is checked for test-duration', async () => {
    const inputs = await read({
      strategy: 'blue-green',
      'test-url': 'http://alb.example.com:8080/health',
      'test-duration': '2m'
    })
    expect(inputs.progressive?.settings.verifyTestTraffic).toBe(true)
    expect(inputs.testTraffic).toMatchObject({
      durationMs: 120_000,
      check: { type: 'http', url: 'http://alb.example.com:8080/health', name: 'test traffic' }
    })
    const message = await refusal(() =>
      read({ strategy: 'canary', 'test-url': 'http://alb.example.com:8080/health' })
    )
    expect(message).toContain(
      "Input 'test-url': is for strategy blue-green (checks through the test listener before production traffic moves), and strategy is canary."
    )
    expect(await refusal(() => read({ strategy: 'blue-green', 'test-url': 'ftp://x/' }))).toContain(
      "Input 'test-url': 'ftp://x/' uses 'ftp:'"
    )
  })

  test('a setting of another strategy is refused, naming it: a rolling deploy has no bake to time', async () => {
    const rolling = await refusal(() =>
      read({ 'bake-time': '5m', 'max-error-rate': '2%', 'canary-percent': '10%' })
    )
    expect(rolling).toContain(
      "Input 'bake-time': is for strategy canary or linear or blue-green, and strategy is rolling: ECS replaces the tasks with no bake and no traffic steps, so nothing would use it. Remove it, or set strategy to canary."
    )
    expect(rolling).toContain(
      "Input 'max-error-rate': is for strategy canary or linear or blue-green"
    )
    expect(rolling).toContain(
      "Input 'canary-percent': is for strategy canary, and strategy is rolling"
    )
    const linear = await refusal(() =>
      read({ strategy: 'linear', 'canary-bake': '10m', 'step-bake': '5m' })
    )
    expect(linear).toContain(
      "Input 'canary-bake': is for strategy canary, and strategy is linear. Remove it, or set strategy to canary."
    )
    expect(linear).not.toContain("'step-bake'")
    expect(await refusal(() => read({ strategy: 'blue-green', 'step-percent': '20%' }))).toContain(
      "Input 'step-percent': is for strategy linear, and strategy is blue-green."
    )
  })

  test('absolute p99 and error-rate increase thresholds', async () => {
    const inputs = await read({
      strategy: 'canary',
      'max-p99-latency': '800ms',
      'max-error-rate-increase': '1%'
    })
    expect(inputs.progressive?.thresholds).toEqual({
      maxErrorRate: 0.05,
      minRequests: 20,
      maxLatencyMs: 800,
      maxErrorRateIncrease: 0.01
    })
    const message = await refusal(() => read({ strategy: 'canary', 'max-p99-latency': '800' }))
    expect(message).toContain("Input 'max-p99-latency'")
  })

  test('refused before any change: resume with dry-run, test-url without wait, a timeout shorter than the bakes', async () => {
    expect(await refusal(() => read({ resume: 'abort', 'dry-run': 'true' }))).toContain(
      "Input 'dry-run': is true with 'resume', which acts on the paused deployment; a dry run cannot."
    )
    expect(
      await refusal(() =>
        read({ strategy: 'blue-green', 'test-url': 'http://alb:8080/health', wait: 'false' })
      )
    ).toContain("Input 'wait': is false with 'test-url'")
    expect(await refusal(() => read({ strategy: 'linear' }))).toContain(
      "Input 'timeout': is 30m, shorter than the linear deployment takes: 9 × 5m step-bake + 5m bake-time + 5m to start the new tasks = 55m. Give a timeout of at least 55m, or shorter bakes."
    )
    // A deploy that pauses before its bakes ends at the pause: its timeout is not the bakes'.
    const paused = await read({
      strategy: 'linear',
      'pause-at': 'PRE_PRODUCTION_TRAFFIC_SHIFT',
      pauses: 'wait'
    })
    expect(paused.progressive?.settings.kind).toBe('linear')
    expect(
      await refusal(() =>
        read({ strategy: 'blue-green', 'test-url': 'http://a/', 'test-duration': '45m' })
      )
    ).toContain("Input 'test-duration'")
  })

  test('a canary or linear step too short to be judged is refused, naming the bake and metrics-delay', async () => {
    expect(await refusal(() => read({ strategy: 'canary', 'canary-bake': '2m' }))).toContain(
      "Input 'canary-bake': is 2m, too short to judge each canary step: a verdict needs a whole minute of metrics (up to 2m after the traffic moved), read metrics-delay (60s) after it ends — at least 3m."
    )
    expect(
      await refusal(() => read({ strategy: 'linear', 'step-bake': '1m', timeout: '2h' }))
    ).toContain("Input 'step-bake': is 1m, too short to judge each linear step")
    const prompt = await read({ strategy: 'canary', 'canary-bake': '2m', 'metrics-delay': '0s' })
    expect(prompt.progressive?.settings.canaryBakeMinutes).toBe(2)
  })

  test('strategy rolling given switches a shifting service; the default does not', async () => {
    expect((await read({ strategy: 'rolling' })).switchToRolling).toBe(true)
    expect((await read({})).switchToRolling).toBeUndefined()
  })

  test('resume: continue or abort with the thresholds, and nothing of a new deployment', async () => {
    const inputs = await read(
      { resume: 'abort', 'max-error-rate': '1%' },
      { ...CONTEXT, actor: 'alice' }
    )
    expect(inputs.resume).toEqual({
      action: 'abort',
      thresholds: { maxErrorRate: 0.01, minRequests: 20 },
      pauses: 'continue-on-pass',
      metricsDelayMs: 60_000
    })
    expect(inputs.actor).toBe('alice')
    const message = await refusal(() =>
      read({ resume: 'continue', images: 'web=nginx:1.27', 'task-definition-arn': 'web:3' })
    )
    expect(message).toContain(
      "Input 'images': was given with 'resume', which continues or aborts the deployment already paused and deploys nothing new."
    )
    expect(message).toContain("Input 'task-definition-arn': was given with 'resume'")
    expect(await refusal(() => read({ resume: 'stop' }))).toContain("Input 'resume'")
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

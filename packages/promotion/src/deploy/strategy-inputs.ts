import {
  ConfigurationError,
  quoteValue,
  SettingProblems,
  type InputReader
} from '@fargate-promote/common'
import type {
  PauseStage,
  ProgressiveOptions,
  ResumeAction,
  StrategyKind,
  StrategySettings
} from '@fargate-promote/ecs'
import { httpShorthand } from '@fargate-promote/health'
import type { TestTrafficOptions } from './test-traffic.js'

/*
 * The ECS-native strategy settings (issue 17): inputs of deploy-fargate and the same keys per
 * environment in the config file. Defaults live here, not in action.yml, so the file's values
 * are read when the workflow leaves an input empty.
 */

const STRATEGIES: readonly StrategyKind[] = ['rolling', 'canary', 'linear', 'blue-green']
const PAUSES = ['continue-on-pass', 'wait'] as const
const RESUME: readonly ResumeAction[] = ['continue', 'abort']
/** The stages a PAUSE hook may hold (not TEST_TRAFFIC_SHIFT nor PRODUCTION_TRAFFIC_SHIFT). */
const PAUSE_STAGES: readonly PauseStage[] = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT'
]
const MINUTE_MS = 60_000
/** Bake times: whole minutes, 0 to 1440 (ECS's range). */
const MAX_BAKE_MS = 1440 * MINUTE_MS
const PERCENT = /^(\d+(?:\.\d+)?)\s*%?$/

/** `10`, `10%`, `0.5%`: a number of percent within [min, max]. */
function readPercent(
  inputs: InputReader,
  name: string,
  range: { min: number; max: number; defaultValue?: number }
): number | undefined {
  const text = inputs.optional(name)
  if (text === undefined) return range.defaultValue
  const value = Number(PERCENT.exec(text)?.[1])
  if (!Number.isNaN(value) && value >= range.min && value <= range.max) return value
  throw new ConfigurationError(
    `${quoteValue(text)} is not a percentage from ${range.min} to ${range.max}. Give e.g. 10%.`,
    inputs.subjectOf(name)
  )
}

/** A bake time such as `5m` or `1h`, in whole minutes from 0 to 1440. */
function readMinutes(inputs: InputReader, name: string, defaultValue: string): number {
  const ms = inputs.duration(name, { defaultValue, min: 0, max: MAX_BAKE_MS })
  if (ms % MINUTE_MS === 0) return ms / MINUTE_MS
  throw new ConfigurationError(
    `${quoteValue(inputs.optional(name) ?? defaultValue)} is not a whole number of minutes; ECS bakes in minutes. Give e.g. 5m.`,
    inputs.subjectOf(name)
  )
}

/** The ARNs, as given: their shapes and the service's own are checked by missingForStrategy. */
function readAdvanced(inputs: InputReader): Partial<StrategySettings> {
  const advanced = {
    alternateTargetGroupArn: inputs.optional('alternate-target-group'),
    productionListenerRuleArn: inputs.optional('production-listener-rule'),
    testListenerRuleArn: inputs.optional('test-listener-rule'),
    roleArn: inputs.optional('infrastructure-role')
  }
  return Object.fromEntries(Object.entries(advanced).filter(([, value]) => value !== undefined))
}

/** `pause-at`: lifecycle stages, one per line or comma-separated; `none` removes the pauses. */
function readPauseStages(inputs: InputReader): PauseStage[] | undefined {
  const given = inputs.list('pause-at').flatMap(line => line.split(','))
  const stages = given.map(stage => stage.trim()).filter(stage => stage !== '')
  if (stages.length === 0) return undefined
  if (stages.length === 1 && stages[0] === 'none') return []
  const wrong = stages.filter(stage => !(PAUSE_STAGES as readonly string[]).includes(stage))
  if (wrong.length === 0) return [...new Set(stages)] as PauseStage[]
  throw new ConfigurationError(
    `${wrong.map(quoteValue).join(', ')} ${wrong.length > 1 ? 'are not stages' : 'is not a stage'} a PAUSE hook can hold. Give some of ${PAUSE_STAGES.join(', ')}, or none.`,
    inputs.subjectOf('pause-at')
  )
}

/** `test-url` and `test-duration`: blue/green's checks through the test listener. */
function readTestTraffic(inputs: InputReader): TestTrafficOptions | undefined {
  const url = inputs.url('test-url')
  // At most half the verification hook's 60-minute timeout, which rolls the deployment back.
  const durationMs = inputs.duration('test-duration', {
    defaultValue: '1m',
    min: 10_000,
    max: 30 * MINUTE_MS
  })
  if (url === undefined) return undefined
  try {
    return { check: httpShorthand({ url, name: 'test traffic' }), durationMs }
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    throw new ConfigurationError(error.problem, inputs.subjectOf('test-url'))
  }
}

/** What a deploy's strategy inputs ask for. */
export interface StrategyInputs {
  /** A traffic-shifting strategy; absent for rolling. */
  progressive?: ProgressiveOptions
  /** `strategy: rolling` was given (a shifting service is switched, not refused). */
  switchToRolling: boolean
  /** Blue/green's test-traffic verification. */
  testTraffic?: TestTrafficOptions
  /** A later run's answer to a paused deployment, instead of a new deployment. */
  resume?: {
    action: ResumeAction
    thresholds: ProgressiveOptions['thresholds']
    pauses: ProgressiveOptions['pauses']
    metricsDelayMs: number
  }
}

function readValues(inputs: InputReader, problems: SettingProblems) {
  const read = <T>(fn: () => T) => problems.read(fn)
  return problems.finish({
    kind: read(() => inputs.choice('strategy', STRATEGIES, 'rolling')),
    canaryPercent: read(() =>
      readPercent(inputs, 'canary-percent', { min: 0.1, max: 100, defaultValue: 10 })
    ),
    stepPercent: read(() =>
      readPercent(inputs, 'step-percent', { min: 3, max: 100, defaultValue: 10 })
    ),
    canaryBakeMinutes: read(() => readMinutes(inputs, 'canary-bake', '5m')),
    stepBakeMinutes: read(() => readMinutes(inputs, 'step-bake', '5m')),
    bakeTimeMinutes: read(() => readMinutes(inputs, 'bake-time', '5m')),
    pauses: read(() => inputs.choice('pauses', PAUSES, 'continue-on-pass')),
    pauseStages: read(() => readPauseStages(inputs)),
    pauseTimeout: read(() =>
      inputs.optional('pause-timeout') === undefined
        ? undefined
        : readMinutes(inputs, 'pause-timeout', '1440m')
    ),
    pauseTimeoutAction: read(() =>
      inputs.optional('pause-timeout-action') === undefined
        ? undefined
        : inputs.choice('pause-timeout-action', ['continue', 'rollback'] as const)
    ),
    testTraffic: read(() => readTestTraffic(inputs)),
    resume: read(() =>
      inputs.optional('resume') === undefined ? undefined : inputs.choice('resume', RESUME)
    ),
    maxError: read(() =>
      readPercent(inputs, 'max-error-rate', { min: 0, max: 100, defaultValue: 5 })
    ),
    latency: read(() => readPercent(inputs, 'max-latency-increase', { min: 0, max: 10_000 })),
    errorIncrease: read(() => readPercent(inputs, 'max-error-rate-increase', { min: 0, max: 100 })),
    p99: read(() => inputs.optionalDuration('max-p99-latency', { min: 1, max: 600_000 })),
    metricsDelay: read(() =>
      inputs.duration('metrics-delay', { defaultValue: '1m', min: 0, max: 10 * MINUTE_MS })
    ),
    minRequests: read(() =>
      inputs.integer('min-requests', { min: 1, max: 1_000_000, defaultValue: 20 })
    )
  })
}

type Values = ReturnType<typeof readValues>

/**
 * Which strategies each setting means something for. A setting given for another strategy is
 * refused rather than ignored: `bake-time: 5m` on a rolling deploy would read as a bake that
 * never happens (ECS bakes only a shifting deployment), and a threshold as a judgement nobody
 * makes.
 */
const SHIFTING = ['canary', 'linear', 'blue-green'] as const
const STRATEGIES_OF: Record<string, readonly string[]> = {
  'canary-percent': ['canary'],
  'canary-bake': ['canary'],
  'step-percent': ['linear'],
  'step-bake': ['linear'],
  'bake-time': SHIFTING,
  'max-error-rate': SHIFTING,
  'max-error-rate-increase': SHIFTING,
  'max-latency-increase': SHIFTING,
  'max-p99-latency': SHIFTING,
  'min-requests': SHIFTING,
  'metrics-delay': SHIFTING,
  pauses: SHIFTING,
  'pause-at': SHIFTING,
  'pause-timeout': SHIFTING,
  'pause-timeout-action': SHIFTING
}

function wrongStrategy(inputs: InputReader, kind: string): ConfigurationError[] {
  // A workflow's `strategy` over the config file's (`strategy: rolling` to switch a canary
  // environment back) leaves the file's settings of the file's strategy behind: not refused.
  const strategyInput =
    inputs.optional('strategy') !== undefined && inputs.subjectOf('strategy').file === undefined
  return Object.entries(STRATEGIES_OF).flatMap(([name, kinds]) => {
    if (kinds.includes(kind) || inputs.optional(name) === undefined) return []
    if (strategyInput && inputs.subjectOf(name).file !== undefined) return []
    const what =
      kind === 'rolling'
        ? 'strategy is rolling: ECS replaces the tasks with no bake and no traffic steps, so nothing would use it'
        : `strategy is ${kind}`
    return [
      new ConfigurationError(
        `is for strategy ${kinds.join(' or ')}, and ${what}. Remove it, or set strategy to ${kinds[0]}.`,
        inputs.subjectOf(name)
      )
    ]
  })
}

/** Settings that only mean something for some strategies, given for another: each named. */
function misplaced(inputs: InputReader, values: Values): ConfigurationError[] {
  // A resume judges the paused deployment, whatever strategy started it.
  const errors = values.resume === undefined ? wrongStrategy(inputs, values.kind) : []
  if (values.testTraffic !== undefined && values.kind !== 'blue-green') {
    errors.push(
      new ConfigurationError(
        `is for strategy blue-green (checks through the test listener before production traffic moves), and strategy is ${values.kind}. Remove it, or set strategy to blue-green.`,
        inputs.subjectOf('test-url')
      )
    )
  }
  if (values.pauseTimeout === 0) {
    errors.push(
      new ConfigurationError(
        'is 0; a PAUSE hook waits 1 to 1440 minutes before its timeout action. Give e.g. 60m.',
        inputs.subjectOf('pause-timeout')
      )
    )
  }
  return errors
}

function settingsOf(inputs: InputReader, values: Values): StrategySettings {
  return {
    kind: values.kind,
    canaryPercent: values.canaryPercent as number,
    canaryBakeMinutes: values.canaryBakeMinutes,
    stepPercent: values.stepPercent as number,
    stepBakeMinutes: values.stepBakeMinutes,
    bakeTimeMinutes: values.bakeTimeMinutes,
    ...readAdvanced(inputs),
    ...(values.pauseStages !== undefined && { pauseStages: values.pauseStages }),
    ...(values.pauseTimeout !== undefined && { pauseTimeoutMinutes: values.pauseTimeout }),
    ...(values.pauseTimeoutAction !== undefined && {
      pauseTimeoutAction: values.pauseTimeoutAction === 'continue' ? 'CONTINUE' : 'ROLLBACK'
    }),
    ...(values.testTraffic !== undefined && { verifyTestTraffic: true })
  }
}

/**
 * The strategy settings. Every bad setting is reported together (a ConfigurationErrors). What
 * the service already has is checked against the described service (missingForStrategy),
 * before any change.
 */
export function readStrategy(inputs: InputReader): StrategyInputs {
  const problems = new SettingProblems()
  const values = readValues(inputs, problems)
  const wrong = misplaced(inputs, values)
  if (wrong.length > 0) {
    const again = new SettingProblems()
    for (const error of wrong) again.add(error)
    again.throwIfAny()
  }
  const thresholds = {
    maxErrorRate: (values.maxError as number) / 100,
    minRequests: values.minRequests,
    ...(values.latency !== undefined && { maxLatencyIncreasePercent: values.latency }),
    ...(values.errorIncrease !== undefined && { maxErrorRateIncrease: values.errorIncrease / 100 }),
    ...(values.p99 !== undefined && { maxLatencyMs: values.p99 })
  }
  const kind = inputs.optional('strategy')
  return {
    switchToRolling: kind === 'rolling',
    ...(values.kind !== 'rolling' && {
      progressive: {
        settings: settingsOf(inputs, values),
        thresholds,
        pauses: values.pauses,
        metricsDelayMs: values.metricsDelay
      }
    }),
    ...(values.testTraffic !== undefined && { testTraffic: values.testTraffic }),
    ...(values.resume !== undefined && {
      resume: {
        action: values.resume,
        thresholds,
        pauses: values.pauses,
        metricsDelayMs: values.metricsDelay
      }
    })
  }
}

/** Minutes a deployment of `settings` takes at least, with a margin for the new tasks to start. */
function minutesNeeded(settings: StrategySettings, testTraffic?: TestTrafficOptions): string[] {
  const parts: string[] = []
  if (settings.kind === 'canary') parts.push(`${settings.canaryBakeMinutes}m canary-bake`)
  if (settings.kind === 'linear') {
    const bakes = Math.ceil(100 / settings.stepPercent) - 1
    parts.push(`${bakes} × ${settings.stepBakeMinutes}m step-bake`)
  }
  if (testTraffic !== undefined) parts.push(`${testTraffic.durationMs / MINUTE_MS}m test-duration`)
  parts.push(
    `${settings.bakeTimeMinutes}m bake-time`,
    `${START_MARGIN_MINUTES}m to start the new tasks`
  )
  return parts
}

const START_MARGIN_MINUTES = 5

function neededMs(settings: StrategySettings, testTraffic?: TestTrafficOptions): number {
  const steps =
    settings.kind === 'canary'
      ? settings.canaryBakeMinutes
      : settings.kind === 'linear'
        ? (Math.ceil(100 / settings.stepPercent) - 1) * settings.stepBakeMinutes
        : 0
  const minutes = steps + settings.bakeTimeMinutes + START_MARGIN_MINUTES
  return minutes * MINUTE_MS + (testTraffic?.durationMs ?? 0)
}

/**
 * A traffic step shorter than it takes to judge it would move on unjudged: a verdict needs a
 * whole minute of metrics (which may start up to a minute after the traffic moved), read
 * metrics-delay after that minute ends.
 */
function tooShortToJudge(
  inputs: InputReader,
  progressive: ProgressiveOptions
): ConfigurationError | undefined {
  const { settings } = progressive
  const name = settings.kind === 'canary' ? 'canary-bake' : 'step-bake'
  const bake = settings.kind === 'canary' ? settings.canaryBakeMinutes : settings.stepBakeMinutes
  if (settings.kind !== 'canary' && settings.kind !== 'linear') return undefined
  const delay = progressive.metricsDelayMs ?? 0
  const needed = 2 + Math.ceil(delay / MINUTE_MS)
  if (bake >= needed) return undefined
  return new ConfigurationError(
    `is ${bake}m, too short to judge each ${settings.kind} step: a verdict needs a whole minute of metrics (up to 2m after the traffic moved), read metrics-delay (${delay / 1000}s) after it ends — at least ${needed}m. Give ${name} ${needed}m or more, or a shorter metrics-delay where the metrics arrive sooner.`,
    inputs.subjectOf(name)
  )
}

/**
 * How the strategy fits the rest of the run, checked before any change: a resume is not a dry
 * run; the test-traffic verification needs the deploy to wait; the timeout must outlast the
 * bakes, or every deployment would be stopped and rolled back at its deadline.
 */
export function checkStrategyRun(
  inputs: InputReader,
  strategy: StrategyInputs,
  run: { timeoutMs: number; wait: boolean; dryRun: boolean }
): void {
  const problems = new SettingProblems()
  if (strategy.resume !== undefined && run.dryRun) {
    problems.add(
      new ConfigurationError(
        "is true with 'resume', which acts on the paused deployment; a dry run cannot. Remove one of them.",
        inputs.subjectOf('dry-run')
      )
    )
  }
  if (strategy.testTraffic !== undefined && !run.wait) {
    problems.add(
      new ConfigurationError(
        "is false with 'test-url': the deployment waits at POST_TEST_TRAFFIC_SHIFT for the verification this step runs, and without it rolls back after an hour. Keep wait true, or remove test-url.",
        inputs.subjectOf('wait')
      )
    )
  }
  const { progressive } = strategy
  if (progressive !== undefined && run.wait) {
    const short = tooShortToJudge(inputs, progressive)
    if (short !== undefined) problems.add(short)
  }
  const pausesFirst =
    progressive?.pauses === 'wait' && (progressive.settings.pauseStages ?? []).length > 0
  if (progressive !== undefined && run.wait && !pausesFirst) {
    const needed = neededMs(progressive.settings, strategy.testTraffic)
    if (run.timeoutMs < needed) {
      problems.add(
        new ConfigurationError(
          `is ${run.timeoutMs / MINUTE_MS}m, shorter than the ${progressive.settings.kind} deployment takes: ${minutesNeeded(progressive.settings, strategy.testTraffic).join(' + ')} = ${needed / MINUTE_MS}m. Give a timeout of at least ${Math.ceil(needed / MINUTE_MS)}m, or shorter bakes.`,
          inputs.subjectOf('timeout')
        )
      )
    }
  }
  problems.throwIfAny()
}

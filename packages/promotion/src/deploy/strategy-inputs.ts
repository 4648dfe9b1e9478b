import {
  ConfigurationError,
  quoteValue,
  SettingProblems,
  type InputReader
} from '@fargate-promote/common'
import type { ProgressiveOptions, StrategyKind, StrategySettings } from '@fargate-promote/ecs'

/*
 * The ECS-native strategy settings (issue 17): inputs of deploy-fargate and the same keys per
 * environment in the config file. Defaults live here, not in action.yml, so the file's values
 * are read when the workflow leaves an input empty.
 */

const STRATEGIES: readonly StrategyKind[] = ['rolling', 'canary', 'linear', 'blue-green']
const PAUSES = ['continue-on-pass', 'wait'] as const
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

/**
 * The strategy settings; undefined for rolling (the default). Every bad setting is reported
 * together (a ConfigurationErrors). What the service already has is checked against the
 * described service (missingForStrategy), before any change.
 */
export function readProgressive(inputs: InputReader): ProgressiveOptions | undefined {
  const problems = new SettingProblems()
  const read = <T>(fn: () => T) => problems.read(fn)
  const values = problems.finish({
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
    maxError: read(() =>
      readPercent(inputs, 'max-error-rate', { min: 0, max: 100, defaultValue: 5 })
    ),
    latency: read(() => readPercent(inputs, 'max-latency-increase', { min: 0, max: 10_000 })),
    minRequests: read(() =>
      inputs.integer('min-requests', { min: 1, max: 1_000_000, defaultValue: 20 })
    )
  })
  if (values.kind === 'rolling') return undefined
  return {
    settings: {
      kind: values.kind,
      canaryPercent: values.canaryPercent as number,
      canaryBakeMinutes: values.canaryBakeMinutes,
      stepPercent: values.stepPercent as number,
      stepBakeMinutes: values.stepBakeMinutes,
      bakeTimeMinutes: values.bakeTimeMinutes,
      ...readAdvanced(inputs)
    },
    thresholds: {
      maxErrorRate: (values.maxError as number) / 100,
      minRequests: values.minRequests,
      ...(values.latency !== undefined && { maxLatencyIncreasePercent: values.latency })
    },
    pauses: values.pauses
  }
}

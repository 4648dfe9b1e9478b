import {
  invalid,
  objectList,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  stringList,
  type Input
} from './input.js'
import type { AdvancedLbConfig, DeploymentConfig, LoadBalancerSpec } from './model.js'
import type { EcsStore } from './store.js'

/**
 * The members of `deploymentConfiguration` for ECS-native BLUE_GREEN, CANARY and LINEAR
 * deployments, and `loadBalancers[].advancedConfiguration`, read and checked as ECS does
 * (SDK d.ts DeploymentConfiguration, CanaryConfiguration, LinearConfiguration,
 * DeploymentLifecycleHook, AdvancedConfiguration; ECS-DG "Amazon ECS blue/green deployments",
 * "Amazon ECS canary deployments", "Amazon ECS linear deployments", "Lifecycle hooks for
 * Amazon ECS service deployments"). Messages marked GUESS are not verified against AWS.
 */

const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT'
] as const
const HOOK_TARGETS = ['AWS_LAMBDA', 'PAUSE'] as const
/** Bake times are 0 to 1440 minutes (SDK d.ts CanaryConfiguration, LinearConfiguration). */
const MAX_BAKE_MINUTES = 1440

/** A percentage that must be a multiple of 0.1 within [min, 100] (SDK d.ts). */
function percent(input: Input, name: string, min: number): number | undefined {
  const value = input[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(`${name} must be a number.`)
  const tenths = value * 10
  if (value < min || value > 100 || Math.abs(tenths - Math.round(tenths)) > 1e-6) {
    throw invalid(`${name} must be a multiple of 0.1 between ${min} and 100.0, got ${value}.`)
  }
  return Math.round(tenths) / 10
}

function bakeMinutes(input: Input, name: string): number | undefined {
  return optionalInteger(input, name, 0, MAX_BAKE_MINUTES)
}

function readHooks(input: Input): Record<string, unknown>[] | undefined {
  const hooks = objectList(input, 'lifecycleHooks')
  for (const hook of hooks ?? []) {
    const type = optionalEnum(hook, 'targetType', HOOK_TARGETS) ?? 'AWS_LAMBDA'
    const stages = stringList(hook, 'lifecycleStages')
    if (stages === undefined || stages.length === 0) {
      throw invalid('lifecycleStages must be specified for a deployment lifecycle hook.')
    }
    for (const stage of stages) optionalEnum({ stage }, 'stage', HOOK_STAGES)
    if (type === 'AWS_LAMBDA' && optionalString(hook, 'hookTargetArn') === undefined) {
      throw invalid('hookTargetArn must be specified for an AWS_LAMBDA lifecycle hook.')
    }
    // timeoutInMinutes defaults to 1440, action to ROLLBACK (SDK d.ts
    // DeploymentLifecycleHookTimeoutConfiguration). UNVERIFIED: the bounds; the sim takes 1–1440.
    const timeout = optionalObject(hook, 'timeoutConfiguration')
    if (timeout !== undefined) {
      optionalInteger(timeout, 'timeoutInMinutes', 1, MAX_BAKE_MINUTES)
      optionalEnum(timeout, 'action', ['CONTINUE', 'ROLLBACK'] as const)
    }
    // PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT (SDK d.ts).
    if (type === 'PAUSE' && stages.some(s => s === 'TEST_TRAFFIC_SHIFT' || s.startsWith('PROD'))) {
      throw invalid(
        'PAUSE lifecycle hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT.'
      )
    }
  }
  return hooks?.map(h => structuredClone(h))
}

/** Reads the strategy members of `input` into `result` (already a copy of the base config). */
export function readStrategyMembers(
  input: Input,
  strategy: DeploymentConfig['strategy'] | undefined,
  result: DeploymentConfig
): void {
  if (strategy !== undefined && strategy !== result.strategy) {
    // Switching strategy drops the other strategy's settings (GUESS: AWS keeps no stale ones).
    result.strategy = strategy
    delete result.canaryConfiguration
    delete result.linearConfiguration
  }
  result.bakeTimeInMinutes = bakeMinutes(input, 'bakeTimeInMinutes') ?? result.bakeTimeInMinutes
  if (input.lifecycleHooks !== undefined && input.lifecycleHooks !== null) {
    result.lifecycleHooks = readHooks(input)
  }
  const canary = optionalObject(input, 'canaryConfiguration')
  if (canary !== undefined) {
    // Defaults 5.0 % and 10 minutes (SDK d.ts CanaryConfiguration).
    result.canaryConfiguration = {
      canaryPercent: percent(canary, 'canaryPercent', 0.1) ?? 5,
      canaryBakeTimeInMinutes: bakeMinutes(canary, 'canaryBakeTimeInMinutes') ?? 10
    }
  }
  const linear = optionalObject(input, 'linearConfiguration')
  if (linear !== undefined) {
    // Defaults 10.0 % and 6 minutes (SDK d.ts LinearConfiguration).
    result.linearConfiguration = {
      stepPercent: percent(linear, 'stepPercent', 3) ?? 10,
      stepBakeTimeInMinutes: bakeMinutes(linear, 'stepBakeTimeInMinutes') ?? 6
    }
  }
  if (result.strategy === 'CANARY') {
    result.canaryConfiguration ??= { canaryPercent: 5, canaryBakeTimeInMinutes: 10 }
  }
  if (result.strategy === 'LINEAR') {
    result.linearConfiguration ??= { stepPercent: 10, stepBakeTimeInMinutes: 6 }
  }
}

/** `loadBalancers[].advancedConfiguration`; its target group and listener rule must exist. */
export function readAdvancedConfiguration(
  store: EcsStore,
  item: Input,
  targetGroupArn: string
): AdvancedLbConfig | undefined {
  const advanced = optionalObject(item, 'advancedConfiguration')
  if (advanced === undefined) return undefined
  const alternate = optionalString(advanced, 'alternateTargetGroupArn')
  const production = optionalString(advanced, 'productionListenerRule')
  const roleArn = optionalString(advanced, 'roleArn')
  // All three are needed to shift traffic (ECS-DG "Required resources for Amazon ECS
  // blue/green deployments"); the exact message is a GUESS.
  if (alternate === undefined || production === undefined || roleArn === undefined) {
    throw invalid(
      'advancedConfiguration requires alternateTargetGroupArn, productionListenerRule and roleArn.'
    )
  }
  if (alternate === targetGroupArn) {
    throw invalid('alternateTargetGroupArn must be different from targetGroupArn.')
  }
  const info = store.deps.elb.targetGroupInfo(alternate)
  if (info === undefined || info.loadBalancerArns.length === 0) {
    throw invalid(
      `The target group with targetGroupArn ${alternate} does not exist or does not have an associated load balancer.`
    )
  }
  const testRule = optionalString(advanced, 'testListenerRule')
  for (const rule of [production, testRule]) {
    if (rule === undefined) continue
    try {
      store.deps.elb.forwardWeights(rule)
    } catch {
      throw invalid(`The listener rule ${rule} does not exist or has no forward action.`)
    }
  }
  return {
    alternateTargetGroupArn: alternate,
    productionListenerRule: production,
    testListenerRule: testRule,
    roleArn
  }
}

/**
 * Cross-member rules, checked once the configuration and the load balancers are both known.
 * BLUE_GREEN needs bakeTimeInMinutes; canary/linear settings only with their strategy (SDK
 * d.ts DeploymentConfiguration). The sim shifts traffic only through a load balancer, so every
 * load balancer of a shifting service needs advancedConfiguration (AWS also allows Service
 * Connect or no load balancer: a sim limitation).
 */
export function checkStrategy(
  config: DeploymentConfig,
  loadBalancers: LoadBalancerSpec[],
  controller: string
): void {
  const strategy = config.strategy
  if (config.canaryConfiguration !== undefined && strategy !== 'CANARY') {
    throw invalid('canaryConfiguration is only valid when the deployment strategy is CANARY.')
  }
  if (config.linearConfiguration !== undefined && strategy !== 'LINEAR') {
    throw invalid('linearConfiguration is only valid when the deployment strategy is LINEAR.')
  }
  if (strategy === 'ROLLING') {
    // GUESS: hooks and advancedConfiguration belong to the traffic-shifting strategies.
    if ((config.lifecycleHooks ?? []).length > 0) {
      throw invalid(
        'lifecycleHooks are only supported with the BLUE_GREEN, CANARY and LINEAR strategies.'
      )
    }
    if (loadBalancers.some(lb => lb.advanced !== undefined)) {
      throw invalid(
        'advancedConfiguration is only supported with the BLUE_GREEN, CANARY and LINEAR strategies.'
      )
    }
    return
  }
  if (controller !== 'ECS') {
    throw invalid(`The ${strategy} deployment strategy requires the ECS deployment controller.`)
  }
  if (strategy === 'BLUE_GREEN' && config.bakeTimeInMinutes === undefined) {
    throw invalid('bakeTimeInMinutes must be specified for the BLUE_GREEN deployment strategy.')
  }
  if (loadBalancers.length === 0 || loadBalancers.some(lb => lb.advanced === undefined)) {
    throw invalid(
      `The ${strategy} deployment strategy requires advancedConfiguration on every load balancer ` +
        '(the fargate-promote simulator shifts traffic only through load balancers).'
    )
  }
}

import type {
  DeploymentConfiguration,
  DeploymentLifecycleHook,
  LoadBalancer
} from '@aws-sdk/client-ecs'

/**
 * The ECS-native deployment strategies (ECS-DG "Amazon ECS blue/green / canary / linear
 * deployments"): ECS itself shifts production traffic between the service's target group and
 * its alternate one through the production listener rule.
 */
export type StrategyKind = 'rolling' | 'canary' | 'linear' | 'blue-green'

/** Stages a PAUSE hook may hold (not TEST_TRAFFIC_SHIFT nor PRODUCTION_TRAFFIC_SHIFT: SDK d.ts). */
export type PauseStage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'POST_SCALE_UP'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRE_PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'

export interface StrategySettings {
  kind: StrategyKind
  /** Canary: share of production traffic in the canary step, 0.1–100 in steps of 0.1. */
  canaryPercent: number
  /** Canary: minutes at the canary step before the rest moves, 0–1440. */
  canaryBakeMinutes: number
  /** Linear: share moved per step, 3–100 in steps of 0.1. */
  stepPercent: number
  /** Linear: minutes after each step, 0–1440. */
  stepBakeMinutes: number
  /** Minutes both revisions keep running once all production traffic has moved, 0–1440. */
  bakeTimeMinutes: number
  /** The target group the new revision is registered in; the service's own one when omitted. */
  alternateTargetGroupArn?: string
  /** The production listener rule (or listener) ECS moves weights on; the service's when omitted. */
  productionListenerRuleArn?: string
  /** The test listener rule (blue/green test traffic); the service's when omitted. */
  testListenerRuleArn?: string
  /** The role that lets ECS modify the listener rules; the service's when omitted. */
  roleArn?: string
  /**
   * Stages at which the deployment waits for ContinueServiceDeployment (PAUSE hooks). When set,
   * it replaces the service's PAUSE hooks (an empty list removes them); other hooks are kept.
   */
  pauseStages?: PauseStage[]
  /** Minutes a PAUSE hook waits before its timeout action (1–1440; ECS default 1440). */
  pauseTimeoutMinutes?: number
  /** What ECS does when a PAUSE hook times out (ECS default ROLLBACK). */
  pauseTimeoutAction?: 'CONTINUE' | 'ROLLBACK'
  /** Blue/green: test-listener checks before production traffic moves (needs a test rule). */
  verifyTestTraffic?: boolean
}

const ECS_STRATEGY = {
  rolling: 'ROLLING',
  canary: 'CANARY',
  linear: 'LINEAR',
  'blue-green': 'BLUE_GREEN'
} as const

/** True for the strategies in which ECS shifts traffic between two target groups. */
export function shiftsTraffic(kind: StrategyKind): boolean {
  return kind !== 'rolling'
}

function pauseHooks(settings: StrategySettings, stages: PauseStage[]): DeploymentLifecycleHook[] {
  if (stages.length === 0) return []
  const hook: DeploymentLifecycleHook = { targetType: 'PAUSE', lifecycleStages: [...stages] }
  if (settings.pauseTimeoutMinutes !== undefined || settings.pauseTimeoutAction !== undefined) {
    hook.timeoutConfiguration = {
      timeoutInMinutes: settings.pauseTimeoutMinutes,
      action: settings.pauseTimeoutAction
    }
  }
  return [hook]
}

/**
 * The service's `deploymentConfiguration` for `settings`, starting from its current one (its
 * circuit breaker, alarms and percentages are kept). Undefined when nothing needs to change:
 * a rolling deployment of a service that already rolls, so the default sends nothing new.
 * Switching back to rolling drops the shifting strategies' members, which ECS accepts only with
 * them.
 */
export function deploymentConfigurationFor(
  settings: StrategySettings,
  current: DeploymentConfiguration = {}
): DeploymentConfiguration | undefined {
  const {
    canaryConfiguration: _canary,
    linearConfiguration: _linear,
    lifecycleHooks,
    bakeTimeInMinutes: _bake,
    ...kept
  } = current
  if (!shiftsTraffic(settings.kind)) {
    if (current.strategy === undefined || current.strategy === 'ROLLING') return undefined
    // Lifecycle hooks belong to the shifting strategies: ECS refuses them with ROLLING, and an
    // omitted list would keep them.
    const hooks = lifecycleHooks !== undefined && lifecycleHooks.length > 0
    return { ...kept, strategy: 'ROLLING', ...(hooks && { lifecycleHooks: [] }) }
  }
  const result: DeploymentConfiguration = {
    ...kept,
    strategy: ECS_STRATEGY[settings.kind],
    bakeTimeInMinutes: settings.bakeTimeMinutes
  }
  if (settings.kind === 'canary') {
    result.canaryConfiguration = {
      canaryPercent: settings.canaryPercent,
      canaryBakeTimeInMinutes: settings.canaryBakeMinutes
    }
  }
  if (settings.kind === 'linear') {
    result.linearConfiguration = {
      stepPercent: settings.stepPercent,
      stepBakeTimeInMinutes: settings.stepBakeMinutes
    }
  }
  const hooks = hooksFor(settings, lifecycleHooks)
  if (hooks !== undefined) result.lifecycleHooks = hooks
  return result
}

const TEST_STAGE = 'POST_TEST_TRAFFIC_SHIFT'
const VERIFICATION_TIMEOUT = { timeoutInMinutes: 60, action: 'ROLLBACK' } as const

/**
 * The PAUSE hook an earlier run added for its verification, recognised by its exact shape: it
 * is this run's to keep or drop, not a pause the service asked for.
 */
function isVerificationHook(hook: DeploymentLifecycleHook): boolean {
  const timeout = hook.timeoutConfiguration
  return (
    hook.targetType === 'PAUSE' &&
    hook.lifecycleStages?.length === 1 &&
    hook.lifecycleStages[0] === TEST_STAGE &&
    timeout?.timeoutInMinutes === VERIFICATION_TIMEOUT.timeoutInMinutes &&
    timeout.action === VERIFICATION_TIMEOUT.action
  )
}

function pauses(hooks: DeploymentLifecycleHook[] | undefined, stage: string): boolean {
  return (hooks ?? []).some(
    h => h.targetType === 'PAUSE' && (h.lifecycleStages as string[] | undefined)?.includes(stage)
  )
}

/**
 * The stages whose PAUSE hook exists only for the test-traffic verification (blue/green with
 * test checks): neither `pauseStages` nor the service's own hooks pause there. The follower
 * continues these once the verification passed.
 */
export function verificationStagesFor(
  settings: StrategySettings,
  current: DeploymentLifecycleHook[] | undefined
): string[] {
  if (settings.kind !== 'blue-green' || settings.verifyTestTraffic !== true) return []
  const asked =
    settings.pauseStages === undefined
      ? pauses(
          current?.filter(h => !isVerificationHook(h)),
          TEST_STAGE
        )
      : settings.pauseStages.includes(TEST_STAGE)
  return asked ? [] : [TEST_STAGE]
}

/**
 * The stages at which the service's hooks pause only for a test-traffic verification (an
 * earlier deploy added them): a resumed deployment must verify there, not continue unjudged.
 */
export function verificationStagesOn(hooks: DeploymentLifecycleHook[] | undefined): string[] {
  if (!(hooks ?? []).some(isVerificationHook)) return []
  return pauses(
    hooks?.filter(h => !isVerificationHook(h)),
    TEST_STAGE
  )
    ? []
    : [TEST_STAGE]
}

/**
 * The lifecycle hooks: the service's, its PAUSE hooks replaced by `pauseStages` when given, and
 * a PAUSE hook at POST_TEST_TRAFFIC_SHIFT for the test-traffic verification (timing out to a
 * rollback after an hour, so a runner that died leaves no deployment waiting a day).
 */
function hooksFor(
  settings: StrategySettings,
  given: DeploymentLifecycleHook[] | undefined
): DeploymentLifecycleHook[] | undefined {
  const current = given?.filter(h => !isVerificationHook(h))
  const others = (current ?? []).filter(h => h.targetType !== 'PAUSE')
  const hooks =
    settings.pauseStages === undefined
      ? current?.map(h => structuredClone(h))
      : [...others.map(h => structuredClone(h)), ...pauseHooks(settings, settings.pauseStages)]
  if (verificationStagesFor(settings, current).length === 0) return hooks
  const verification: DeploymentLifecycleHook = {
    targetType: 'PAUSE',
    lifecycleStages: [TEST_STAGE],
    timeoutConfiguration: { ...VERIFICATION_TIMEOUT }
  }
  return [...(hooks ?? []), verification]
}

/**
 * The service's `loadBalancers` with `advancedConfiguration` for `settings` on its first target
 * group (the one the settings describe; others keep theirs), or without it for rolling.
 * Undefined when nothing changes, so an UpdateService leaves the load balancers alone.
 */
export function loadBalancersFor(
  settings: StrategySettings,
  current: LoadBalancer[] = []
): LoadBalancer[] | undefined {
  if (!shiftsTraffic(settings.kind)) {
    if (!current.some(lb => lb.advancedConfiguration !== undefined)) return undefined
    return current.map(({ advancedConfiguration: _advanced, ...lb }) => ({ ...lb }))
  }
  const index = current.findIndex(lb => lb.targetGroupArn !== undefined)
  const first = current[index]
  if (first === undefined) return undefined
  const before = first.advancedConfiguration ?? {}
  const advanced = {
    alternateTargetGroupArn: settings.alternateTargetGroupArn ?? before.alternateTargetGroupArn,
    productionListenerRule: settings.productionListenerRuleArn ?? before.productionListenerRule,
    testListenerRule: settings.testListenerRuleArn ?? before.testListenerRule,
    roleArn: settings.roleArn ?? before.roleArn
  }
  const same = (Object.keys(advanced) as (keyof typeof advanced)[]).every(
    key => advanced[key] === before[key]
  )
  if (same) return undefined
  if (advanced.testListenerRule === undefined) delete advanced.testListenerRule
  return current.map((lb, i) =>
    i === index ? { ...lb, advancedConfiguration: advanced } : structuredClone(lb)
  )
}

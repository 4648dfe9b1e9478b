import type { LoadBalancer, Service } from '@aws-sdk/client-ecs'
import { shiftsTraffic, type StrategySettings } from './strategy.js'

/**
 * What a service lacks for a traffic-shifting strategy, found from DescribeServices before any
 * change, so a deployment can refuse with the whole list instead of failing half-way.
 */
export interface StrategyProblem {
  /** The setting to add or fix, as the user names it (action input / config key). */
  setting: string
  /** What is wrong, in one sentence. */
  problem: string
  /** A value of the right shape for `setting`. */
  example: string
}

/** The names the settings go by in the action inputs and the config file. */
export const STRATEGY_SETTING_NAMES = {
  kind: 'strategy',
  canaryPercent: 'canary-percent',
  canaryBakeMinutes: 'canary-bake',
  stepPercent: 'step-percent',
  stepBakeMinutes: 'step-bake',
  bakeTimeMinutes: 'bake-time',
  alternateTargetGroupArn: 'alternate-target-group',
  productionListenerRuleArn: 'production-listener-rule',
  testListenerRuleArn: 'test-listener-rule',
  roleArn: 'infrastructure-role',
  pauseTimeoutMinutes: 'pause-timeout'
} as const

const EXAMPLES = {
  alternateTargetGroupArn:
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/0123456789abcdef',
  productionListenerRuleArn:
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee',
  testListenerRuleArn:
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/0467ef3c8400ae65/1d2e3f4a5b6c7d8e',
  roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers'
} as const

/** Bake times are whole minutes, 0 to 1440 (SDK d.ts CanaryConfiguration, LinearConfiguration). */
const MAX_MINUTES = 1440

type Setting = keyof typeof STRATEGY_SETTING_NAMES

function problem(setting: Setting, text: string, example: string): StrategyProblem {
  return { setting: STRATEGY_SETTING_NAMES[setting], problem: text, example }
}

/** A multiple of 0.1 within [min, 100] (SDK d.ts), or the problem with it. */
function percentProblem(setting: Setting, value: number, min: number): StrategyProblem[] {
  const tenths = value * 10
  if (value >= min && value <= 100 && Math.abs(tenths - Math.round(tenths)) < 1e-6) return []
  const name = STRATEGY_SETTING_NAMES[setting]
  return [
    problem(setting, `${name} must be a multiple of 0.1 from ${min} to 100, got ${value}.`, '10')
  ]
}

function minutesProblem(setting: Setting, value: number, min = 0): StrategyProblem[] {
  if (Number.isInteger(value) && value >= min && value <= MAX_MINUTES) return []
  const name = STRATEGY_SETTING_NAMES[setting]
  const text = `${name} must be whole minutes from ${min} to ${MAX_MINUTES}, got ${value}.`
  return [problem(setting, text, '5')]
}

function rangeProblems(settings: StrategySettings): StrategyProblem[] {
  const found = minutesProblem('bakeTimeMinutes', settings.bakeTimeMinutes)
  if (settings.kind === 'canary') {
    found.push(...percentProblem('canaryPercent', settings.canaryPercent, 0.1))
    found.push(...minutesProblem('canaryBakeMinutes', settings.canaryBakeMinutes))
  }
  if (settings.kind === 'linear') {
    found.push(...percentProblem('stepPercent', settings.stepPercent, 3))
    found.push(...minutesProblem('stepBakeMinutes', settings.stepBakeMinutes))
  }
  if (settings.pauseTimeoutMinutes !== undefined) {
    found.push(...minutesProblem('pauseTimeoutMinutes', settings.pauseTimeoutMinutes, 1))
  }
  return found
}

/** One advanced setting: given, or already on the service; of the right ARN shape. */
function advancedProblem(
  setting: keyof typeof EXAMPLES,
  value: string | undefined,
  shape: RegExp,
  what: string
): StrategyProblem[] {
  const name = STRATEGY_SETTING_NAMES[setting]
  if (value === undefined || value === '') {
    return [
      problem(
        setting,
        `Neither the settings nor the service name ${what}: set ${name}.`,
        EXAMPLES[setting]
      )
    ]
  }
  if (shape.test(value)) return []
  return [
    problem(setting, `${name} must be the ARN of ${what}, got '${value}'.`, EXAMPLES[setting])
  ]
}

function loadBalancerProblems(settings: StrategySettings, lb: LoadBalancer): StrategyProblem[] {
  const before = lb.advancedConfiguration ?? {}
  const alternate = settings.alternateTargetGroupArn ?? before.alternateTargetGroupArn
  const found = [
    ...advancedProblem(
      'alternateTargetGroupArn',
      alternate,
      /^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:targetgroup\/[^/]+\/[^/]+$/,
      'an alternate target group for the new revision'
    ),
    ...advancedProblem(
      'productionListenerRuleArn',
      settings.productionListenerRuleArn ?? before.productionListenerRule,
      // Only an Application Load Balancer's target groups have the per-revision metrics judged.
      /^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:listener(-rule)?\/app\//,
      "an Application Load Balancer's production listener rule (or listener) to shift traffic on"
    ),
    ...advancedProblem(
      'roleArn',
      settings.roleArn ?? before.roleArn,
      /^arn:[^:]+:iam::[^:]*:role\/./,
      'an infrastructure role that lets ECS change the listener rules'
    )
  ]
  if (alternate !== undefined && alternate === lb.targetGroupArn) {
    const text = `${STRATEGY_SETTING_NAMES.alternateTargetGroupArn} must differ from the service's target group ${alternate}.`
    found.push(problem('alternateTargetGroupArn', text, EXAMPLES.alternateTargetGroupArn))
  }
  if (settings.kind === 'blue-green' && settings.verifyTestTraffic === true) {
    found.push(
      ...advancedProblem(
        'testListenerRuleArn',
        settings.testListenerRuleArn ?? before.testListenerRule,
        /^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:listener(-rule)?\//,
        'a test listener rule to verify the new revision on before production traffic moves'
      )
    )
  }
  return found
}

/**
 * Everything `service` (from DescribeServices) lacks for `settings`, each naming the setting to
 * add and an example; empty when the deployment can go ahead (always for rolling). The settings
 * describe the service's first target group; any other load balancer must already carry its
 * own advancedConfiguration.
 */
export function missingForStrategy(
  service: Service,
  settings: StrategySettings
): StrategyProblem[] {
  if (!shiftsTraffic(settings.kind)) return []
  const found = rangeProblems(settings)
  const kind = STRATEGY_SETTING_NAMES.kind
  const controller = service.deploymentController?.type ?? 'ECS'
  if (controller !== 'ECS') {
    const text = `The service uses the ${controller} deployment controller; ${kind} ${settings.kind} needs the ECS controller (recreate the service with it, or keep ${kind} rolling).`
    found.push(problem('kind', text, 'rolling'))
  }
  const balanced = (service.loadBalancers ?? []).filter(lb => lb.targetGroupArn !== undefined)
  const [first, ...others] = balanced
  if (first === undefined) {
    const text = `The service has no load balancer target group, and ${kind} ${settings.kind} shifts traffic between two target groups: attach the service to an Application Load Balancer target group, or keep ${kind} rolling.`
    return [...found, problem('kind', text, 'rolling')]
  }
  found.push(...loadBalancerProblems(settings, first))
  for (const lb of others) {
    if (lb.advancedConfiguration?.alternateTargetGroupArn !== undefined) continue
    const text = `The service's target group ${lb.targetGroupArn} has no advancedConfiguration; ${kind} ${settings.kind} needs one on every load balancer of the service, and these settings describe only ${first.targetGroupArn}: add it to the service.`
    found.push(problem('kind', text, 'rolling'))
  }
  return found
}

import type { LoadBalancer, Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs'
import { ConfigurationError, errorMessage } from '@fargate-promote/common'
import { followProgressive } from '../progressive/follow.js'
import type { ProgressiveOutcome, ProgressiveResult } from '../progressive/follow-types.js'
import { revisionTraffic, type MetricsReader } from '../progressive/metrics.js'
import { missingForStrategy } from '../progressive/requirements.js'
import {
  deploymentConfigurationFor,
  loadBalancersFor,
  verificationStagesFor,
  type StrategySettings
} from '../progressive/strategy.js'
import { loadBalancerOf, productionShare } from '../progressive/weights.js'
import type { ProgressiveOptions } from './options.js'
import type { ServicePlan } from './plan.js'
import type { DeployRun, Working } from './run.js'
import type { DeployStatus } from './types.js'

/**
 * Refuses, before any change, a strategy the services are not set up for: every missing or
 * wrong setting of every service, each with the setting to add and an example.
 */
export function refuseUnfit(plans: ServicePlan[], progressive: ProgressiveOptions): void {
  const lines = plans.flatMap(plan =>
    missingForStrategy(plan.checked.service, progressive.settings).map(
      p => `${plan.checked.name}: ${p.problem} Set '${p.setting}', e.g. ${p.example}`
    )
  )
  if (lines.length === 0) return
  throw new ConfigurationError(
    `${progressive.settings.kind} cannot start; nothing was changed:\n- ${lines.join('\n- ')}`,
    { input: 'strategy' }
  )
}

const ROLLING: StrategySettings = {
  kind: 'rolling',
  canaryPercent: 0,
  canaryBakeMinutes: 0,
  stepPercent: 0,
  stepBakeMinutes: 0,
  bakeTimeMinutes: 0
}

function shifting(service: Service): string | undefined {
  const strategy = service.deploymentConfiguration?.strategy
  return strategy === undefined || strategy === 'ROLLING' ? undefined : strategy
}

/**
 * Refuses, before any change, a rolling deploy of a service set up for a traffic-shifting
 * strategy unless rolling was asked for: ECS would shift its traffic unjudged.
 */
export function refuseUnjudged(plans: ServicePlan[], switchToRolling: boolean): void {
  if (switchToRolling) return
  const lines = plans.flatMap(plan => {
    const strategy = shifting(plan.checked.service)
    return strategy === undefined
      ? []
      : [
          `${plan.checked.name} is set up for ${strategy} deployments (deploymentConfiguration.strategy), and no strategy was given, so its traffic steps would go unjudged.`
        ]
  })
  if (lines.length === 0) return
  throw new ConfigurationError(
    `${lines.join(' ')} Set 'strategy' to ${plans.length > 1 ? 'its' : 'that'} strategy (canary, linear or blue-green) to follow and judge each step, or to rolling to switch the service to rolling deployments; nothing was changed.`,
    { input: 'strategy' }
  )
}

/** The strategy's deploymentConfiguration and loadBalancers added to an UpdateService. */
export function withStrategy(
  input: UpdateServiceCommandInput,
  service: Service,
  progressive: ProgressiveOptions | undefined
): UpdateServiceCommandInput {
  // Without progressive options the deploy is rolling: a shifting service (allowed only when
  // rolling was asked for, refuseUnjudged) is switched; a rolling one gets nothing new.
  if (progressive === undefined && shifting(service) === undefined) return input
  const settings = progressive?.settings ?? ROLLING
  const base = input.deploymentConfiguration ?? service.deploymentConfiguration
  const configuration = deploymentConfigurationFor(settings, base)
  const loadBalancers = loadBalancersFor(settings, service.loadBalancers)
  return {
    ...input,
    ...(configuration !== undefined && { deploymentConfiguration: configuration }),
    ...(loadBalancers !== undefined && { loadBalancers })
  }
}

/**
 * One read of the first service's target-group metrics before any change: without
 * cloudwatch:GetMetricData no step could be judged, and that must not be found with traffic
 * already on the new revision.
 */
export async function checkMetricsReadable(
  plans: ServicePlan[],
  progressive: ProgressiveOptions,
  cloudwatch: MetricsReader,
  now: number
): Promise<void> {
  const service = plans[0]?.checked.service
  const lb = service === undefined ? undefined : firstBalanced(service)
  const rule =
    progressive.settings.productionListenerRuleArn ??
    lb?.advancedConfiguration?.productionListenerRule
  if (lb?.targetGroupArn === undefined || rule === undefined) return
  const minute = Math.floor(now / 60_000) * 60_000
  try {
    await revisionTraffic(
      {
        loadBalancer: loadBalancerOf(rule),
        targetGroup: lb.targetGroupArn,
        from: minute - 60_000,
        to: minute
      },
      { cloudwatch }
    )
  } catch (error) {
    throw new Error(
      `Cannot read the target groups' CloudWatch metrics, which judge every traffic step (cloudwatch:GetMetricData): ${errorMessage(error)}. Nothing was changed.`,
      { cause: error }
    )
  }
}

export interface Production {
  rule: string
  loadBalancer: string
  old: string
  new: string
}

function firstBalanced(service: Service): LoadBalancer | undefined {
  return service.loadBalancers?.find(lb => lb.targetGroupArn !== undefined)
}

/**
 * Which of the two target groups serves production now (ECS swaps them on every deployment),
 * read before UpdateService moves any weight.
 */
export async function productionBefore(
  run: DeployRun,
  w: Working
): Promise<Production | undefined> {
  const settings = run.options.progressive?.settings
  const lb = firstBalanced(w.plan.checked.service)
  if (settings === undefined || lb?.targetGroupArn === undefined) return undefined
  const advanced = lb.advancedConfiguration ?? {}
  const rule = settings.productionListenerRuleArn ?? advanced.productionListenerRule
  const alternate = settings.alternateTargetGroupArn ?? advanced.alternateTargetGroupArn
  if (rule === undefined || alternate === undefined) return undefined
  const primary = lb.targetGroupArn
  const share = await productionShare(rule, primary, run.deps.elb)
  const [old, next] = share >= 50 ? [primary, alternate] : [alternate, primary]
  return { rule, loadBalancer: loadBalancerOf(rule), old, new: next }
}

/** The deploy status a progressive outcome gives (a cancelled following did not finish). */
export function deployStatusOf(outcome: ProgressiveOutcome): DeployStatus {
  const status = {
    succeeded: 'succeeded',
    'rolled-back': 'rolled-back',
    paused: 'paused',
    failed: 'failed',
    'timed-out': 'timed-out',
    cancelled: 'timed-out'
  } as const
  return status[outcome]
}

/** Follows one started progressive deployment and records its outcome on the result. */
export async function followOne(
  run: DeployRun,
  w: Working,
  production: Production,
  cloudwatch: MetricsReader
): Promise<void> {
  const { options, deps } = run
  const progressive = options.progressive as ProgressiveOptions
  let result: ProgressiveResult
  try {
    result = await followProgressive(
      {
        cluster: options.cluster,
        service: w.plan.checked.name,
        serviceDeploymentArn: w.result.serviceDeploymentArn as string,
        loadBalancer: production.loadBalancer,
        productionListenerRule: production.rule,
        productionTargetGroups: { old: production.old, new: production.new },
        thresholds: progressive.thresholds,
        pauses: progressive.pauses,
        ...(progressive.metricsDelayMs !== undefined && {
          metricsDelayMs: progressive.metricsDelayMs
        }),
        pollIntervalMs: options.pollIntervalMs,
        deadline: run.deadline,
        verificationStages: verificationStagesFor(
          progressive.settings,
          w.plan.checked.service.deploymentConfiguration?.lifecycleHooks
        )
      },
      {
        ecs: deps.ecs,
        elb: deps.elb,
        cloudwatch,
        clock: deps.clock,
        log: deps.log,
        ...(deps.signal && { signal: deps.signal }),
        ...(deps.testTraffic && { testTraffic: deps.testTraffic })
      }
    )
  } catch (error) {
    // The steps can no longer be judged: failed, so on-failure (rollback) stops and undoes it.
    w.result.status = 'failed'
    w.result.failureReason = `Following the ${progressive.settings.kind} deployment failed, so its traffic steps can no longer be judged: ${errorMessage(error)}`
    return
  }
  w.result.progressive = result
  w.result.status = deployStatusOf(result.outcome)
  if (result.outcome !== 'succeeded' && result.outcome !== 'paused')
    w.result.failureReason = result.reason
}

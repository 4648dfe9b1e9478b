import type { LoadBalancer, Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs'
import { ConfigurationError } from '@fargate-promote/common'
import { followProgressive } from '../progressive/follow.js'
import type { MetricsReader } from '../progressive/metrics.js'
import { missingForStrategy } from '../progressive/requirements.js'
import { deploymentConfigurationFor, loadBalancersFor } from '../progressive/strategy.js'
import { productionShare } from '../progressive/weights.js'
import type { ProgressiveOptions } from './options.js'
import type { ServicePlan } from './plan.js'
import type { DeployRun, Working } from './run.js'

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

/** The strategy's deploymentConfiguration and loadBalancers added to an UpdateService. */
export function withStrategy(
  input: UpdateServiceCommandInput,
  service: Service,
  progressive: ProgressiveOptions | undefined
): UpdateServiceCommandInput {
  if (progressive === undefined) return input
  const base = input.deploymentConfiguration ?? service.deploymentConfiguration
  const configuration = deploymentConfigurationFor(progressive.settings, base)
  const loadBalancers = loadBalancersFor(progressive.settings, service.loadBalancers)
  return {
    ...input,
    ...(configuration !== undefined && { deploymentConfiguration: configuration }),
    ...(loadBalancers !== undefined && { loadBalancers })
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

/** The ALB of a listener or listener rule ARN: `…:loadbalancer/app/<name>/<id>`. */
function loadBalancerOf(rule: string): string {
  return rule.replace(/:listener(?:-rule)?\/(app\/[^/]+\/[^/]+)\/.*$/, ':loadbalancer/$1')
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

/** Follows one started progressive deployment and records its outcome on the result. */
export async function followOne(
  run: DeployRun,
  w: Working,
  production: Production,
  cloudwatch: MetricsReader
): Promise<void> {
  const { options, deps } = run
  const progressive = options.progressive as ProgressiveOptions
  const result = await followProgressive(
    {
      cluster: options.cluster,
      service: w.plan.checked.name,
      serviceDeploymentArn: w.result.serviceDeploymentArn as string,
      loadBalancer: production.loadBalancer,
      productionListenerRule: production.rule,
      productionTargetGroups: { old: production.old, new: production.new },
      thresholds: progressive.thresholds,
      pauses: progressive.pauses,
      pollIntervalMs: options.pollIntervalMs,
      deadline: run.deadline
    },
    {
      ecs: deps.ecs,
      elb: deps.elb,
      cloudwatch,
      clock: deps.clock,
      log: deps.log,
      ...(deps.signal && { signal: deps.signal })
    }
  )
  w.result.progressive = result
  const status = {
    succeeded: 'succeeded',
    'rolled-back': 'rolled-back',
    paused: 'paused',
    failed: 'failed',
    'timed-out': 'timed-out',
    cancelled: 'timed-out'
  } as const
  w.result.status = status[result.outcome]
  if (result.outcome !== 'succeeded' && result.outcome !== 'paused')
    w.result.failureReason = result.reason
}

import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
  type LoadBalancer,
  type Service,
  type ServiceDeployment,
  type Task
} from '@aws-sdk/client-ecs'
import { ConfigurationError } from '@fargate-promote/common'
import { loadElb } from '../lazy-elb.js'
import { taskIp, taskPort } from '../observe/targets.js'
import { describeTasks, listTaskArns } from '../observe/tasks.js'
import type { AnalysisThresholds } from './analysis.js'
import { followProgressive } from './follow.js'
import type { FollowProgressiveDeps, ProgressiveResult } from './follow-types.js'
import { verificationStagesOn } from './strategy.js'
import { loadBalancerOf, productionShare } from './weights.js'

/**
 * A later run's answer to a deployment paused at a PAUSE hook (ECS-DG "Continuing service
 * deployments"): `continue` sends ContinueServiceDeployment CONTINUE and follows the rest of the
 * deployment with the same analysis; `abort` sends it with ROLLBACK and follows the rollback.
 */
export type ResumeAction = 'continue' | 'abort'

export interface ResumeProgressiveOptions {
  cluster: string
  service: string
  action: ResumeAction
  /** Who asked, for the log and the record (the workflow's actor). */
  actor?: string
  thresholds: AnalysisThresholds
  pauses: 'continue-on-pass' | 'wait'
  pollIntervalMs?: number
  deadline: number
  /** How long after a minute ends its CloudWatch metrics are read (default 0). */
  metricsDelayMs?: number
  /** Called once ECS accepted the continue or the rollback (before following it). */
  onSent?: () => Promise<void>
}

export interface ResumeResult extends ProgressiveResult {
  serviceDeploymentArn: string
  /** The hook this run continued or rolled back, and the stage it held. */
  resumedHookId: string
  resumedAt: string
  /** The task definitions of the deployment's target revision and of the one it replaces. */
  taskDefinitionArn?: string
  previousTaskDefinitionArn?: string
}

/** Stages before production traffic moves: the group with production traffic is the old one. */
const BEFORE_PRODUCTION = new Set([
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT'
])

export interface Paused {
  deployment: ServiceDeployment & { serviceDeploymentArn: string }
  hookId: string
}

async function describeService(options: ResumeProgressiveOptions, deps: FollowProgressiveDeps) {
  const out = await deps.ecs.send(
    new DescribeServicesCommand({ cluster: options.cluster, services: [options.service] })
  )
  const service = out.services?.find(s => s.status !== 'INACTIVE')
  if (service === undefined) {
    throw new ConfigurationError(
      `Service '${options.service}' was not found in cluster '${options.cluster}'; nothing was changed. Check the cluster and service inputs.`,
      { input: 'service' }
    )
  }
  return service
}

/** The service's IN_PROGRESS deployment that awaits action at a PAUSE hook, if any. */
export async function findPaused(
  options: { cluster: string; service: string },
  deps: Pick<FollowProgressiveDeps, 'ecs'>
): Promise<Paused | undefined> {
  const listed = await deps.ecs.send(
    new ListServiceDeploymentsCommand({
      cluster: options.cluster,
      service: options.service,
      status: ['IN_PROGRESS']
    })
  )
  const arns = (listed?.serviceDeployments ?? []).flatMap(d =>
    d.serviceDeploymentArn === undefined ? [] : [d.serviceDeploymentArn]
  )
  if (arns.length === 0) return undefined
  const described = await deps.ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns })
  )
  for (const deployment of described.serviceDeployments ?? []) {
    const hook = deployment.lifecycleHookDetails?.find(h => h.status === 'AWAITING_ACTION')
    if (hook?.hookId !== undefined && deployment.serviceDeploymentArn !== undefined) {
      return {
        deployment: { ...deployment, serviceDeploymentArn: deployment.serviceDeploymentArn },
        hookId: hook.hookId
      }
    }
  }
  return undefined
}

/** The task definitions of the deployment's target and (first) source revisions. */
async function revisionsOf(deployment: ServiceDeployment, deps: FollowProgressiveDeps) {
  const target = deployment.targetServiceRevision?.arn
  const source = deployment.sourceServiceRevisions?.[0]?.arn
  const arns = [target, source].filter((arn): arn is string => arn !== undefined)
  if (arns.length === 0) return {}
  const out = await deps.ecs.send(
    new DescribeServiceRevisionsCommand({ serviceRevisionArns: arns })
  )
  const taskDefinition = (arn: string | undefined) =>
    out.serviceRevisions?.find(r => r.serviceRevisionArn === arn)?.taskDefinition
  const taskDefinitionArn = taskDefinition(target)
  const previousTaskDefinitionArn = taskDefinition(source)
  return {
    ...(taskDefinitionArn !== undefined && { taskDefinitionArn }),
    ...(previousTaskDefinitionArn !== undefined && { previousTaskDefinitionArn })
  }
}

/** Whether a RUNNING task of `taskDefinition` is registered in `group` (by IP and port). */
async function registeredIn(
  group: string,
  tasks: Task[],
  lb: LoadBalancer,
  deps: FollowProgressiveDeps
): Promise<boolean> {
  const { DescribeTargetHealthCommand } = await loadElb()
  const out = await deps.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group }))
  return (out.TargetHealthDescriptions ?? []).some(d =>
    tasks.some(
      task =>
        taskIp(task) === d.Target?.Id &&
        (d.Target?.Port === undefined || taskPort(task, lb) === d.Target.Port)
    )
  )
}

/**
 * The new revision's target group: the one its tasks are registered in (ECS swaps the pair on
 * every deployment, and the weights alone cannot tell a 60 % step from the old revision).
 * Without a registered task yet, the stage decides: before production traffic moves, the group
 * with the traffic is the old one.
 */
async function newGroup(
  pair: { primary: string; alternate: string; rule: string },
  lb: LoadBalancer,
  context: { cluster: string; service: string; taskDefinitionArn?: string; stage: string },
  deps: FollowProgressiveDeps
): Promise<string> {
  if (context.taskDefinitionArn !== undefined) {
    // The task readers are typed for the whole client; they only send.
    const reader = { ecs: deps.ecs as ECSClient }
    const arns = await listTaskArns(reader, {
      cluster: context.cluster,
      serviceName: context.service,
      desiredStatus: 'RUNNING'
    })
    const tasks = (await describeTasks(reader, context.cluster, arns)).filter(
      task => task.taskDefinitionArn === context.taskDefinitionArn
    )
    if (tasks.length > 0) {
      if (await registeredIn(pair.alternate, tasks, lb, deps)) return pair.alternate
      if (await registeredIn(pair.primary, tasks, lb, deps)) return pair.primary
    }
  }
  const primaryServes = (await productionShare(pair.rule, pair.primary, deps.elb)) >= 50
  const serving = primaryServes ? pair.primary : pair.alternate
  const other = primaryServes ? pair.alternate : pair.primary
  return BEFORE_PRODUCTION.has(context.stage) ? other : serving
}

/** The production rule, its load balancer and the old and new revisions' target groups. */
async function production(
  service: Service,
  context: { cluster: string; service: string; taskDefinitionArn?: string; stage: string },
  deps: FollowProgressiveDeps
) {
  const lb = service.loadBalancers?.find(l => l.targetGroupArn !== undefined)
  const rule = lb?.advancedConfiguration?.productionListenerRule
  const alternate = lb?.advancedConfiguration?.alternateTargetGroupArn
  if (lb?.targetGroupArn === undefined || rule === undefined || alternate === undefined) {
    throw new Error(
      `The service has no production listener rule and alternate target group (loadBalancers advancedConfiguration), which a paused deployment needs; it cannot be followed.`
    )
  }
  const pair = { primary: lb.targetGroupArn, alternate, rule }
  const fresh = await newGroup(pair, lb, context, deps)
  const old = fresh === pair.primary ? pair.alternate : pair.primary
  return { rule, loadBalancer: loadBalancerOf(rule), old, new: fresh }
}

/**
 * Continues or aborts the service's deployment paused at a PAUSE hook, then follows it to its
 * end (or its next pause) as the deploy that started it would have. A service with nothing
 * paused is refused with a ConfigurationError, and nothing is changed.
 */
export async function resumeProgressive(
  options: ResumeProgressiveOptions,
  deps: FollowProgressiveDeps
): Promise<ResumeResult> {
  const service = await describeService(options, deps)
  const paused = await findPaused(options, deps)
  if (paused === undefined) {
    throw new ConfigurationError(
      `Service '${options.service}' has no deployment waiting at a PAUSE hook, so there is nothing to ${options.action}; nothing was changed. Run with resume only after a deploy ended paused (its paused-hook-id output).`,
      { input: 'resume' }
    )
  }
  const { deployment, hookId } = paused
  const stage = deployment.lifecycleStage ?? 'UNKNOWN'
  const revisions = await revisionsOf(deployment, deps)
  const groups = await production(
    service,
    { cluster: options.cluster, service: options.service, stage, ...revisions },
    deps
  )
  const by = options.actor === undefined ? '' : ` by ${options.actor}`
  const verification = verificationStagesOn(service.deploymentConfiguration?.lifecycleHooks)
  // At the verification hook, a continue is the verification's to give: followed, not sent.
  const verifying = options.action === 'continue' && verification.includes(stage)
  if (verifying && deps.testTraffic === undefined) {
    throw new ConfigurationError(
      `Service '${options.service}' waits at ${stage} for its test-traffic verification; give test-url to verify it (it continues when the checks pass), or resume: abort. Nothing was changed.`,
      { input: 'test-url' }
    )
  }
  deps.log.info(`${options.service}: ${options.action}${by} at ${stage} (hook ${hookId}).`)
  if (!verifying) {
    await deps.ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: deployment.serviceDeploymentArn,
        hookId,
        action: options.action === 'continue' ? 'CONTINUE' : 'ROLLBACK'
      })
    )
  }
  await options.onSent?.()
  const result = await followProgressive(
    {
      cluster: options.cluster,
      service: options.service,
      serviceDeploymentArn: deployment.serviceDeploymentArn,
      loadBalancer: groups.loadBalancer,
      productionListenerRule: groups.rule,
      productionTargetGroups: { old: groups.old, new: groups.new },
      thresholds: options.thresholds,
      pauses: options.pauses,
      deadline: options.deadline,
      ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
      verificationStages: verification,
      ...(options.metricsDelayMs !== undefined && { metricsDelayMs: options.metricsDelayMs }),
      ...(options.action === 'abort' && {
        stopping: `Aborted${by} at the pause at ${stage}.`
      })
    },
    deps
  )
  return {
    ...result,
    serviceDeploymentArn: deployment.serviceDeploymentArn,
    resumedHookId: hookId,
    resumedAt: stage,
    ...revisions
  }
}

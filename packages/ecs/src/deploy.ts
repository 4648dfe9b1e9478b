import {
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type RegisterTaskDefinitionCommandInput,
  type Tag
} from '@aws-sdk/client-ecs'
import { ConfigurationError, errorMessage, formatDuration } from '@fargate-promote/common'
import { formatDiff } from './diff.js'
import { validateDeployOptions, type DeployOptions } from './deploy-options.js'
import { planDeployment, type ServicePlan } from './deploy-plan.js'
import { findServiceDeploymentArn, updateServiceInput } from './deploy-update.js'
import { runPreDeployTask } from './pre-deploy.js'
import { preflight } from './preflight.js'
import { pruneRevisions } from './revisions.js'
import { rollbackService } from './rollback.js'
import { PREVIOUS_TAG } from './rollback-target.js'
import { familyOf, shortName } from './task-definition-arn.js'
import type {
  DeployResult,
  DeployStatus,
  EcsDeps,
  PreDeployReport,
  ServiceDeployResult
} from './types.js'
import type { RolloutResult } from './types-rollout.js'
import { watchRolloutQuietly, type WatchTarget } from './watch.js'

export type {
  DeployOptions,
  DeploymentStartedInfo,
  TaskDefinitionSource
} from './deploy-options.js'

const SEVERITY: DeployStatus[] = [
  'dry-run',
  'succeeded',
  'started',
  'rolled-back',
  'timed-out',
  'failed'
]

/** The worst of several statuses: one failed service makes the deploy failed. */
export function worstStatus(statuses: DeployStatus[]): DeployStatus {
  return statuses.reduce<DeployStatus>(
    (worst, status) => (SEVERITY.indexOf(status) > SEVERITY.indexOf(worst) ? status : worst),
    'dry-run'
  )
}

interface Working {
  plan: ServicePlan
  result: ServiceDeployResult
  /** The new revision, or the ARN deployed as is. */
  arn?: string
}

function failureReasonOf(results: ServiceDeployResult[]): string | undefined {
  const failed = results.filter(r => r.failureReason !== undefined)
  if (failed.length === 0) return undefined
  if (results.length === 1) return failed[0]?.failureReason
  return failed.map(r => `${r.service}: ${r.failureReason}`).join('; ')
}

function withPrevious(
  input: RegisterTaskDefinitionCommandInput,
  previous: string
): RegisterTaskDefinitionCommandInput {
  return {
    ...input,
    // render always tags the revision, PREVIOUS_TAG included
    tags: (input.tags as Tag[]).map(tag =>
      tag.key === PREVIOUS_TAG ? { key: tag.key, value: previous } : tag
    )
  }
}

/**
 * Deploy a new task-definition revision to 1..10 Fargate services and, unless told not to
 * wait, watch until each serves it — or fails, with the reason. Everything is validated before
 * the first change. A service whose last deployment failed (PRIMARY rolloutState FAILED), or
 * whose deployment already in progress ends failed or timed out, stops the deploy before any
 * change: its live revision must not become the rollback target.
 *
 * Rollback (`onFailure: 'rollback'`, not cancelled): when the deploy as a whole did not
 * succeed (status failed, timed-out or rolled-back; never for succeeded, started or dry-run),
 * EVERY service whose deployment we started goes back to its own previousTaskDefinitionArn
 * via rollbackService — also the services whose own rollout succeeded, so that no service is
 * left half-deployed — except a service ECS already rolled back to that revision with a rollback
 * that succeeded. Each service's result records its rollback (`rollback`); its `status` stays
 * what its own rollout did. With `wait: false`, a partial UpdateService failure rolls back the
 * services already updated (rollbackService watches only its own rollback). The rollbacks get
 * what is left of the deadline, but at least max(2 × pollIntervalMs, 60 s), so a deploy that
 * timed out can still be put back.
 */
export async function deploy(options: DeployOptions, deps: EcsDeps): Promise<DeployResult> {
  const { clock, log } = deps
  const startedAt = clock.now()
  const deadline = startedAt + options.timeoutMs
  const remaining = () => Math.max(1, deadline - clock.now())
  const { cluster } = options

  validateDeployOptions(options)
  let checked = await preflight({ cluster, services: options.services }, deps)
  let plans = await planDeployment(options, checked.services, deps)
  for (const plan of plans) {
    await log.group(`Changes for ${plan.checked.name}`, () => {
      for (const line of formatDiff(plan.diff)) log.info(line)
      return Promise.resolve()
    })
  }
  const finish = (
    working: Working[],
    extra: { preDeploy?: PreDeployReport; prunedRevisions?: string[] } = {}
  ): DeployResult => {
    const services = working.map(w => w.result)
    const failureReason = failureReasonOf(services)
    return {
      status: worstStatus(services.map(s => s.status)),
      services,
      ...(failureReason ? { failureReason } : {}),
      ...(extra.preDeploy ? { preDeploy: extra.preDeploy } : {}),
      startedAt,
      finishedAt: clock.now(),
      prunedRevisions: extra.prunedRevisions ?? []
    }
  }
  const initial = (plan: ServicePlan, status: DeployStatus): Working => ({
    plan,
    result: {
      service: plan.checked.name,
      status,
      previousTaskDefinitionArn: plan.checked.liveTaskDefinitionArn,
      images: plan.images,
      diff: plan.diff
    }
  })

  // A failed deployment must not become "previous": refuse before anything is changed.
  const refuse = (
    failed: { service: string; deploymentId: string; reason: string }[],
    what: string
  ) => {
    const names = failed.map(f => f.service).join(', ')
    const working = plans.map(plan => initial(plan, 'failed'))
    for (const w of working) {
      const own = failed.find(f => f.service === w.plan.checked.name)
      w.result.failureReason = own
        ? `${what} on ${own.service} (${own.deploymentId}) failed: ${own.reason}; nothing was deployed. Fix or roll back ${own.service} first.`
        : `nothing was deployed: fix or roll back ${names} first`
    }
    log.warning(`Not deploying: the last deployment of ${names} failed`)
    return finish(working)
  }
  const failedPrimaries = (candidates: ServicePlan[]) =>
    candidates
      .filter(plan => plan.checked.primary.rolloutState === 'FAILED')
      .map(plan => ({
        service: plan.checked.name,
        deploymentId: plan.checked.primaryDeploymentId,
        reason: plan.checked.primary.rolloutStateReason ?? 'its rollout state is FAILED'
      }))
  const failedBefore = failedPrimaries(plans.filter(plan => !plan.checked.deploymentInProgress))
  if (failedBefore.length > 0) return refuse(failedBefore, 'the last deployment')

  if (options.dryRun) {
    log.info('Dry run: nothing was registered or deployed')
    return finish(plans.map(plan => initial(plan, 'dry-run')))
  }

  // Deploying over a rollout in progress would race it; let it finish (or roll back) first.
  const busy = plans.filter(plan => plan.checked.deploymentInProgress)
  if (busy.length > 0) {
    const targets: WatchTarget[] = busy.map(plan => ({
      service: plan.checked.name,
      deploymentId: plan.checked.primaryDeploymentId,
      taskDefinitionArn: plan.checked.liveTaskDefinitionArn
    }))
    log.info(
      `Waiting for the deployment already in progress on ${busy.map(p => `${p.checked.name} (${p.checked.primaryDeploymentId})`).join(', ')} to finish before deploying`
    )
    const waited = await watchRolloutQuietly(
      {
        cluster,
        targets,
        timeoutMs: remaining(),
        pollIntervalMs: options.pollIntervalMs,
        waitForTargetHealth: options.waitForTargetHealth,
        followRollback: true
      },
      deps
    )
    const stuck = waited.filter(r => r.outcome === 'timed-out')
    if (stuck.length > 0) {
      const working = plans.map(plan => initial(plan, 'timed-out'))
      for (const w of working) {
        w.result.failureReason = `the deployment already in progress did not finish within ${formatDuration(options.timeoutMs)}; nothing was deployed (${stuck.map(r => `${r.service}: ${r.reason ?? 'timed out'}`).join('; ')})`
      }
      return finish(working)
    }
    const broken = waited.filter(
      r =>
        r.outcome === 'failed' ||
        (r.outcome === 'rolled-back' && r.rollback?.outcome !== 'succeeded')
    )
    if (broken.length > 0) {
      return refuse(
        broken.map(r => ({
          service: r.service,
          deploymentId: r.deploymentId,
          reason: r.reason ?? r.outcome
        })),
        'the deployment already in progress'
      )
    }
    // What is live now is what a rollback must return to; re-plan against it.
    checked = await preflight({ cluster, services: options.services }, deps)
    plans = await planDeployment(options, checked.services, deps)
    const failedAfter = failedPrimaries(plans)
    if (failedAfter.length > 0) return refuse(failedAfter, 'the last deployment')
  }

  const working = plans.map(plan => initial(plan, 'failed'))
  const registered = new Map<string, string>()
  for (const w of working) {
    if (w.plan.deployAsIs) {
      w.arn = w.plan.deployAsIs
      continue
    }
    const input = withPrevious(w.plan.rendered.input, w.plan.checked.liveTaskDefinitionArn)
    const key = JSON.stringify(input)
    let arn = registered.get(key)
    if (!arn) {
      try {
        const answer = await deps.ecs.send(new RegisterTaskDefinitionCommand(input))
        arn = answer.taskDefinition?.taskDefinitionArn
      } catch (error) {
        const name = (error as { name?: string }).name
        if (name === 'ClientException' || name === 'InvalidParameterException') {
          throw new ConfigurationError(
            `task-definition: ECS refused the task definition for ${w.plan.checked.name}: ${errorMessage(error)}. Fix the task definition; nothing was deployed.`
          )
        }
        throw error
      }
      if (!arn) throw new Error(`RegisterTaskDefinition returned no ARN for ${w.plan.checked.name}`)
      registered.set(key, arn)
      log.info(`Registered ${shortName(arn)} for ${w.plan.checked.name}`)
    }
    w.arn = arn
  }
  for (const w of working) w.result.taskDefinitionArn = w.arn

  let preDeploy: PreDeployReport | undefined
  const first = working[0] as Working
  if (options.preDeploy) {
    const base = { service: first.plan.checked.name, taskDefinitionArn: first.arn as string }
    try {
      const ran = await runPreDeployTask(
        {
          cluster,
          service: first.plan.checked.service,
          taskDefinitionArn: first.arn as string,
          command: options.preDeploy.command,
          ...(options.preDeploy.container ? { container: options.preDeploy.container } : {}),
          containerDefinitions: first.plan.rendered.input.containerDefinitions,
          timeoutMs: remaining(),
          pollIntervalMs: options.pollIntervalMs
        },
        deps
      )
      preDeploy = {
        ...base,
        status: 'succeeded',
        container: ran.container,
        taskArn: ran.taskArn,
        exitCode: ran.exitCode
      }
    } catch (error) {
      const reason = errorMessage(error)
      const taskArn = (error as { taskArn?: string }).taskArn
      preDeploy = { ...base, status: 'failed', ...(taskArn ? { taskArn } : {}), reason }
      for (const w of working) {
        w.result.failureReason = `${reason}; no service was updated`
      }
      return finish(working, { preDeploy })
    }
  }

  const since = clock.now()
  const started: Working[] = []
  for (const w of working) {
    const { checked: item } = w.plan
    const arn = w.arn as string
    try {
      const answer = await deps.ecs.send(
        new UpdateServiceCommand(updateServiceInput(cluster, item.service, arn, options))
      )
      const updated = answer.service ?? item.service
      const ours = updated.deployments?.find(
        d => d.status === 'PRIMARY' && d.taskDefinition === arn
      )
      if (!ours?.id) {
        w.result.failureReason = `UpdateService did not make ${shortName(arn)} the PRIMARY deployment of ${item.name}`
        continue
      }
      w.result.deploymentId = ours.id
      const serviceDeploymentArn = await findServiceDeploymentArn(updated, cluster, deps)
      if (serviceDeploymentArn) w.result.serviceDeploymentArn = serviceDeploymentArn
      log.info(
        `${item.name}: deployment ${ours.id} of ${shortName(arn)} started (was ${shortName(item.liveTaskDefinitionArn)})`
      )
      started.push(w)
      try {
        options.onDeploymentStarted?.({
          service: item.name,
          deploymentId: ours.id,
          taskDefinitionArn: arn,
          previousTaskDefinitionArn: item.liveTaskDefinitionArn,
          ...(serviceDeploymentArn ? { serviceDeploymentArn } : {})
        })
      } catch (error) {
        log.warning(`${item.name}: could not record the started deployment: ${errorMessage(error)}`)
      }
    } catch (error) {
      w.result.failureReason = `UpdateService failed: ${errorMessage(error)}`
    }
  }

  if (!options.wait) {
    for (const w of started) w.result.status = 'started'
  } else if (started.length > 0) {
    const rollouts = await watchRolloutQuietly(
      {
        cluster,
        targets: started.map(w => ({
          service: w.plan.checked.name,
          deploymentId: w.result.deploymentId as string,
          taskDefinitionArn: w.arn as string
        })),
        timeoutMs: remaining(),
        pollIntervalMs: options.pollIntervalMs,
        waitForTargetHealth: options.waitForTargetHealth,
        followRollback: true,
        since
      },
      deps
    )
    for (const w of started) {
      // the watch reports on every target it was given
      const rollout = rollouts.find(r => r.service === w.plan.checked.name) as RolloutResult
      w.result.rollout = rollout
      w.result.status = rollout.outcome
      if (rollout.outcome !== 'succeeded')
        w.result.failureReason = rollout.reason ?? rollout.outcome
    }
  }

  const overall = worstStatus(working.map(w => w.result.status))
  if (options.onFailure === 'rollback' && !deps.signal?.aborted && ROLL_BACK_ON.includes(overall)) {
    // What is left of the deadline, but enough to put back a deploy that timed out.
    const rollbackTimeoutMs = Math.max(
      deadline - clock.now(),
      2 * options.pollIntervalMs,
      MIN_ROLLBACK_TIMEOUT_MS
    )
    const why = failureReasonOf(working.map(w => w.result)) ?? overall
    await Promise.all(
      started.filter(needsRollback).map(w => rollBack(w, options, rollbackTimeoutMs, why, deps))
    )
  }

  let prunedRevisions: string[] = []
  if (options.keepRevisions !== undefined && registered.size > 0) {
    prunedRevisions = await prune(options, working, deps)
  }
  return finish(working, { ...(preDeploy ? { preDeploy } : {}), prunedRevisions })
}

/** The overall statuses after which every service we deployed goes back. */
const ROLL_BACK_ON: DeployStatus[] = ['failed', 'timed-out', 'rolled-back']

/** A rollback after a deploy that ran out of time still gets at least this long. */
export const MIN_ROLLBACK_TIMEOUT_MS = 60_000

/** Every service we deployed, except one ECS already put back on its previous revision. */
function needsRollback(w: Working): boolean {
  const { result } = w
  const ecsRollback = result.rollout?.rollback
  const alreadyBack =
    result.status === 'rolled-back' &&
    ecsRollback?.outcome === 'succeeded' &&
    ecsRollback.taskDefinitionArn === result.previousTaskDefinitionArn
  return !alreadyBack
}

/** Our rollback of one service we deployed, because the deploy as a whole did not succeed. */
async function rollBack(
  w: Working,
  options: DeployOptions,
  timeoutMs: number,
  why: string,
  deps: EcsDeps
): Promise<void> {
  const { result } = w
  const name = w.plan.checked.name
  try {
    result.rollback = await rollbackService(
      {
        cluster: options.cluster,
        service: name,
        taskDefinitionArn: result.previousTaskDefinitionArn,
        reason: result.failureReason ?? `the deploy did not succeed (${why})`,
        timeoutMs,
        pollIntervalMs: options.pollIntervalMs,
        waitForTargetHealth: options.waitForTargetHealth,
        stopInProgress: true,
        ...(result.serviceDeploymentArn
          ? { serviceDeploymentArn: result.serviceDeploymentArn }
          : {})
      },
      deps
    )
  } catch (error) {
    result.rollback = {
      status: 'failed',
      fromTaskDefinitionArn: w.arn as string,
      toTaskDefinitionArn: result.previousTaskDefinitionArn,
      reason: errorMessage(error)
    }
  }
  const rollback = result.rollback
  if (rollback.status === 'failed') {
    deps.log.warning(
      `${name}: rollback to ${shortName(result.previousTaskDefinitionArn)} failed: ${rollback.reason as string}`
    )
  }
}

/** Deregister old revisions, never one that is live, was live, or is in any deployment. */
async function prune(options: DeployOptions, working: Working[], deps: EcsDeps): Promise<string[]> {
  try {
    const described = await deps.ecs.send(
      new DescribeServicesCommand({
        cluster: options.cluster,
        services: working.map(w => w.plan.checked.name)
      })
    )
    const protect = new Set<string>()
    for (const w of working) {
      protect.add(w.result.previousTaskDefinitionArn)
      protect.add(w.arn as string)
    }
    for (const service of described.services ?? []) {
      if (service.taskDefinition) protect.add(service.taskDefinition)
      for (const d of service.deployments ?? []) if (d.taskDefinition) protect.add(d.taskDefinition)
    }
    const families = [...new Set(working.map(w => familyOf(w.arn as string)))]
    const pruned: string[] = []
    for (const family of families) {
      pruned.push(
        ...(await pruneRevisions(
          { family, keep: options.keepRevisions as number, protect: [...protect] },
          deps
        ))
      )
    }
    return pruned
  } catch (error) {
    deps.log.warning(`Could not prune old revisions: ${errorMessage(error)}`)
    return []
  }
}

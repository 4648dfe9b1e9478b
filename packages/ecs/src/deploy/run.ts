import type { DeployDeps, DeployOptions } from './options.js'
import type { ServicePlan } from './plan.js'
import type { Production } from './progressive.js'
import type { DeployResult, DeployStatus, PreDeployReport, ServiceDeployResult } from './types.js'

/** One deploy in progress: what it was asked, with what, and its one deadline. */
export interface DeployRun {
  options: DeployOptions
  deps: DeployDeps
  startedAt: number
  deadline: number
}

/** A service being deployed: its plan, its result so far and the revision it gets. */
export interface Working {
  plan: ServicePlan
  result: ServiceDeployResult
  /** The new revision, or the ARN deployed as is. */
  arn?: string
  /** A progressive deployment: the production rule and which target group served it before. */
  production?: Production
}

/** What is left of the deadline (at least 1 ms, so a watch still looks once). */
export function remaining(run: DeployRun): number {
  return Math.max(1, run.deadline - run.deps.clock.now())
}

const SEVERITY: DeployStatus[] = [
  'dry-run',
  'succeeded',
  'started',
  'paused',
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

export function failureReasonOf(results: ServiceDeployResult[]): string | undefined {
  const failed = results.filter(r => r.failureReason !== undefined)
  if (failed.length === 0) return undefined
  if (results.length === 1) return failed[0]?.failureReason
  return failed.map(r => `${r.service}: ${r.failureReason}`).join('; ')
}

export function initial(plan: ServicePlan, status: DeployStatus): Working {
  return {
    plan,
    result: {
      service: plan.checked.name,
      status,
      previousTaskDefinitionArn: plan.checked.liveTaskDefinitionArn,
      images: plan.images,
      diff: plan.diff
    }
  }
}

export function finish(
  run: DeployRun,
  working: Working[],
  extra: { preDeploy?: PreDeployReport; prunedRevisions?: string[] } = {}
): DeployResult {
  const services = working.map(w => w.result)
  const failureReason = failureReasonOf(services)
  return {
    status: worstStatus(services.map(s => s.status)),
    services,
    ...(failureReason ? { failureReason } : {}),
    ...(extra.preDeploy ? { preDeploy: extra.preDeploy } : {}),
    startedAt: run.startedAt,
    finishedAt: run.deps.clock.now(),
    prunedRevisions: extra.prunedRevisions ?? []
  }
}

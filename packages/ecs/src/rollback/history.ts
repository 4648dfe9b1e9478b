import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeploymentBrief
} from '@aws-sdk/client-ecs'
import { errorMessage, type Logger } from '@fargate-promote/common'
import { parseTaskDefinitionArn } from '../task-definitions/arn.js'

/*
 * Where "the revision that ran before" is remembered: ECS's own service-deployment history
 * first, GitHub's deployment history of the environment as a fallback.
 */

/** One GitHub deployment of this service, as the promotion package reads them. */
export interface DeploymentHistoryEntry {
  taskDefinitionArn: string
  /** Epoch ms or an ISO date. */
  createdAt: number | string
  /** GitHub deployment state: success, inactive, failure, error, … */
  state: string
}

function epoch(value: number | string): number {
  return typeof value === 'number' ? value : Date.parse(value)
}

/** ECS service-deployment history as task definitions, newest first. */
export interface EcsHistory {
  /** Undefined when the API is not available (older regions, restricted roles). */
  taskDefinitions?: string[]
  /** Reading the history failed after the API answered: the rollback must not guess. */
  error?: Error
}

/**
 * The task definitions of the service's SUCCESSFUL service deployments, newest first. A brief
 * names only its service revision (an opaque ARN): one DescribeServiceRevisions call turns up to
 * 20 of them into task definitions. Needs nothing from DescribeServices, so the whole chain runs
 * next to preflight. Never rejects (an unhandled rejection if preflight fails first).
 */
export async function readEcsHistory(
  ecs: ECSClient,
  cluster: string,
  service: string,
  log: Logger
): Promise<EcsHistory> {
  let listed: ServiceDeploymentBrief[]
  try {
    const answer = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster, service, status: ['SUCCESSFUL'] })
    )
    listed = (answer.serviceDeployments ?? []).filter(brief => brief.status === 'SUCCESSFUL')
  } catch (error) {
    log.debug(`ListServiceDeployments unavailable: ${errorMessage(error)}`)
    return {}
  }
  try {
    return { taskDefinitions: await taskDefinitionsOf(ecs, listed) }
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(errorMessage(error)) }
  }
}

async function taskDefinitionsOf(
  ecs: ECSClient,
  listed: ServiceDeploymentBrief[]
): Promise<string[]> {
  const briefs = [...listed]
  briefs.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
  const withoutRevision = briefs
    .filter(b => !b.targetServiceRevisionArn)
    .map(b => b.serviceDeploymentArn ?? '')
  const described = new Map<string, string>()
  if (withoutRevision.length > 0) {
    const details = await ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: withoutRevision.slice(0, 20) })
    )
    for (const deployment of details.serviceDeployments ?? []) {
      const arn = deployment.targetServiceRevision?.arn
      if (deployment.serviceDeploymentArn && arn)
        described.set(deployment.serviceDeploymentArn, arn)
    }
  }
  const revisionArns: string[] = []
  for (const brief of briefs) {
    const arn = brief.targetServiceRevisionArn ?? described.get(brief.serviceDeploymentArn ?? '')
    if (arn && !revisionArns.includes(arn)) revisionArns.push(arn)
  }
  if (revisionArns.length === 0) return []
  const revisions = await ecs.send(
    new DescribeServiceRevisionsCommand({ serviceRevisionArns: revisionArns.slice(0, 20) })
  )
  const byArn = new Map(
    (revisions.serviceRevisions ?? []).map(r => [r.serviceRevisionArn ?? '', r.taskDefinition])
  )
  return revisionArns.flatMap(arn => {
    const taskDefinition = byArn.get(arn)
    return taskDefinition ? [taskDefinition] : []
  })
}

/**
 * The newest task definition in ECS's history that is not the live one. While a deployment is
 * in progress towards a revision that already ran successfully (a rollback under way, perhaps
 * this action's own cancelled one), that revision is the answer: the newest other one would be
 * the release being left.
 */
export function fromServiceDeployments(
  history: EcsHistory,
  live: string,
  rollingOut: boolean
): string | undefined {
  if (history.error !== undefined) throw history.error
  if (rollingOut && history.taskDefinitions?.includes(live)) return live
  return history.taskDefinitions?.find(arn => arn !== live)
}

export async function fromGitHub(
  history: () => Promise<DeploymentHistoryEntry[]>,
  live: string,
  family: string,
  rollingOut: boolean,
  log: Logger
): Promise<string | undefined> {
  let entries: DeploymentHistoryEntry[]
  try {
    entries = await history()
  } catch (error) {
    // e.g. a token without deployments read access: no history, not a failed rollback
    log.warning(`Could not read the GitHub deployment history: ${errorMessage(error)}`)
    return undefined
  }
  const successful = entries
    .filter(entry => ['success', 'inactive'].includes(entry.state.toLowerCase()))
    .filter(entry => parseTaskDefinitionArn(entry.taskDefinitionArn)?.family === family)
    .sort((a, b) => epoch(b.createdAt) - epoch(a.createdAt))
  // As with ECS history: a rollout towards a revision that ran successfully is the rollback.
  if (rollingOut && successful.some(entry => entry.taskDefinitionArn === live)) return live
  return successful.find(entry => entry.taskDefinitionArn !== live)?.taskDefinitionArn
}

import {
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeploymentBrief
} from '@aws-sdk/client-ecs'
import { errorMessage, formatDuration, type Logger } from '@fargate-promote/common'
import type { StagingObservation } from './observe.js'
import type { GateServiceEvidence } from './types.js'

export type LiveSince = Pick<GateServiceEvidence, 'liveSince' | 'liveSinceSource'>

function finishedAt(brief: ServiceDeploymentBrief): number {
  return brief.finishedAt?.getTime() ?? 0
}

/**
 * The newest SUCCESSFUL service deployment, when it put this task definition in place. Only
 * the newest one counts: an older success of the same revision says nothing about how long it
 * has run since a later deployment (or a rollback) replaced it.
 */
async function fromServiceDeployments(
  ecs: ECSClient,
  cluster: string,
  observation: StagingObservation,
  log: Logger
): Promise<number | undefined> {
  let briefs: ServiceDeploymentBrief[]
  try {
    const listed = await ecs.send(
      new ListServiceDeploymentsCommand({
        cluster,
        service: observation.name,
        status: ['SUCCESSFUL'],
        maxResults: 100
      })
    )
    briefs = (listed.serviceDeployments ?? []).filter(brief => brief.finishedAt !== undefined)
  } catch (error) {
    // Older accounts, restricted roles and deployments before 2024-10 lack this history.
    log.debug(`ListServiceDeployments unavailable for ${observation.name}: ${errorMessage(error)}`)
    return undefined
  }
  const newest = briefs.sort((a, b) => finishedAt(b) - finishedAt(a))[0]
  if (newest?.targetServiceRevisionArn === undefined) return undefined
  try {
    const described = await ecs.send(
      new DescribeServiceRevisionsCommand({
        serviceRevisionArns: [newest.targetServiceRevisionArn]
      })
    )
    const taskDefinition = described.serviceRevisions?.[0]?.taskDefinition
    if (taskDefinition !== observation.primary?.taskDefinition) return undefined
  } catch (error) {
    log.debug(`DescribeServiceRevisions failed for ${observation.name}: ${errorMessage(error)}`)
    return undefined
  }
  return finishedAt(newest)
}

/**
 * Since when the running revision has been live: the ECS service deployment that completed it,
 * else the COMPLETED primary deployment's last update, else the GitHub deployment's success.
 */
export async function liveSince(
  ecs: ECSClient,
  cluster: string,
  observation: StagingObservation,
  githubSuccessAt: () => Promise<number | undefined>,
  log: Logger
): Promise<LiveSince> {
  const fromEcs = await fromServiceDeployments(ecs, cluster, observation, log)
  if (fromEcs !== undefined)
    return { liveSince: fromEcs, liveSinceSource: 'ecs-service-deployment' }
  const primary = observation.primary
  if (primary?.rolloutState === 'COMPLETED' && primary.updatedAt !== undefined) {
    return { liveSince: primary.updatedAt.getTime(), liveSinceSource: 'ecs-primary-deployment' }
  }
  const fromGitHub = await githubSuccessAt()
  if (fromGitHub !== undefined)
    return { liveSince: fromGitHub, liveSinceSource: 'github-deployment' }
  return {}
}

export interface SoakResult {
  ok: boolean
  detail: string
  soakedForMs: number
  remainingSoakMs: number
}

const SOURCE_TEXT: Record<NonNullable<LiveSince['liveSinceSource']>, string> = {
  'ecs-service-deployment': 'ECS service deployment finished',
  'ecs-primary-deployment': 'ECS deployment completed',
  'github-deployment': 'GitHub staging deployment succeeded'
}

export function judgeSoak(since: LiveSince, minSoakMs: number, now: number): SoakResult {
  if (since.liveSince === undefined || since.liveSinceSource === undefined) {
    return {
      ok: false,
      detail:
        'cannot tell since when this revision is live: no finished ECS service deployment, no COMPLETED primary deployment and no successful GitHub staging deployment',
      soakedForMs: 0,
      remainingSoakMs: minSoakMs
    }
  }
  const soakedForMs = Math.max(0, now - since.liveSince)
  const remainingSoakMs = Math.max(0, minSoakMs - soakedForMs)
  const when = `${SOURCE_TEXT[since.liveSinceSource]} ${new Date(since.liveSince).toISOString()}`
  if (remainingSoakMs > 0) {
    return {
      ok: false,
      detail: `soaked ${formatDuration(soakedForMs)} of ${formatDuration(minSoakMs)}; ${formatDuration(remainingSoakMs)} to go (${when})`,
      soakedForMs,
      remainingSoakMs
    }
  }
  return {
    ok: true,
    detail: `live for ${formatDuration(soakedForMs)}, minimum ${formatDuration(minSoakMs)} (${when})`,
    soakedForMs,
    remainingSoakMs
  }
}

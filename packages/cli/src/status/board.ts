import type { ECSClient } from '@aws-sdk/client-ecs'
import { errorMessage, parseDuration } from '@fargate-promote/common'
import type { ElbClient } from '@fargate-promote/ecs'
import type { GitHubClient, LoadedConfig, RepositoryRef } from '@fargate-promote/promotion'
import { readServices, type ServiceStatus } from './ecs.js'
import {
  listDeployments,
  pendingApprovals,
  withStatus,
  type DeploymentView,
  type PendingApproval
} from './github.js'

/*
 * The promotion board: for every environment of the config, in its order, what runs there (ECS)
 * and what GitHub knows of it (the newest deployment, approvals waiting), read in parallel.
 * A part that cannot be read is said in its place; the others are still shown.
 */

/** How the newest deployment ended, as the board shows it. */
export type Verification = 'verified' | 'failed' | 'in-progress' | 'inactive' | 'none' | 'unknown'

export interface SoakStatus {
  requiredMs: number
  /** Epoch ms the live release went live. */
  since: number
  remainingMs: number
}

export interface EnvironmentStatus {
  name: string
  region: string
  cluster: string
  services: ServiceStatus[]
  /** Why ECS could not be read. */
  ecsError?: string
  /**
   * The GitHub deployment of what runs (the newest that deployed a live revision, else the
   * newest); null when there is none, absent when GitHub was not read.
   */
  deployment?: DeploymentView | null
  /** The newest deployment, when it is another one (a later attempt that did not stay live). */
  latest?: DeploymentView
  githubError?: string
  verification: Verification
  /** For an environment with a `soak` in the config, when it is known since when. */
  soak?: SoakStatus
  /** Runs waiting for approval to deploy here; absent when unknown. */
  approvals?: PendingApproval[]
}

export interface Board {
  config: string
  repository?: string
  /** Epoch ms. */
  generatedAt: number
  /** Why GitHub was not read, when it was not. */
  githubUnavailable?: string
  /** Why the waiting runs are unknown, when GitHub was read but they are. */
  approvalsUnknown?: string
  environments: EnvironmentStatus[]
}

export interface BoardDeps {
  /** The ECS and ELB clients of a region. */
  clients(region: string): Promise<{ ecs: ECSClient; elb: ElbClient }>
  github?: { client: GitHubClient; repo: RepositoryRef }
  githubUnavailable?: string
  now: number
}

const IN_PROGRESS = new Set(['in_progress', 'queued', 'pending'])

export function verificationOf(deployment: DeploymentView | null | undefined): Verification {
  if (deployment === undefined) return 'unknown'
  if (deployment === null) return 'none'
  if (deployment.state === 'success') return 'verified'
  if (deployment.state === 'failure' || deployment.state === 'error') return 'failed'
  if (deployment.state === 'inactive') return 'inactive'
  return IN_PROGRESS.has(deployment.state ?? '') ? 'in-progress' : 'unknown'
}

/** The soak still to go: the config's soak minus the time since the live release went live. */
export function soakOf(
  soak: string | undefined,
  services: readonly ServiceStatus[],
  deployment: DeploymentView | null | undefined,
  now: number
): SoakStatus | undefined {
  const requiredMs = soak === undefined ? undefined : parseDuration(soak)
  if (requiredMs === undefined) return undefined
  const live = services.flatMap(service => service.liveSince ?? [])
  const recorded = deployment?.createdAt ? Date.parse(deployment.createdAt) : Number.NaN
  const since = live.length > 0 ? Math.max(...live) : recorded
  if (!Number.isFinite(since)) return undefined
  return { requiredMs, since, remainingMs: Math.max(0, requiredMs - (now - since)) }
}

async function readEcs(
  cluster: string,
  names: string[],
  region: string,
  deps: BoardDeps
): Promise<{ services: ServiceStatus[]; ecsError?: string }> {
  try {
    const { ecs, elb } = await deps.clients(region)
    return { services: await readServices(cluster, names, { ecs, elb, now: deps.now }) }
  } catch (error) {
    return { services: [], ecsError: errorMessage(error) }
  }
}

type GitHubPart = Pick<EnvironmentStatus, 'deployment' | 'latest' | 'githubError'>

/** The deployment of what runs, found among the environment's newest ones, with its status. */
async function readGitHub(
  environment: string,
  live: Promise<ServiceStatus[]>,
  deps: BoardDeps
): Promise<GitHubPart> {
  if (deps.github === undefined) return {}
  const { client, repo } = deps.github
  try {
    const [deployments, services] = await Promise.all([
      listDeployments(client, repo, environment),
      live
    ])
    const newest = deployments[0]
    if (newest === undefined) return { deployment: null }
    const arns = new Set(services.map(service => service.taskDefinitionArn))
    const running = deployments.find(d => arns.has(d.taskDefinitionArn)) ?? newest
    const [deployment, latest] = await Promise.all([
      withStatus(client, repo, running),
      running === newest ? undefined : withStatus(client, repo, newest)
    ])
    return { deployment, ...(latest !== undefined && { latest }) }
  } catch (error) {
    return { githubError: errorMessage(error) }
  }
}

async function readApprovals(
  deps: BoardDeps
): Promise<{ approvals?: PendingApproval[]; unknown?: string }> {
  if (deps.github === undefined) return {}
  try {
    const approvals = await pendingApprovals(deps.github.client, deps.github.repo)
    return approvals === undefined
      ? { unknown: 'GitHub does not show the waiting runs to this token (404 or 403)' }
      : { approvals }
  } catch (error) {
    return { unknown: errorMessage(error) }
  }
}

/** Reads the board: every environment's ECS and GitHub parts and the approvals, in parallel. */
export async function readBoard(loaded: LoadedConfig, deps: BoardDeps): Promise<Board> {
  const entries = Object.entries(loaded.config.environments)
  const [approvals, environments] = await Promise.all([
    readApprovals(deps),
    Promise.all(
      entries.map(async ([name, env]) => {
        const names = env.services.map(service => service.name)
        const ecsRead = readEcs(env.cluster, names, env.region, deps)
        const live = ecsRead.then(read => read.services)
        const [ecs, github] = await Promise.all([ecsRead, readGitHub(name, live, deps)])
        return { name, env, ecs, github }
      })
    )
  ])
  return {
    config: loaded.path,
    ...(deps.github !== undefined && {
      repository: `${deps.github.repo.owner}/${deps.github.repo.repo}`
    }),
    generatedAt: deps.now,
    ...(deps.githubUnavailable !== undefined && { githubUnavailable: deps.githubUnavailable }),
    ...(approvals.unknown !== undefined && { approvalsUnknown: approvals.unknown }),
    environments: environments.map(({ name, env, ecs, github }): EnvironmentStatus => {
      const soak = soakOf(env.soak, ecs.services, github.deployment, deps.now)
      return {
        name,
        region: env.region,
        cluster: env.cluster,
        ...ecs,
        ...github,
        verification: github.githubError ? 'unknown' : verificationOf(github.deployment),
        ...(soak !== undefined && { soak }),
        ...(approvals.approvals !== undefined && {
          approvals: approvals.approvals.filter(approval => approval.environment === name)
        })
      }
    })
  }
}

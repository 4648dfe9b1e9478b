import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  type ECSClient,
  type Service,
  type ServiceDeploymentBrief
} from '@aws-sdk/client-ecs'
import {
  ConfigurationError,
  errorMessage,
  type Logger,
  silentLogger
} from '@fargate-promote/common'
import { parseImageReference } from './image-reference.js'
import { isDeploymentInProgress, preflight } from './preflight.js'
import { listRevisions } from './revisions.js'
import { familyOf, parseTaskDefinitionArn, shortName } from './task-definition-arn.js'
import { renderTaskDefinition } from './task-definition.js'

/** Tag deploy writes on every revision it registers: the ARN that was live before it. */
export const PREVIOUS_TAG = 'fargate-promote:previous'
/** Tag written by reinstateRevision on the copy of an INACTIVE revision. */
export const REINSTATED_FROM_TAG = 'fargate-promote:reinstated-from'
/** Tag key holding the released version (the caller of deploy passes it in `tags`). */
export const VERSION_TAG = 'version'
/** How many recent revisions a version lookup reads before giving up. */
export const VERSION_SCAN_LIMIT = 50

export type RollbackTo =
  | { kind: 'previous' }
  | { kind: 'version'; version: string }
  | { kind: 'revision'; revision: number }
  | { kind: 'arn'; arn: string }

/** One GitHub deployment of this service, as the promotion package reads them. */
export interface DeploymentHistoryEntry {
  taskDefinitionArn: string
  /** Epoch ms or an ISO date. */
  createdAt: number | string
  /** GitHub deployment state: success, inactive, failure, error, … */
  state: string
}

export type RollbackTargetSource =
  | 'service-deployments'
  | 'task-definition-tags'
  | 'github-deployments'
  | 'version-tag'
  | 'image-tag'
  | 'revision'
  | 'arn'

export interface RollbackTarget {
  taskDefinitionArn: string
  source: RollbackTargetSource
  /**
   * Read for a version, a revision or an ARN. Undefined for `previous`, which is not read before
   * the write (rollbackService registers an INACTIVE revision again when ECS refuses it).
   */
  status?: 'ACTIVE' | 'INACTIVE'
  /** The `version` tag, when the target was read (see status). */
  version?: string
  /** The target is what the service runs now. */
  isLive: boolean
  liveTaskDefinitionArn: string
  /** The service as described while resolving: pass it on to rollbackService (describedService). */
  liveService?: Service
}

export interface ResolveRollbackTargetOptions {
  cluster: string
  service: string
  to: RollbackTo
}

export interface ResolveRollbackTargetDeps {
  ecs: ECSClient
  history?: () => Promise<DeploymentHistoryEntry[]>
  log?: Logger
}

type Described = DescribeTaskDefinitionCommandOutput

/** A task definition with its tags; undefined when ECS does not know it. */
export async function readTaskDefinition(
  ecs: ECSClient,
  ref: string
): Promise<Described | undefined> {
  try {
    const described = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] })
    )
    return described.taskDefinition ? described : undefined
  } catch (error) {
    // ECS answers ClientException "Unable to describe task definition." for unknown revisions.
    if ((error as { name?: string }).name === 'ClientException') return undefined
    throw error
  }
}

function tagValue(described: Described, key: string): string | undefined {
  return described.tags?.find(tag => tag.key === key)?.value
}

function epoch(value: number | string): number {
  return typeof value === 'number' ? value : Date.parse(value)
}

/** ECS service-deployment history as task definitions, newest first. */
interface EcsHistory {
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
async function readEcsHistory(
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
function fromServiceDeployments(
  history: EcsHistory,
  live: string,
  rollingOut: boolean
): string | undefined {
  if (history.error !== undefined) throw history.error
  if (rollingOut && history.taskDefinitions?.includes(live)) return live
  return history.taskDefinitions?.find(arn => arn !== live)
}

async function fromGitHub(
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

async function resolvePrevious(
  options: ResolveRollbackTargetOptions,
  deps: ResolveRollbackTargetDeps,
  live: string,
  history: EcsHistory,
  rollingOut: boolean,
  log: Logger
): Promise<{ arn: string; source: RollbackTargetSource }> {
  const { service } = options
  const family = familyOf(live)
  const fromEcs = fromServiceDeployments(history, live, rollingOut)
  if (fromEcs) return { arn: fromEcs, source: 'service-deployments' }
  // Only now is the live revision read: its tag is the fallback when ECS history has no answer.
  const liveDescribed = await readTaskDefinition(deps.ecs, live)
  const tagged = liveDescribed ? tagValue(liveDescribed, PREVIOUS_TAG) : undefined
  if (tagged && tagged !== live) return { arn: tagged, source: 'task-definition-tags' }
  if (deps.history) {
    const fromHistory = await fromGitHub(deps.history, live, family, rollingOut, log)
    if (fromHistory) return { arn: fromHistory, source: 'github-deployments' }
  }
  throw new ConfigurationError(
    `to: no previous revision of service '${service}' could be found (ECS service-deployment history, the '${PREVIOUS_TAG}' tag on ${shortName(live)}${deps.history ? ', GitHub deployments' : ''}). Roll back to a version, a revision number or a task-definition ARN instead.`
  )
}

async function resolveVersion(
  ecs: ECSClient,
  family: string,
  version: string
): Promise<{ described: Described; source: RollbackTargetSource }> {
  if (version.trim() === '') {
    throw new ConfigurationError('to: the version is empty. Give the version to roll back to.')
  }
  const revisions = [
    ...(await listRevisions(family, 'ACTIVE', { ecs })),
    ...(await listRevisions(family, 'INACTIVE', { ecs }))
  ]
    .sort((a, b) => b.revision - a.revision)
    .slice(0, VERSION_SCAN_LIMIT)
  let imageMatch: Described | undefined
  for (const { arn } of revisions) {
    const described = await readTaskDefinition(ecs, arn)
    if (!described) continue
    if (tagValue(described, VERSION_TAG) === version) return { described, source: 'version-tag' }
    const tagged = (described.taskDefinition?.containerDefinitions ?? []).some(container => {
      try {
        return parseImageReference(container.image ?? '').tag === version
      } catch {
        return false
      }
    })
    if (tagged && !imageMatch) imageMatch = described
  }
  if (imageMatch) return { described: imageMatch, source: 'image-tag' }
  throw new ConfigurationError(
    `to: no revision of task definition family '${family}' among the newest ${VERSION_SCAN_LIMIT} has the '${VERSION_TAG}' tag or an image tag '${version}'. Check the version, or roll back to a revision number or ARN.`
  )
}

function statusOf(described: Described): 'ACTIVE' | 'INACTIVE' {
  return described.taskDefinition?.status === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE'
}

/**
 * Work out which task-definition revision "roll back to X" means for a service. Read-only.
 * "previous" is the revision that ran before the live one — never "live revision minus one".
 */
export async function resolveRollbackTarget(
  options: ResolveRollbackTargetOptions,
  deps: ResolveRollbackTargetDeps
): Promise<RollbackTarget> {
  const log = deps.log ?? silentLogger
  const { to } = options
  // For "previous", ECS history is read next to preflight (both read-only): one round trip less
  // of waiting. An unknown cluster still fails in preflight, from DescribeServices.
  const history =
    to.kind === 'previous'
      ? readEcsHistory(deps.ecs, options.cluster, options.service, log)
      : undefined
  const checked = await preflight(
    { cluster: options.cluster, services: [options.service], checkCluster: false },
    deps
  )
  const { liveTaskDefinitionArn: live, service: liveService } = checked.services[0] as {
    liveTaskDefinitionArn: string
    service: Service
  }
  const family = familyOf(live)

  let described: Described | undefined
  let source: RollbackTargetSource
  switch (to.kind) {
    case 'previous': {
      // Not described before the write: history names revisions that existed, and ECS refuses
      // (changing nothing) a missing or INACTIVE one, which rollbackService then handles.
      const rollingOut = isDeploymentInProgress(liveService)
      const found = await resolvePrevious(
        options,
        deps,
        live,
        (await history) ?? {},
        rollingOut,
        log
      )
      const target: RollbackTarget = {
        taskDefinitionArn: found.arn,
        source: found.source,
        isLive: found.arn === live,
        liveTaskDefinitionArn: live,
        liveService
      }
      log.info(
        `Rollback target for ${options.service}: ${shortName(found.arn)} (${found.source}${target.isLive ? ', already being rolled out' : ''})`
      )
      return target
    }
    case 'version': {
      const found = await resolveVersion(deps.ecs, family, to.version)
      described = found.described
      source = found.source
      break
    }
    case 'revision': {
      if (!Number.isInteger(to.revision) || to.revision <= 0) {
        throw new ConfigurationError(
          `to: revision '${to.revision}' is not a positive whole number. Give a revision of family '${family}', e.g. 42.`
        )
      }
      source = 'revision'
      described = await readTaskDefinition(deps.ecs, `${family}:${to.revision}`)
      if (!described) {
        throw new ConfigurationError(
          `to: revision ${to.revision} of task definition family '${family}' does not exist. List revisions with 'aws ecs list-task-definitions --family-prefix ${family}'.`
        )
      }
      break
    }
    case 'arn': {
      const parsed = parseTaskDefinitionArn(to.arn)
      if (!parsed || parsed.revision === undefined) {
        throw new ConfigurationError(
          `to: '${to.arn}' is not a task-definition ARN with a revision (arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>).`
        )
      }
      if (parsed.family !== family) {
        throw new ConfigurationError(
          `to: '${to.arn}' belongs to family '${parsed.family}', but service '${options.service}' runs family '${family}'. Roll back to a revision of '${family}'.`
        )
      }
      source = 'arn'
      described = await readTaskDefinition(deps.ecs, to.arn)
      if (!described) {
        throw new ConfigurationError(
          `to: task definition '${to.arn}' does not exist. Check the ARN.`
        )
      }
      break
    }
  }
  const arn = described.taskDefinition?.taskDefinitionArn as string
  const version = tagValue(described, VERSION_TAG)
  const target: RollbackTarget = {
    taskDefinitionArn: arn,
    source,
    status: statusOf(described),
    ...(version === undefined ? {} : { version }),
    isLive: arn === live,
    liveTaskDefinitionArn: live,
    liveService
  }
  log.info(
    `Rollback target for ${options.service}: ${shortName(arn)} (${source}${version ? `, version ${version}` : ''}${target.status === 'INACTIVE' ? ', INACTIVE' : ''}${target.isLive ? ', already live' : ''})`
  )
  return target
}

/**
 * Register an INACTIVE revision again with the same content, so a service can be moved to it
 * (ECS does not start new deployments of INACTIVE revisions). Returns the new ARN.
 */
export async function reinstateRevision(
  arn: string,
  deps: { ecs: ECSClient; log: Logger }
): Promise<string> {
  const described = await readTaskDefinition(deps.ecs, arn)
  if (!described) {
    throw new ConfigurationError(`to: task definition '${arn}' does not exist. Check the ARN.`)
  }
  const rendered = renderTaskDefinition({
    base: { taskDefinition: described.taskDefinition, tags: described.tags ?? [] },
    images: {},
    environment: {},
    tags: { [REINSTATED_FROM_TAG]: arn },
    source: arn
  })
  const registered = await deps.ecs.send(new RegisterTaskDefinitionCommand(rendered.input))
  const newArn = registered.taskDefinition?.taskDefinitionArn
  if (!newArn) throw new Error(`RegisterTaskDefinition returned no ARN when reinstating ${arn}`)
  deps.log.info(`Registered ${shortName(arn)} again as ${shortName(newArn)} (it was INACTIVE)`)
  return newArn
}

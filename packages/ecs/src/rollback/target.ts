import type { DescribeTaskDefinitionCommandOutput, ECSClient, Service } from '@aws-sdk/client-ecs'
import { ConfigurationError, type Logger, silentLogger } from '@fargate-promote/common'
import { preflight } from '../deploy/preflight.js'
import { isDeploymentInProgress } from '../observe/settled.js'
import { familyOf, parseTaskDefinitionArn, shortName } from '../task-definitions/arn.js'
import { parseImageReference } from '../task-definitions/image-reference.js'
import { readTaskDefinition, tagValue } from '../task-definitions/read.js'
import { listRevisions } from '../task-definitions/revisions.js'
import { PREVIOUS_TAG, VERSION_TAG } from '../task-definitions/tags.js'
import {
  fromGitHub,
  fromServiceDeployments,
  readEcsHistory,
  type DeploymentHistoryEntry,
  type EcsHistory
} from './history.js'

/** How many recent revisions a version lookup reads before giving up. */
export const VERSION_SCAN_LIMIT = 50

export type RollbackTo =
  | { kind: 'previous' }
  | { kind: 'version'; version: string }
  | { kind: 'revision'; revision: number }
  | { kind: 'arn'; arn: string }

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

const TO = { input: 'to' }

async function resolvePrevious(
  options: ResolveRollbackTargetOptions,
  deps: ResolveRollbackTargetDeps,
  live: string,
  history: EcsHistory,
  rollingOut: boolean,
  log: Logger
): Promise<{ arn: string; source: RollbackTargetSource }> {
  const fromEcs = fromServiceDeployments(history, live, rollingOut)
  if (fromEcs) return { arn: fromEcs, source: 'service-deployments' }
  // Only now is the live revision read: its tag is the fallback when ECS history has no answer.
  const liveDescribed = await readTaskDefinition(deps.ecs, live)
  const tagged = liveDescribed ? tagValue(liveDescribed, PREVIOUS_TAG) : undefined
  if (tagged && tagged !== live) return { arn: tagged, source: 'task-definition-tags' }
  if (deps.history) {
    const fromHistory = await fromGitHub(deps.history, live, familyOf(live), rollingOut, log)
    if (fromHistory) return { arn: fromHistory, source: 'github-deployments' }
  }
  throw new ConfigurationError(
    `no previous revision of service '${options.service}' could be found (ECS service-deployment history, the '${PREVIOUS_TAG}' tag on ${shortName(live)}${deps.history ? ', GitHub deployments' : ''}). Roll back to a version, a revision number or a task-definition ARN instead.`,
    TO
  )
}

function hasImageTag(described: Described, version: string): boolean {
  return (described.taskDefinition?.containerDefinitions ?? []).some(container => {
    try {
      return parseImageReference(container.image ?? '').tag === version
    } catch {
      return false
    }
  })
}

async function resolveVersion(
  ecs: ECSClient,
  family: string,
  version: string
): Promise<{ described: Described; source: RollbackTargetSource }> {
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
    if (!imageMatch && hasImageTag(described, version)) imageMatch = described
  }
  if (imageMatch) return { described: imageMatch, source: 'image-tag' }
  throw new ConfigurationError(
    `no revision of task definition family '${family}' among the newest ${VERSION_SCAN_LIMIT} has the '${VERSION_TAG}' tag or an image tag '${version}'. Check the version, or roll back to a revision number or ARN.`,
    TO
  )
}

/** A version, a revision number or an ARN: described, with how it was found. */
async function resolveNamed(
  to: Exclude<RollbackTo, { kind: 'previous' }>,
  options: ResolveRollbackTargetOptions,
  family: string,
  ecs: ECSClient
): Promise<{ described: Described; source: RollbackTargetSource }> {
  if (to.kind === 'version') return resolveVersion(ecs, family, to.version)
  if (to.kind === 'revision') {
    const described = await readTaskDefinition(ecs, `${family}:${to.revision}`)
    if (described) return { described, source: 'revision' }
    throw new ConfigurationError(
      `revision ${to.revision} of task definition family '${family}' does not exist. List revisions with 'aws ecs list-task-definitions --family-prefix ${family}'.`,
      TO
    )
  }
  const parsed = parseTaskDefinitionArn(to.arn)
  if (parsed?.family !== family) {
    throw new ConfigurationError(
      `'${to.arn}' belongs to family '${parsed?.family ?? '?'}', but service '${options.service}' runs family '${family}'. Roll back to a revision of '${family}'.`,
      TO
    )
  }
  const described = await readTaskDefinition(ecs, to.arn)
  if (described) return { described, source: 'arn' }
  throw new ConfigurationError(`task definition '${to.arn}' does not exist. Check the ARN.`, TO)
}

/**
 * Work out which task-definition revision "roll back to X" means for a service. Read-only.
 * "previous" is the revision that ran before the live one — never "live revision minus one".
 * Its history is read next to preflight (both read-only): one round trip less of waiting; it
 * is not described before the write (rollbackService handles a missing or INACTIVE one).
 */
export async function resolveRollbackTarget(
  options: ResolveRollbackTargetOptions,
  deps: ResolveRollbackTargetDeps
): Promise<RollbackTarget> {
  const log = deps.log ?? silentLogger
  const { to } = options
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
  const base = { liveTaskDefinitionArn: live, liveService }
  if (to.kind === 'previous') {
    const rollingOut = isDeploymentInProgress(liveService)
    const found = await resolvePrevious(options, deps, live, (await history) ?? {}, rollingOut, log)
    const isLive = found.arn === live
    log.info(
      `Rollback target for ${options.service}: ${shortName(found.arn)} (${found.source}${isLive ? ', already being rolled out' : ''})`
    )
    return { taskDefinitionArn: found.arn, source: found.source, isLive, ...base }
  }
  const { described, source } = await resolveNamed(to, options, familyOf(live), deps.ecs)
  const arn = described.taskDefinition?.taskDefinitionArn as string
  const version = tagValue(described, VERSION_TAG)
  const status = described.taskDefinition?.status === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE'
  const target: RollbackTarget = {
    taskDefinitionArn: arn,
    source,
    status,
    ...(version === undefined ? {} : { version }),
    isLive: arn === live,
    ...base
  }
  log.info(
    `Rollback target for ${options.service}: ${shortName(arn)} (${source}${version ? `, version ${version}` : ''}${status === 'INACTIVE' ? ', INACTIVE' : ''}${target.isLive ? ', already live' : ''})`
  )
  return target
}

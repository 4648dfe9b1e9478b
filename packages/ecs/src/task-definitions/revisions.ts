import {
  DeregisterTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  type ECSClient,
  type TaskDefinitionStatus
} from '@aws-sdk/client-ecs'
import { ConfigurationError, errorMessage, type Logger } from '@fargate-promote/common'
import { parseTaskDefinitionArn, shortName } from './arn.js'

export interface PruneRevisionsOptions {
  family: string
  /** How many of the newest ACTIVE revisions to keep. */
  keep: number
  /** Never deregistered: the live revision, the previous one, any used by a deployment. */
  protect: string[]
}

/**
 * Every revision of exactly `family` with the given status, newest first. `familyPrefix` also
 * matches longer families (`api` matches `api-worker`), so the ARNs are filtered by family.
 */
export async function listRevisions(
  family: string,
  status: TaskDefinitionStatus,
  deps: { ecs: ECSClient }
): Promise<{ arn: string; revision: number }[]> {
  const revisions: { arn: string; revision: number }[] = []
  let nextToken: string | undefined
  do {
    const page = await deps.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: family, status, sort: 'DESC', nextToken })
    )
    for (const arn of page.taskDefinitionArns ?? []) {
      const parsed = parseTaskDefinitionArn(arn)
      if (parsed?.family === family && parsed.revision !== undefined) {
        revisions.push({ arn, revision: parsed.revision })
      }
    }
    nextToken = page.nextToken
  } while (nextToken)
  return revisions.sort((a, b) => b.revision - a.revision)
}

/**
 * Deregister the ACTIVE revisions of a family beyond the newest `keep`, sparing protected ones.
 * Housekeeping: a revision that cannot be deregistered is logged and skipped, not fatal.
 * Returns the ARNs deregistered.
 */
export async function pruneRevisions(
  options: PruneRevisionsOptions,
  deps: { ecs: ECSClient; log: Logger }
): Promise<string[]> {
  const { family, keep } = options
  if (!Number.isInteger(keep) || keep < 1) {
    throw new ConfigurationError(
      `keep-revisions: '${keep}' is not a whole number of at least 1. Give how many recent revisions to keep, e.g. 10.`
    )
  }
  const protectedArns = new Set(options.protect)
  const revisions = await listRevisions(family, 'ACTIVE', deps)
  const candidates = revisions.slice(keep).filter(r => !protectedArns.has(r.arn))
  const deregistered: string[] = []
  for (const { arn } of candidates) {
    try {
      await deps.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }))
      deregistered.push(arn)
    } catch (error) {
      deps.log.warning(`Could not deregister ${shortName(arn)}: ${errorMessage(error)}`)
    }
  }
  if (deregistered.length > 0) {
    deps.log.info(
      `Deregistered ${deregistered.length} old revision${deregistered.length > 1 ? 's' : ''} of ${family}: ${deregistered.map(shortName).join(', ')}`
    )
  }
  return deregistered
}

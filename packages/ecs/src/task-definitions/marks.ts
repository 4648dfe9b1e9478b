import { TagResourceCommand, type ECSClient } from '@aws-sdk/client-ecs'
import { errorMessage, type Logger } from '@fargate-promote/common'
import { readTaskDefinition } from './read.js'
import { ROLLBACK_REASON_TAG, ROLLED_BACK_AT_TAG, TAG_VALUE_LIMIT, VERSION_TAG } from './tags.js'
import { shortName } from './arn.js'

/**
 * A tag value ECS accepts: letters, digits, spaces and `+ - = . _ : / @`, at most 256
 * characters. Anything else becomes a space; runs of spaces collapse.
 */
export function sanitizeTagValue(text: string): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} +\-=._:/@]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return Array.from(cleaned).slice(0, TAG_VALUE_LIMIT).join('').trimEnd()
}

/** Marks the revision rolled back to, with when and why. A failure is only a warning. */
export async function tagRolledBack(
  arn: string,
  reason: string,
  at: Date,
  deps: { ecs: ECSClient; log: Logger }
): Promise<boolean> {
  try {
    await deps.ecs.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: ROLLED_BACK_AT_TAG, value: at.toISOString() },
          { key: ROLLBACK_REASON_TAG, value: sanitizeTagValue(reason) }
        ]
      })
    )
    return true
  } catch (error) {
    deps.log.warning(`Could not tag ${shortName(arn)} with the rollback: ${errorMessage(error)}`)
    return false
  }
}

/** What the summary shows of a revision. */
export interface RevisionView {
  arn: string
  version?: string
  /** container → image */
  images: Record<string, string>
}

/** Images and version of a revision; undefined (with a debug line) when it cannot be read. */
export async function describeRevision(
  arn: string,
  deps: { ecs: ECSClient; log: Logger }
): Promise<RevisionView | undefined> {
  let described: Awaited<ReturnType<typeof readTaskDefinition>>
  try {
    described = await readTaskDefinition(deps.ecs, arn)
  } catch (error) {
    deps.log.debug(`Could not describe ${shortName(arn)}: ${errorMessage(error)}`)
    return undefined
  }
  if (!described) {
    deps.log.debug(`Could not describe ${shortName(arn)}: ECS does not know it`)
    return undefined
  }
  const images: Record<string, string> = {}
  for (const container of described.taskDefinition?.containerDefinitions ?? []) {
    if (container.name && container.image) images[container.name] = container.image
  }
  const version = described.tags?.find(tag => tag.key === VERSION_TAG)?.value
  return { arn, images, version }
}

import {
  DescribeTaskDefinitionCommand,
  TagResourceCommand,
  type ECSClient
} from '@aws-sdk/client-ecs'
import { errorMessage, type Logger } from '@fargate-promote/common'
import { VERSION_TAG } from './rollback-target.js'
import { shortName } from './task-definition-arn.js'

/** Tags written on the revision a service was rolled back to. */
export const ROLLED_BACK_AT_TAG = 'fargate-promote:rolled-back-at'
export const ROLLBACK_REASON_TAG = 'fargate-promote:rollback-reason'
/** ECS limit on a tag value, in characters. */
export const TAG_VALUE_LIMIT = 256

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
  try {
    const { taskDefinition, tags } = await deps.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })
    )
    const images: Record<string, string> = {}
    for (const container of taskDefinition?.containerDefinitions ?? []) {
      if (container.name && container.image) images[container.name] = container.image
    }
    const version = tags?.find(tag => tag.key === VERSION_TAG)?.value
    return { arn, images, version }
  } catch (error) {
    deps.log.debug(`Could not describe ${shortName(arn)}: ${errorMessage(error)}`)
    return undefined
  }
}

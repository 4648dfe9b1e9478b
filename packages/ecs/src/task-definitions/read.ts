import {
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  type ECSClient
} from '@aws-sdk/client-ecs'

/** A task definition with its tags; undefined when ECS does not know it. */
export async function readTaskDefinition(
  ecs: ECSClient,
  ref: string
): Promise<DescribeTaskDefinitionCommandOutput | undefined> {
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

/** The value of a tag of a described task definition. */
export function tagValue(
  described: DescribeTaskDefinitionCommandOutput,
  key: string
): string | undefined {
  return described.tags?.find(tag => tag.key === key)?.value
}

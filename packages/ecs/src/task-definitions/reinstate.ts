import { RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs'
import { ConfigurationError, type Logger } from '@fargate-promote/common'
import { shortName } from './arn.js'
import { readTaskDefinition } from './read.js'
import { renderTaskDefinition } from './render.js'
import { REINSTATED_FROM_TAG } from './tags.js'

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
    throw new ConfigurationError(`task definition '${arn}' does not exist. Check the ARN.`, {
      input: 'to'
    })
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

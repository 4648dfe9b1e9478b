import {
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Tag
} from '@aws-sdk/client-ecs'
import { ConfigurationError, errorMessage } from '@fargate-promote/common'
import { shortName } from '../task-definitions/arn.js'
import { PREVIOUS_TAG } from '../task-definitions/tags.js'
import type { DeployRun, Working } from './run.js'

function withPrevious(
  input: RegisterTaskDefinitionCommandInput,
  previous: string
): RegisterTaskDefinitionCommandInput {
  return {
    ...input,
    // render always tags the revision, PREVIOUS_TAG included
    tags: (input.tags as Tag[]).map(tag =>
      tag.key === PREVIOUS_TAG ? { key: tag.key, value: previous } : tag
    )
  }
}

/**
 * Registers the new revision of every service (once for services that render the same
 * definition) and sets `arn` on each; an ARN deployed as is needs none. Returns how many
 * revisions were registered. ECS refusing the definition is a configuration error: nothing was
 * deployed. A cancellation abandons the call under way and registers nothing more.
 */
export async function registerRevisions(run: DeployRun, working: Working[]): Promise<number> {
  const { deps } = run
  const registered = new Map<string, string>()
  for (const w of working) {
    if (w.plan.deployAsIs) {
      w.arn = w.plan.deployAsIs
      continue
    }
    const input = withPrevious(w.plan.rendered.input, w.plan.checked.liveTaskDefinitionArn)
    const key = JSON.stringify(input)
    let arn = registered.get(key)
    if (!arn) {
      // Cancelled: register no more (the caller reports what was and was not registered).
      if (deps.signal?.aborted) break
      arn = await register(run, input, w.plan.checked.name)
      if (arn === undefined) break
      registered.set(key, arn)
      deps.log.info(`Registered ${shortName(arn)} for ${w.plan.checked.name}`)
    }
    w.arn = arn
  }
  for (const w of working) w.result.taskDefinitionArn = w.arn
  return registered.size
}

async function register(
  run: DeployRun,
  input: RegisterTaskDefinitionCommandInput,
  service: string
): Promise<string | undefined> {
  let arn: string | undefined
  const { signal } = run.deps
  try {
    const answer = await run.deps.ecs.send(
      new RegisterTaskDefinitionCommand(input),
      signal === undefined ? {} : { abortSignal: signal }
    )
    arn = answer.taskDefinition?.taskDefinitionArn
  } catch (error) {
    if (signal?.aborted) return undefined
    const name = (error as { name?: string }).name
    if (name === 'ClientException' || name === 'InvalidParameterException') {
      throw new ConfigurationError(
        `ECS refused the task definition for ${service}: ${errorMessage(error)}. Fix the task definition; nothing was deployed.`,
        { input: 'task-definition' }
      )
    }
    throw error
  }
  if (!arn) throw new Error(`RegisterTaskDefinition returned no ARN for ${service}`)
  return arn
}

import { ConfigurationError, type InputReader, type RunContext } from '@fargate-promote/common'
import {
  checkTaskDefinitionFileSize,
  parseTaskDefinitionArn,
  type DeployOptions,
  type TaskDefinitionSource
} from '@fargate-promote/ecs'
import type { RecordTarget } from '../github/recorder.js'
import { withEnvironmentConfig } from '../config/inputs.js'
import { fileRoots, readServices, recordTarget } from '../inputs/common.js'

/** Where deploy-fargate records the GitHub deployment: an environment of a repository. */
/** Where the deploy is recorded as a GitHub deployment. */
export type DeployRecordTarget = RecordTarget

/** Every setting of a deploy, read and checked once, before anything talks to AWS. */
export interface DeployInputs extends DeployOptions {
  /** The release label: the `version` tag of the revision and of the GitHub deployment. */
  version: string
  /** The GitHub environment the deployment is recorded for. */
  environmentName?: string
  environmentUrl?: string
  githubToken?: string
  /** Set when the deployment is recorded on GitHub (a token, an environment, a repository). */
  record?: DeployRecordTarget
  /** Set when staging-gate's emergency path let the release through: recorded on GitHub. */
  emergency?: { reason: string; actor?: string }
}

const ENV_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_]*$/
const TAG_KEY = /^[A-Za-z0-9 +\-=._:/@]{1,128}$/
/** `container`, or `service/container` for one service of several (staging-gate's `images`). */
const CONTAINER = /^(?:[A-Za-z0-9_-]{1,255}\/)?[A-Za-z0-9_-]{1,255}$/

async function readTaskDefinition(
  inputs: InputReader,
  context: RunContext,
  serviceCount: number
): Promise<TaskDefinitionSource> {
  const path = inputs.optional('task-definition')
  const arn = inputs.optional('task-definition-arn')
  if (path !== undefined && arn !== undefined) {
    throw new ConfigurationError(
      "was given together with 'task-definition-arn'. Give one: a JSON file to register, or an existing revision to deploy.",
      { input: 'task-definition' }
    )
  }
  const input = path !== undefined ? 'task-definition' : 'task-definition-arn'
  if ((path !== undefined || arn !== undefined) && serviceCount > 1) {
    throw new ConfigurationError(
      "can only be used with one service; with 'services' every service starts from its own current task definition.",
      { input }
    )
  }
  if (arn !== undefined) {
    if (parseTaskDefinitionArn(arn) === undefined) {
      throw new ConfigurationError(
        `'${arn}' is not a task-definition ARN or family:revision. Give e.g. arn:aws:ecs:eu-west-1:123456789012:task-definition/api:42.`,
        { input }
      )
    }
    return { kind: 'arn', arn }
  }
  const file = await inputs.structuredFile('task-definition', fileRoots(context))
  if (file === undefined) return { kind: 'current' }
  // ECS refuses a definition over 64 KiB with a bare 413: say so before any AWS call.
  checkTaskDefinitionFileSize(file.value, `'${file.path}'`, { input: 'task-definition' })
  return { kind: 'file', path: file.path, definition: file.value }
}

/** staging-gate's `images` output as given: a JSON object of container to image. */
function imagesJson(inputs: InputReader, text: string): Map<string, string> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  const entries = typeof parsed === 'object' && parsed !== null ? Object.entries(parsed) : []
  if (
    Array.isArray(parsed) ||
    entries.length === 0 ||
    entries.some(([key, value]) => typeof value !== 'string' || !CONTAINER.test(key))
  ) {
    throw new ConfigurationError(
      'starts with \'{\' but is not a JSON object of container (or service/container) to image, like staging-gate\'s `images` output. Give {"web":"repo/web@sha256:…"} or container=image lines.',
      inputs.subjectOf('images')
    )
  }
  return new Map(entries as [string, string][])
}

function readImages(inputs: InputReader): Record<string, string> {
  const images: Record<string, string> = {}
  const text = inputs.optional('images')
  const lines = text?.startsWith('{')
    ? imagesJson(inputs, text)
    : inputs.keyValues('images', {
        keyPattern: CONTAINER,
        keyDescription: 'a container name (or service/container)',
        form: 'container=image'
      })
  for (const [container, image] of lines) {
    if (!image) {
      throw new ConfigurationError(`container '${container}' has no image after '='.`, {
        input: 'images'
      })
    }
    images[container] = image
  }
  const image = inputs.optional('image')
  const containers = inputs.list('container')
  if (image === undefined && containers.length === 0) return images
  if (image === undefined || containers.length === 0) {
    const [given, missing] = image === undefined ? ['container', 'image'] : ['image', 'container']
    throw new ConfigurationError(
      `needs '${missing}' too: the two go together.`,
      inputs.subjectOf(given)
    )
  }
  for (const container of containers) {
    if (images[container] !== undefined) {
      throw new ConfigurationError(
        `container '${container}' has an image in both 'images' and 'image'. Give it once.`,
        inputs.subjectOf('image')
      )
    }
    images[container] = image
  }
  return images
}

function readEnvironment(inputs: InputReader): Record<string, Record<string, string>> {
  const environment: Record<string, Record<string, string>> = {}
  const lines = inputs.keyValues('environment-variables', {
    keyPattern: ENV_KEY,
    keyDescription: 'container.NAME',
    form: 'container.NAME=value'
  })
  for (const [key, value] of lines) {
    const dot = key.indexOf('.')
    const variables = (environment[key.slice(0, dot)] ??= {})
    variables[key.slice(dot + 1)] = value
  }
  return environment
}

/** Tags every revision carries so a release can be traced and rolled back by version. */
function readTags(
  inputs: InputReader,
  version: string,
  context: RunContext
): Record<string, string> {
  const tags: Record<string, string> = { version }
  if (context.sha) tags.commit = context.sha
  if (context.ref) tags.ref = context.ref
  if (context.runUrl) tags['run-url'] = context.runUrl
  if (context.actor) tags.actor = context.actor
  const given = inputs.keyValues('tags', { keyPattern: TAG_KEY, keyDescription: 'a tag key' })
  for (const [key, value] of given) tags[key] = value
  return tags
}

function readPreDeploy(inputs: InputReader): DeployOptions['preDeploy'] {
  const text = inputs.optional('pre-deploy-command')
  const container = inputs.optional('pre-deploy-container')
  if (text === undefined) {
    if (container !== undefined) {
      throw new ConfigurationError("was given without 'pre-deploy-command'.", {
        input: 'pre-deploy-container'
      })
    }
    return undefined
  }
  const command = text.startsWith('[') ? parseCommandArray(text) : ['sh', '-c', text]
  return container === undefined ? { command } : { command, container }
}

function parseCommandArray(text: string): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    !parsed.every(part => typeof part === 'string')
  ) {
    throw new ConfigurationError(
      `starts with '[' but is not a JSON array of strings (the command is not shown: it may carry credentials). Give ["npm","run","migrate"] or a plain command line.`,
      { input: 'pre-deploy-command' }
    )
  }
  return parsed
}

function readWaitForTargetHealth(inputs: InputReader): boolean | 'auto' {
  const choice = inputs.choice('wait-for-target-health', ['auto', 'true', 'false'], 'auto')
  return choice === 'auto' ? 'auto' : choice === 'true'
}

/** deploy-fargate's settings, from an action's inputs or any other InputReader. */
export async function readDeployInputs(
  given: InputReader,
  context: RunContext
): Promise<DeployInputs> {
  const inputs = await withEnvironmentConfig(given, { action: 'deploy', context })
  const cluster = inputs.required('cluster', 'the ECS cluster name or ARN')
  const services = readServices(inputs, 'the ECS service to deploy')
  const polling = inputs.polling({
    timeout: 'timeout',
    interval: 'poll-interval',
    timeoutDefault: '30m',
    intervalDefault: '5s'
  })
  const version = inputs.optional('version') ?? context.sha?.slice(0, 7) ?? 'unversioned'
  const dryRun = inputs.boolean('dry-run', false)
  const environment = inputs.optional('environment')
  const environmentUrl = inputs.url('environment-url')
  const githubToken = inputs.optional('github-token')
  const desiredCount = inputs.optionalInteger('desired-count', { min: 0, max: 5000 })
  const keepRevisions = inputs.optionalInteger('keep-revisions', { min: 1, max: 1000 })
  const preDeploy = readPreDeploy(inputs)
  const emergencyReason = inputs.optional('emergency-reason')
  const record = dryRun
    ? undefined
    : recordTarget(context, {
        environment,
        token: githubToken,
        ...(environmentUrl !== undefined && { environmentUrl })
      })
  return {
    cluster,
    services,
    taskDefinition: await readTaskDefinition(inputs, context, services.length),
    images: readImages(inputs),
    environment: readEnvironment(inputs),
    tags: readTags(inputs, version, context),
    forceNewDeployment: inputs.boolean('force-new-deployment', false),
    wait: inputs.boolean('wait', true),
    timeoutMs: polling.timeoutMs,
    pollIntervalMs: polling.intervalMs,
    waitForTargetHealth: readWaitForTargetHealth(inputs),
    onFailure: inputs.choice('on-failure', ['rollback', 'none'], 'rollback'),
    circuitBreaker: inputs.boolean('circuit-breaker', true),
    alarms: inputs.list('alarms'),
    dryRun,
    version,
    ...(desiredCount !== undefined && { desiredCount }),
    ...(keepRevisions !== undefined && { keepRevisions }),
    ...(preDeploy !== undefined && { preDeploy }),
    ...(environment !== undefined && { environmentName: environment }),
    ...(environmentUrl !== undefined && { environmentUrl }),
    ...(githubToken !== undefined && { githubToken }),
    ...(record !== undefined && { record }),
    ...(emergencyReason !== undefined && {
      emergency: {
        reason: emergencyReason,
        ...(context.actor !== undefined && { actor: context.actor })
      }
    })
  }
}

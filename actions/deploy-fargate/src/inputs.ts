import {
  ConfigurationError,
  getBoolean,
  getChoice,
  getPolling,
  getInteger,
  getKeyValueMap,
  getList,
  getOptionalString,
  getRequiredString,
  getStructuredFile,
  type RunContext
} from '@fargate-promote/runner'

export type TaskDefinitionSource =
  | { kind: 'file'; definition: unknown; path: string }
  | { kind: 'arn'; arn: string }
  | { kind: 'current' }

/** Every input of deploy-fargate, parsed and checked before anything talks to AWS. */
export interface DeploySettings {
  cluster: string
  services: string[]
  taskDefinition: TaskDefinitionSource
  images: Record<string, string>
  environment: Record<string, Record<string, string>>
  desiredCount?: number
  forceNewDeployment: boolean
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  waitForTargetHealth: boolean | 'auto'
  onFailure: 'rollback' | 'none'
  circuitBreaker: boolean
  alarms: string[]
  version: string
  tags: Record<string, string>
  keepRevisions?: number
  preDeploy?: { command: string[]; container?: string }
  dryRun: boolean
  environmentName?: string
  environmentUrl?: string
  githubToken?: string
}

const MAX_SERVICES = 10
const ENV_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_]*$/
const TAG_KEY = /^[A-Za-z0-9 +\-=._:/@]{1,128}$/

function readServices(): string[] {
  const single = getOptionalString('service')
  const several = getList('services')
  if (single && several.length > 0) {
    throw new ConfigurationError(
      "Inputs 'service' and 'services' were both given. Use 'service' for one service or 'services' for several, not both."
    )
  }
  const services = single ? [single] : several
  if (services.length === 0) {
    throw new ConfigurationError("Input 'service' is required: give the ECS service to deploy.")
  }
  if (services.length > MAX_SERVICES) {
    throw new ConfigurationError(
      `Input 'services' lists ${services.length} services; at most ${MAX_SERVICES} can be deployed together (the DescribeServices limit). Split them over several steps.`
    )
  }
  const duplicate = services.find((name, index) => services.indexOf(name) !== index)
  if (duplicate) {
    throw new ConfigurationError(`Input 'services' lists '${duplicate}' twice.`)
  }
  return services
}

function readTaskDefinition(context: RunContext, serviceCount: number): TaskDefinitionSource {
  const path = getOptionalString('task-definition')
  const arn = getOptionalString('task-definition-arn')
  if (path && arn) {
    throw new ConfigurationError(
      "Inputs 'task-definition' and 'task-definition-arn' were both given. Give one: a JSON file to register, or an existing revision to deploy."
    )
  }
  if ((path || arn) && serviceCount > 1) {
    throw new ConfigurationError(
      `Input '${path ? 'task-definition' : 'task-definition-arn'}' can only be used with one service; with 'services' every service starts from its own current task definition.`
    )
  }
  if (path) {
    return {
      kind: 'file',
      path,
      definition: getStructuredFile('task-definition', { baseDir: context.workspace })
    }
  }
  if (arn) return { kind: 'arn', arn }
  return { kind: 'current' }
}

function readImages(): Record<string, string> {
  const images: Record<string, string> = {}
  for (const [container, image] of getKeyValueMap('images', {
    keyPattern: /^[A-Za-z0-9_-]{1,255}$/,
    keyDescription: 'a container name'
  })) {
    if (!image)
      throw new ConfigurationError(
        `Input 'images': container '${container}' has no image after '='.`
      )
    images[container] = image
  }
  const image = getOptionalString('image')
  const container = getOptionalString('container')
  if (image === undefined && container === undefined) return images
  if (!image || !container) {
    throw new ConfigurationError(
      `Inputs 'image' and 'container' go together: ${image ? `'image' is '${image}' but 'container' is empty` : `'container' is '${container}' but 'image' is empty`}.`
    )
  }
  if (images[container] !== undefined) {
    throw new ConfigurationError(
      `Container '${container}' has an image in both 'images' and 'image'. Give it once.`
    )
  }
  images[container] = image
  return images
}

function readEnvironment(): Record<string, Record<string, string>> {
  const environment: Record<string, Record<string, string>> = {}
  for (const [key, value] of getKeyValueMap('environment-variables', {
    keyPattern: ENV_KEY,
    keyDescription: 'container.NAME'
  })) {
    const dot = key.indexOf('.')
    const container = key.slice(0, dot)
    const variables = (environment[container] ??= {})
    variables[key.slice(dot + 1)] = value
  }
  return environment
}

function readTags(): Record<string, string> {
  const tags: Record<string, string> = {}
  for (const [key, value] of getKeyValueMap('tags', {
    keyPattern: TAG_KEY,
    keyDescription: 'a tag key'
  })) {
    tags[key] = value
  }
  return tags
}

function readPreDeploy(): DeploySettings['preDeploy'] {
  const text = getOptionalString('pre-deploy-command')
  const container = getOptionalString('pre-deploy-container')
  if (!text) {
    if (container) {
      throw new ConfigurationError(
        "Input 'pre-deploy-container' was given without 'pre-deploy-command'."
      )
    }
    return undefined
  }
  if (!text.startsWith('[')) return { command: ['sh', '-c', text], container }
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
      `Input 'pre-deploy-command' starts with '[' but is not a JSON array of strings (the command is not shown: it may carry credentials). Give ["npm","run","migrate"] or a plain command line.`
    )
  }
  return { command: parsed, container }
}

function readWaitForTargetHealth(): boolean | 'auto' {
  const choice = getChoice('wait-for-target-health', ['auto', 'true', 'false'], 'auto')
  return choice === 'auto' ? 'auto' : choice === 'true'
}

export function readDeploySettings(context: RunContext): DeploySettings {
  const cluster = getRequiredString('cluster')
  const services = readServices()
  const { timeoutMs, intervalMs: pollIntervalMs } = getPolling({
    timeout: 'timeout',
    interval: 'poll-interval',
    timeoutDefault: '30m',
    intervalDefault: '5s'
  })
  const desiredCountText = getOptionalString('desired-count')
  const keepText = getOptionalString('keep-revisions')
  return {
    cluster,
    services,
    taskDefinition: readTaskDefinition(context, services.length),
    images: readImages(),
    environment: readEnvironment(),
    desiredCount:
      desiredCountText === undefined
        ? undefined
        : getInteger('desired-count', { min: 0, max: 5000 }),
    forceNewDeployment: getBoolean('force-new-deployment', false),
    wait: getBoolean('wait', true),
    timeoutMs,
    pollIntervalMs,
    waitForTargetHealth: readWaitForTargetHealth(),
    onFailure: getChoice('on-failure', ['rollback', 'none'], 'rollback'),
    circuitBreaker: getBoolean('circuit-breaker', true),
    alarms: getList('alarms'),
    version: getOptionalString('version') ?? context.sha?.slice(0, 7) ?? 'unversioned',
    tags: readTags(),
    keepRevisions:
      keepText === undefined ? undefined : getInteger('keep-revisions', { min: 1, max: 1000 }),
    preDeploy: readPreDeploy(),
    dryRun: getBoolean('dry-run', false),
    environmentName: getOptionalString('environment'),
    environmentUrl: getOptionalString('environment-url'),
    githubToken: getOptionalString('github-token')
  }
}

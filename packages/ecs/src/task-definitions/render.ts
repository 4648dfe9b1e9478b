import type {
  ContainerDefinition,
  KeyValuePair,
  RegisterTaskDefinitionCommandInput,
  Tag
} from '@aws-sdk/client-ecs'
import { ConfigurationError, quoteValue, type ConfigurationSubject } from '@fargate-promote/common'
import { parseImageReference } from './image-reference.js'

export interface RenderTaskDefinitionOptions {
  /**
   * A task definition as written in a repository JSON file or returned by DescribeTaskDefinition,
   * or a whole `describe-task-definition` output (`{ taskDefinition, tags }`).
   */
  base: unknown
  /** Container name -> image reference. */
  images: Record<string, string>
  /** Container name -> variable name -> value; merged over the container's `environment`. */
  environment: Record<string, Record<string, string>>
  /** Tags to set on the new revision; they win over tags carried by `base`. */
  tags: Record<string, string>
  /** Where `base` came from (a file path or an ARN), for error messages. */
  source: string
  /** The setting `base` came from (`task-definition`), named by errors about it. */
  subject?: ConfigurationSubject
}

export interface RenderedTaskDefinition {
  input: RegisterTaskDefinitionCommandInput
  family: string
  /** Every container's image in the rendered definition. */
  imagesByContainer: Record<string, string>
}

// Fields DescribeTaskDefinition returns that RegisterTaskDefinition refuses.
export const READ_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt'
])

// Every member of RegisterTaskDefinitionRequest. Anything else is a typo the SDK would silently
// drop (`containerDefinition`, `taskRole`), so it is refused rather than lost.
const REGISTER_FIELDS = new Set([
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'tags',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection'
])

export const MAX_TAGS = 50
const TAGS: ConfigurationSubject = { input: 'tags' }
/** ECS registers task definitions of at most 64 KiB (Amazon ECS service quotas: task definition size). */
export const MAX_TASK_DEFINITION_BYTES = 65_536
const TAG_KEY_MAX = 128
const TAG_VALUE_MAX = 256
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Accepts a bare task definition or a `describe-task-definition` output. */
function unwrap(
  base: unknown,
  source: string,
  subject: ConfigurationSubject
): { definition: Record<string, unknown>; tags: Tag[] } {
  if (!isRecord(base)) {
    throw new ConfigurationError(
      `task definition ${source}: expected a JSON object, got ${Array.isArray(base) ? 'an array' : typeof base}.`,
      subject
    )
  }
  if (isRecord(base.taskDefinition)) {
    const tags = Array.isArray(base.tags) ? (base.tags as Tag[]) : []
    return { definition: base.taskDefinition, tags }
  }
  return { definition: base, tags: Array.isArray(base.tags) ? (base.tags as Tag[]) : [] }
}

function validateContainers(
  definition: Record<string, unknown>,
  source: string,
  subject: ConfigurationSubject
): ContainerDefinition[] {
  const containers = definition.containerDefinitions
  if (!Array.isArray(containers) || containers.length === 0) {
    throw new ConfigurationError(
      `task definition ${source}: 'containerDefinitions' is missing or empty. A task definition needs at least one container with a name and an image.`,
      subject
    )
  }
  containers.forEach((container, index) => {
    if (!isRecord(container) || typeof container.name !== 'string' || container.name === '') {
      throw new ConfigurationError(
        `task definition ${source}: containerDefinitions[${index}] has no 'name'. Give every container a name.`,
        subject
      )
    }
    if (typeof container.image !== 'string' || container.image === '') {
      throw new ConfigurationError(
        `task definition ${source}: container '${container.name}' has no 'image'. Give every container an image.`,
        subject
      )
    }
  })
  return containers as ContainerDefinition[]
}

function requireContainer(names: string[], name: string, input: string, source: string): void {
  if (!names.includes(name)) {
    throw new ConfigurationError(
      `container '${name}' is not in task definition ${source}. Its containers are: ${names.map(n => `'${n}'`).join(', ')}.`,
      { input }
    )
  }
}

/** Replace same-named variables in place, keep the order, append new ones. */
export function mergeEnvironment(
  existing: KeyValuePair[] | undefined,
  overrides: Record<string, string>
): KeyValuePair[] {
  const merged = (existing ?? []).map(pair => ({ ...pair }))
  for (const [name, value] of Object.entries(overrides)) {
    const found = merged.find(pair => pair.name === name)
    if (found) found.value = value
    else merged.push({ name, value })
  }
  return merged
}

/**
 * A tag ECS would refuse: too long, `aws:`, or characters outside its set. Exported so a
 * deploy's inputs are checked before anything talks to AWS; rendering checks again.
 */
export function checkTag(key: string, value: string, subject: ConfigurationSubject = TAGS): void {
  if (key.length === 0 || key.length > TAG_KEY_MAX) {
    throw new ConfigurationError(
      `key ${quoteValue(key)} must be 1 to ${TAG_KEY_MAX} characters long (it has ${key.length}).`,
      subject
    )
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw new ConfigurationError(
      `key '${key}' uses the 'aws:' prefix, which AWS reserves. Choose another key.`,
      subject
    )
  }
  if (value.length > TAG_VALUE_MAX) {
    throw new ConfigurationError(
      `the value of '${key}' is ${value.length} characters long; ECS allows at most ${TAG_VALUE_MAX}. Shorten it.`,
      subject
    )
  }
  if (!TAG_CHARACTERS.test(key) || !TAG_CHARACTERS.test(value)) {
    throw new ConfigurationError(
      `${quoteValue(`${key}=${value}`)} has characters ECS does not accept in tags. Use letters, digits, spaces and + - = . _ : / @.`,
      subject
    )
  }
}

/**
 * Merge tags: those carried by the base first, then ours (same key replaced in place).
 * `aws:` tags on the base were written by AWS (CloudFormation, …) and cannot be registered again,
 * so they are dropped; an `aws:` tag asked for by the user is an error.
 */
export function mergeTags(baseTags: Tag[], tags: Record<string, string>): Tag[] {
  const merged: Tag[] = baseTags
    .filter(tag => typeof tag.key === 'string' && !tag.key.toLowerCase().startsWith('aws:'))
    .map(tag => ({ key: tag.key, value: tag.value ?? '' }))
  for (const [key, value] of Object.entries(tags)) {
    checkTag(key, value)
    const found = merged.find(tag => tag.key === key)
    if (found) found.value = value
    else merged.push({ key, value })
  }
  if (merged.length > MAX_TAGS) {
    throw new ConfigurationError(
      `the new revision would carry ${merged.length} tags; ECS allows at most ${MAX_TAGS}. Remove some of the tags given or carried by the task definition.`,
      TAGS
    )
  }
  return merged
}

/** Fields the RegisterTaskDefinition API knows, and a family: checked before anything else. */
function checkFields(
  definition: Record<string, unknown>,
  source: string,
  subject: ConfigurationSubject
): string {
  const unknown = Object.keys(definition).filter(
    key => !READ_ONLY_FIELDS.has(key) && !REGISTER_FIELDS.has(key)
  )
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `task definition ${source}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map(k => `'${k}'`).join(', ')}. Check the spelling against the RegisterTaskDefinition API (e.g. 'containerDefinitions', 'taskRoleArn').`,
      subject
    )
  }
  if (typeof definition.family !== 'string' || definition.family === '') {
    throw new ConfigurationError(
      `task definition ${source}: 'family' is missing. Set the task definition family name.`,
      subject
    )
  }
  return definition.family
}

/** Every image and variable given names a container of the definition and is well formed. */
function checkChanges(options: RenderTaskDefinitionOptions, names: string[]): void {
  const { source } = options
  for (const [name, image] of Object.entries(options.images)) {
    requireContainer(names, name, 'images', source)
    parseImageReference(image, { input: 'images' })
  }
  for (const [name, variables] of Object.entries(options.environment)) {
    requireContainer(names, name, 'environment-variables', source)
    for (const variable of Object.keys(variables)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
        throw new ConfigurationError(
          `'${variable}' (container '${name}') is not a valid variable name. Use letters, digits and underscores, not starting with a digit.`,
          { input: 'environment-variables' }
        )
      }
    }
  }
}

/** ECS refuses a larger definition with a bare 413; this says which setting and by how much. */
export function checkTaskDefinitionSize(
  input: unknown,
  source: string,
  subject: ConfigurationSubject
): void {
  const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8')
  if (bytes > MAX_TASK_DEFINITION_BYTES) {
    throw new ConfigurationError(
      `task definition ${source} is ${bytes} bytes as JSON; ECS registers at most ${MAX_TASK_DEFINITION_BYTES} (64 KiB). Move large values (environment variables, scripts) to Secrets Manager, SSM parameters or the image.`,
      subject
    )
  }
}

/**
 * The same check on a file as it was read, before any AWS call: only what would be sent counts
 * (a `describe-task-definition` wrapper and read-only fields such as `registeredAt` are dropped
 * when the request is built). The rendered request is checked again once images are set.
 */
export function checkTaskDefinitionFileSize(
  value: unknown,
  source: string,
  subject: ConfigurationSubject
): void {
  const { definition, tags } = unwrap(value, source, subject)
  const sent = Object.entries(definition).filter(
    ([key]) => REGISTER_FIELDS.has(key) && key !== 'tags'
  )
  checkTaskDefinitionSize({ ...Object.fromEntries(sent), tags }, source, subject)
}

/**
 * Turn a task definition from a file or from DescribeTaskDefinition into a
 * RegisterTaskDefinition request with the given images, environment and tags.
 * Throws ConfigurationError for anything ECS would refuse or that cannot be what was meant.
 */
export function renderTaskDefinition(options: RenderTaskDefinitionOptions): RenderedTaskDefinition {
  const { source } = options
  const subject = options.subject ?? {}
  const { definition, tags: baseTags } = unwrap(options.base, source, subject)
  const family = checkFields(definition, source, subject)
  const containers = validateContainers(definition, source, subject)
  checkChanges(
    options,
    containers.map(container => container.name as string)
  )
  const input: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(definition)) {
    if (REGISTER_FIELDS.has(key) && key !== 'tags') input[key] = value
  }
  // Files written by hand often give task-level cpu/memory as numbers; the API wants strings.
  for (const key of ['cpu', 'memory'] as const) {
    if (typeof input[key] === 'number') input[key] = String(input[key])
  }
  const rendered = containers.map(container => {
    const name = container.name as string
    const image = options.images[name]
    const environment = options.environment[name]
    return {
      ...container,
      ...(image === undefined ? {} : { image }),
      ...(environment === undefined
        ? {}
        : { environment: mergeEnvironment(container.environment, environment) })
    }
  })
  input.containerDefinitions = rendered
  const tags = mergeTags(baseTags, options.tags)
  if (tags.length > 0) input.tags = tags
  checkTaskDefinitionSize(input, source, subject)
  return {
    input: input as unknown as RegisterTaskDefinitionCommandInput,
    family,
    imagesByContainer: Object.fromEntries(rendered.map(c => [c.name as string, c.image as string]))
  }
}

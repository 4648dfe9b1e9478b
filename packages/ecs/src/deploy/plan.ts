import {
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  type ContainerDefinition,
  type ECSClient,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { ConfigurationError, type ConfigurationSubject, type Logger } from '@fargate-promote/common'
import { diffTaskDefinitions, type TaskDefinitionDiff } from '../task-definitions/diff.js'
import type { DeployOptions, TaskDefinitionSource } from './options.js'
import { choosePreDeployContainer } from './pre-deploy.js'
import type { PreflightService } from './preflight.js'
import { PREVIOUS_TAG, REINSTATED_FROM_TAG, VERSION_TAG } from '../task-definitions/tags.js'
import { familyOf, shortName } from '../task-definitions/arn.js'
import { renderTaskDefinition, type RenderedTaskDefinition } from '../task-definitions/render.js'

/** What will be deployed to one service, fully validated. */
export interface ServicePlan {
  checked: PreflightService
  /** The live revision as described (for the diff). */
  live: TaskDefinition
  rendered: RenderedTaskDefinition
  /** Set when an ARN is deployed unchanged: no new revision is registered. */
  deployAsIs?: string
  diff: TaskDefinitionDiff
  images: Record<string, string>
}

// Tags that describe one particular deployment: a revision rendered from another must not
// inherit them (a new image under the old `version` tag would mislead a later rollback).
const DEPLOYMENT_TAGS = new Set([VERSION_TAG, PREVIOUS_TAG, REINSTATED_FROM_TAG])

type Cache = Map<string, DescribeTaskDefinitionCommandOutput>
type Described = DescribeTaskDefinitionCommandOutput & { taskDefinition: TaskDefinition }

async function describe(
  ecs: ECSClient,
  ref: string,
  cache: Cache,
  subject: ConfigurationSubject
): Promise<Described> {
  let described = cache.get(ref)
  if (!described) {
    try {
      described = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] })
      )
    } catch (error) {
      if ((error as { name?: string }).name === 'ClientException') {
        throw new ConfigurationError(
          `task definition '${ref}' could not be described (${(error as Error).message}). Check the ARN, the account and the region.`,
          subject
        )
      }
      throw error
    }
    cache.set(ref, described)
  }
  if (!described.taskDefinition) {
    throw new ConfigurationError(
      `task definition '${ref}' was not found. Check the ARN, the account and the region.`,
      subject
    )
  }
  return described as Described
}

function containerNames(definition: unknown): string[] {
  const unwrapped = (definition as { taskDefinition?: unknown }).taskDefinition ?? definition
  const containers = (unwrapped as { containerDefinitions?: unknown }).containerDefinitions
  return Array.isArray(containers)
    ? containers
        .map(c => (c as { name?: unknown }).name)
        .filter((n): n is string => typeof n === 'string')
    : []
}

function pick<T>(map: Record<string, T>, names: string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(map).filter(([name]) => names.includes(name)))
}

/**
 * A service's images: `container` keys apply to every service that has the container,
 * `service/container` keys (what staging-gate outputs for several services) to that service
 * only, and win over the plain key.
 */
export function imagesOf(
  images: Record<string, string>,
  service: string,
  names: string[] | undefined
): Record<string, string> {
  const chosen: Record<string, string> = {}
  for (const [key, image] of Object.entries(images)) {
    if (!key.includes('/') && (names === undefined || names.includes(key))) chosen[key] = image
  }
  const prefix = `${service}/`
  for (const [key, image] of Object.entries(images)) {
    if (key.startsWith(prefix)) chosen[key.slice(prefix.length)] = image
  }
  return chosen
}

/** What a service's new revision is rendered from. */
interface Base {
  service: string
  base: unknown
  sourceName: string
  subject: ConfigurationSubject
  names: string[]
  /** The described revision, when an ARN (or the live revision) is the base. */
  described?: TaskDefinition
}

/**
 * With several services, an image or environment entry applies to the services that have that
 * container; one that matches none of them is a typo.
 */
function checkKeysSomewhere(input: string, keys: string[], bases: Base[]): void {
  for (const key of keys) {
    const slash = key.indexOf('/')
    const found =
      slash === -1
        ? bases.some(base => base.names.includes(key))
        : bases.some(
            b => b.service === key.slice(0, slash) && b.names.includes(key.slice(slash + 1))
          )
    if (!found) {
      const known = bases.map(b => `${b.service} (${b.names.join(', ')})`).join('; ')
      throw new ConfigurationError(
        `container '${key}' is in none of the task definitions. Their containers are: ${known}.`,
        { input }
      )
    }
  }
}

async function baseOf(
  item: PreflightService,
  source: TaskDefinitionSource,
  cache: Cache,
  ecs: ECSClient
): Promise<Base> {
  const base = (value: unknown, sourceName: string, subject: ConfigurationSubject) => ({
    service: item.name,
    base: value,
    sourceName,
    subject,
    names: containerNames(value)
  })
  if (source.kind === 'file') {
    return base(source.definition, source.path, { input: 'task-definition' })
  }
  const subject = source.kind === 'arn' ? { input: 'task-definition-arn' } : {}
  const ref = source.kind === 'arn' ? source.arn : item.liveTaskDefinitionArn
  const found = await describe(ecs, ref, cache, subject)
  const tags = (found.tags ?? []).filter(tag => !DEPLOYMENT_TAGS.has(tag.key ?? ''))
  const name = source.kind === 'arn' ? source.arn : `${shortName(ref)} (live on ${item.name})`
  return {
    ...base({ taskDefinition: found.taskDefinition, tags }, name, subject),
    described: found.taskDefinition
  }
}

function planService(
  item: PreflightService,
  base: Base,
  live: TaskDefinition,
  options: DeployOptions,
  multi: boolean,
  log: Logger
): ServicePlan {
  const rendered = renderTaskDefinition({
    base: base.base,
    images: imagesOf(options.images, item.name, multi ? base.names : undefined),
    environment: multi ? pick(options.environment, base.names) : options.environment,
    // The real value is set once the live revision is final (after waiting for a rollout).
    tags: { ...options.tags, [PREVIOUS_TAG]: item.liveTaskDefinitionArn },
    source: base.sourceName,
    subject: base.subject
  })
  const liveFamily = familyOf(item.liveTaskDefinitionArn)
  if (rendered.family !== liveFamily) {
    log.warning(
      `${item.name}: deploying task definition family '${rendered.family}' to a service that runs family '${liveFamily}'`
    )
  }
  const { described } = base
  const unchanged =
    options.taskDefinition.kind === 'arn' &&
    described !== undefined &&
    !diffTaskDefinitions(described, rendered.input).changed
  const deployAsIs = unchanged ? described.taskDefinitionArn : undefined
  return {
    checked: item,
    live,
    rendered,
    ...(deployAsIs ? { deployAsIs } : {}),
    diff: diffTaskDefinitions(live, deployAsIs && described ? described : rendered.input),
    images: rendered.imagesByContainer
  }
}

/**
 * Resolve and render what each service gets, and diff it against what it runs. Read-only:
 * every error is raised before anything is changed.
 */
export async function planDeployment(
  options: DeployOptions,
  checked: PreflightService[],
  deps: { ecs: ECSClient; log: Logger }
): Promise<ServicePlan[]> {
  const cache: Cache = new Map()
  const lives: TaskDefinition[] = []
  const bases: Base[] = []
  for (const item of checked) {
    const subject = { input: checked.length > 1 ? 'services' : 'service' }
    lives.push(
      (await describe(deps.ecs, item.liveTaskDefinitionArn, cache, subject)).taskDefinition
    )
    bases.push(await baseOf(item, options.taskDefinition, cache, deps.ecs))
  }
  const multi = checked.length > 1
  // One service: render names a missing container; a service/container key is checked here.
  const scoped = Object.keys(options.images).filter(key => key.includes('/'))
  if (multi || scoped.length > 0) {
    checkKeysSomewhere('images', multi ? Object.keys(options.images) : scoped, bases)
  }
  if (multi) {
    checkKeysSomewhere('environment-variables', Object.keys(options.environment), bases)
  }
  const plans = checked.map((item, index) =>
    planService(
      item,
      bases[index] as Base,
      lives[index] as TaskDefinition,
      options,
      multi,
      deps.log
    )
  )
  const first = plans[0]
  if (options.preDeploy && first) {
    choosePreDeployContainer(
      first.rendered.input.containerDefinitions as ContainerDefinition[],
      options.preDeploy.container
    )
  }
  return plans
}

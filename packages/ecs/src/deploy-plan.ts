import {
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  type ContainerDefinition,
  type ECSClient,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { ConfigurationError, type Logger } from '@fargate-promote/common'
import { diffTaskDefinitions, type TaskDefinitionDiff } from './diff.js'
import type { DeployOptions } from './deploy-options.js'
import { choosePreDeployContainer } from './pre-deploy.js'
import type { PreflightService } from './preflight.js'
import { PREVIOUS_TAG, REINSTATED_FROM_TAG, VERSION_TAG } from './rollback-target.js'
import { familyOf, shortName } from './task-definition-arn.js'
import { renderTaskDefinition, type RenderedTaskDefinition } from './task-definition.js'

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

async function describe(
  ecs: ECSClient,
  ref: string,
  cache: Cache,
  what: string
): Promise<DescribeTaskDefinitionCommandOutput & { taskDefinition: TaskDefinition }> {
  let described = cache.get(ref)
  if (!described) {
    try {
      described = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] })
      )
    } catch (error) {
      if ((error as { name?: string }).name === 'ClientException') {
        throw new ConfigurationError(
          `${what}: task definition '${ref}' could not be described (${(error as Error).message}). Check the ARN, the account and the region.`
        )
      }
      throw error
    }
    cache.set(ref, described)
  }
  if (!described.taskDefinition) {
    throw new ConfigurationError(
      `${what}: task definition '${ref}' was not found. Check the ARN, the account and the region.`
    )
  }
  return described as DescribeTaskDefinitionCommandOutput & { taskDefinition: TaskDefinition }
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
 * With several services, an image or environment entry applies to the services that have that
 * container; one that matches none of them is a typo.
 */
function checkKeysSomewhere(
  what: 'images' | 'environment',
  keys: string[],
  bases: { service: string; names: string[] }[]
): void {
  for (const key of keys) {
    if (!bases.some(base => base.names.includes(key))) {
      const known = bases.map(b => `${b.service} (${b.names.join(', ')})`).join('; ')
      throw new ConfigurationError(
        `${what}: container '${key}' is in none of the task definitions. Their containers are: ${known}.`
      )
    }
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
  const source = options.taskDefinition
  const bases: {
    service: string
    base: unknown
    sourceName: string
    names: string[]
    described?: TaskDefinition
  }[] = []
  for (const item of checked) {
    const live = await describe(
      deps.ecs,
      item.liveTaskDefinitionArn,
      cache,
      `service '${item.name}'`
    )
    let base: unknown
    let sourceName: string
    let described: TaskDefinition | undefined
    if (source.kind === 'file') {
      base = source.definition
      sourceName = source.path
    } else {
      const ref = source.kind === 'arn' ? source.arn : item.liveTaskDefinitionArn
      const found =
        source.kind === 'arn' ? await describe(deps.ecs, ref, cache, 'task-definition') : live
      described = found.taskDefinition
      base = {
        taskDefinition: found.taskDefinition,
        tags: (found.tags ?? []).filter(tag => !DEPLOYMENT_TAGS.has(tag.key ?? ''))
      }
      sourceName = source.kind === 'arn' ? source.arn : `${shortName(ref)} (live on ${item.name})`
    }
    bases.push({
      service: item.name,
      base,
      sourceName,
      names: containerNames(base),
      ...(described ? { described } : {})
    })
  }
  const multi = checked.length > 1
  if (multi) {
    checkKeysSomewhere('images', Object.keys(options.images), bases)
    checkKeysSomewhere('environment', Object.keys(options.environment), bases)
  }

  const plans: ServicePlan[] = []
  for (const [index, item] of checked.entries()) {
    const { base, sourceName, names, described } = bases[index] as (typeof bases)[number]
    const live = (
      await describe(deps.ecs, item.liveTaskDefinitionArn, cache, `service '${item.name}'`)
    ).taskDefinition
    const rendered = renderTaskDefinition({
      base,
      images: multi ? pick(options.images, names) : options.images,
      environment: multi ? pick(options.environment, names) : options.environment,
      // The real value is set once the live revision is final (after waiting for a rollout).
      tags: { ...options.tags, [PREVIOUS_TAG]: item.liveTaskDefinitionArn },
      source: sourceName
    })
    const liveFamily = familyOf(item.liveTaskDefinitionArn)
    if (rendered.family !== liveFamily) {
      deps.log.warning(
        `${item.name}: deploying task definition family '${rendered.family}' to a service that runs family '${liveFamily}'`
      )
    }
    const unchanged =
      source.kind === 'arn' &&
      described !== undefined &&
      !diffTaskDefinitions(described, rendered.input).changed
    const deployAsIs = unchanged ? described?.taskDefinitionArn : undefined
    plans.push({
      checked: item,
      live,
      rendered,
      ...(deployAsIs ? { deployAsIs } : {}),
      diff: diffTaskDefinitions(live, deployAsIs && described ? described : rendered.input),
      images: rendered.imagesByContainer
    })
  }
  const first = plans[0]
  if (options.preDeploy && first) {
    choosePreDeployContainer(
      first.rendered.input.containerDefinitions as ContainerDefinition[],
      options.preDeploy.container
    )
  }
  return plans
}

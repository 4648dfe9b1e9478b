import type { ECSClient, Task } from '@aws-sdk/client-ecs'
import {
  COMMIT_TAG,
  VERSION_TAG,
  describeServices,
  findService,
  observeService,
  readTaskDefinition,
  shortName,
  type ElbClient
} from '@fargate-promote/ecs'
import { pinImage } from '@fargate-promote/promotion'

/** What one service of an environment runs, as the board shows it. */
export interface ServiceStatus {
  service: string
  /** The live (PRIMARY) revision. */
  taskDefinitionArn?: string
  /** `family:revision`. */
  revision?: string
  /** The revision's `version` tag (what deploy wrote). */
  version?: string
  /** Its `commit` tag. */
  commit?: string
  /** Container → the digest references its running tasks run (one, unless tasks differ). */
  images: Record<string, string[]>
  runningTasks: number
  desiredTasks: number
  /** Epoch ms the live deployment started: when this version went live. */
  liveSince?: number
  /** It serves its revision: settled, healthy targets, no recent crash. */
  serving: boolean
  /** Why it does not serve; empty when it does. */
  problems: string[]
}

/** Tasks of the live revision that stopped this recently count against it (a crash loop). */
export const STOPPED_WINDOW_MS = 10 * 60_000

function imagesOf(tasks: readonly Task[]): Record<string, string[]> {
  const images: Record<string, string[]> = {}
  for (const task of tasks) {
    for (const container of task.containers ?? []) {
      const name = container.name ?? '(unnamed)'
      const image = container.image ?? name
      const shown = container.imageDigest ? pinImage(image, container.imageDigest) : image
      const seen = (images[name] ??= [])
      if (!seen.includes(shown)) seen.push(shown)
    }
  }
  return images
}

async function tagsOf(ecs: ECSClient, arn: string): Promise<Record<string, string>> {
  const described = await readTaskDefinition(ecs, arn)
  const tags: Record<string, string> = {}
  for (const tag of described?.tags ?? []) if (tag.key) tags[tag.key] = tag.value ?? ''
  return tags
}

/**
 * The services of one environment: one DescribeServices, then per service the one observation
 * of packages/ecs (its primary deployment's running tasks, target health, recent stops) and its
 * revision's tags. Reads only.
 */
export async function readServices(
  cluster: string,
  names: readonly string[],
  deps: { ecs: ECSClient; elb: ElbClient; now: number }
): Promise<ServiceStatus[]> {
  const { services } = await describeServices(deps, cluster, [...names])
  return Promise.all(
    names.map(async (name): Promise<ServiceStatus> => {
      const service = findService(services, name)
      const none = { service: name, images: {}, runningTasks: 0, desiredTasks: 0, serving: false }
      if (service === undefined) {
        return { ...none, problems: [`service ${name} is not in cluster ${cluster}`] }
      }
      const stoppedSince = deps.now - STOPPED_WINDOW_MS
      const seen = await observeService(service, { cluster, name, stoppedSince }, deps)
      const arn = seen.primary?.taskDefinition
      const tags = arn === undefined ? {} : await tagsOf(deps.ecs, arn)
      return {
        ...none,
        ...(arn !== undefined && { taskDefinitionArn: arn, revision: shortName(arn) }),
        ...(tags[VERSION_TAG] !== undefined && { version: tags[VERSION_TAG] }),
        ...(tags[COMMIT_TAG] !== undefined && { commit: tags[COMMIT_TAG] }),
        images: imagesOf(seen.tasks),
        runningTasks: seen.primary?.runningCount ?? 0,
        desiredTasks: seen.primary?.desiredCount ?? service.desiredCount ?? 0,
        ...(seen.primary?.createdAt !== undefined && {
          liveSince: seen.primary.createdAt.getTime()
        }),
        serving: seen.problems.length === 0,
        problems: seen.problems
      }
    })
  )
}

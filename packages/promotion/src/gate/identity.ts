import type { Task } from '@aws-sdk/client-ecs'
import {
  COMMIT_TAG,
  VERSION_TAG,
  isValidImageReference,
  parseImageReference,
  shortName,
  taskIdOf
} from '@fargate-promote/ecs'
import type { StagingObservation } from './observe.js'
import type { GateCandidate } from './types.js'

export interface IdentityResult {
  ok: boolean
  detail: string
  /** Container name → `repository@digest`, when every task runs the same digests. */
  images: Record<string, string>
  /** Container name → image as written in the task. */
  references: Record<string, string>
}

/** `repo:tag` or `repo@old` → `repo@digest`: the reference that pins exactly these bits. */
export function pinImage(image: string, digest: string): string {
  if (isValidImageReference(image)) {
    const parsed = parseImageReference(image)
    const name = parsed.registry === undefined ? '' : `${parsed.registry}/`
    return `${name}${parsed.repository}@${digest}`
  }
  const withoutDigest = image.split('@')[0] as string
  const slash = withoutDigest.lastIndexOf('/')
  const colon = withoutDigest.lastIndexOf(':')
  return `${colon > slash ? withoutDigest.slice(0, colon) : withoutDigest}@${digest}`
}

export function describeCandidate(candidate: GateCandidate): string {
  const parts: string[] = []
  if (candidate.version !== undefined) parts.push(`version ${candidate.version}`)
  if (candidate.sha !== undefined) parts.push(`commit ${candidate.sha}`)
  if (candidate.image !== undefined) parts.push(`image ${candidate.image}`)
  return parts.join(', ')
}

function describeRunning(tags: Record<string, string>, references: Record<string, string>): string {
  const parts: string[] = []
  const version = tags[VERSION_TAG]
  const commit = tags[COMMIT_TAG]
  parts.push(version === undefined ? 'no version tag' : `version ${version}`)
  parts.push(commit === undefined ? 'no commit tag' : `commit ${commit.slice(0, 12)}`)
  const images = Object.entries(references).map(([name, image]) => `${name}=${image}`)
  parts.push(`images ${images.length > 0 ? images.join(', ') : 'unknown'}`)
  return parts.join(', ')
}

function imageMatches(wanted: string, image: string, digest: string | undefined): boolean {
  if (wanted === image) return true
  if (!isValidImageReference(wanted) || !isValidImageReference(image)) return false
  const a = parseImageReference(wanted)
  const b = parseImageReference(image)
  if (a.digest !== undefined) return a.digest === digest || a.digest === b.digest
  return (
    a.tag !== undefined &&
    a.tag === b.tag &&
    a.repository === b.repository &&
    (a.registry === undefined || a.registry === b.registry)
  )
}

/**
 * Each candidate field with evidence on staging must agree, and at least one must match: a
 * matching version label on a build of another commit is not the candidate.
 */
function candidateVerdict(
  candidate: GateCandidate,
  tags: Record<string, string>,
  containers: { image: string; digest: string | undefined }[]
): { matched: string[]; contradicted: string[] } {
  const matched: string[] = []
  const contradicted: string[] = []
  const version = tags[VERSION_TAG]
  if (candidate.version !== undefined && version !== undefined) {
    ;(version === candidate.version ? matched : contradicted).push('version')
  }
  const commit = tags[COMMIT_TAG]
  if (candidate.sha !== undefined && commit !== undefined) {
    const same = commit.toLowerCase().startsWith(candidate.sha.toLowerCase())
    ;(same ? matched : contradicted).push('commit')
  }
  if (candidate.image !== undefined) {
    const wanted = candidate.image
    const same = containers.some(c => imageMatches(wanted, c.image, c.digest))
    ;(same ? matched : contradicted).push('image')
  }
  return { matched, contradicted }
}

function digestsOf(tasks: Task[]): {
  images: Record<string, string>
  references: Record<string, string>
  problems: string[]
} {
  const images: Record<string, string> = {}
  const references: Record<string, string> = {}
  const firstTask: Record<string, string> = {}
  const digests: Record<string, string> = {}
  const problems: string[] = []
  for (const task of tasks) {
    const taskId = taskIdOf(task.taskArn ?? '')
    for (const container of task.containers ?? []) {
      const name = container.name ?? '(unnamed)'
      const digest = container.imageDigest
      if (container.image !== undefined) references[name] ??= container.image
      if (digest === undefined) {
        problems.push(`task ${taskId} container ${name} reports no image digest`)
        continue
      }
      const seen = digests[name]
      if (seen === undefined) {
        digests[name] = digest
        firstTask[name] = taskId
        images[name] = pinImage(container.image ?? name, digest)
      } else if (seen !== digest) {
        problems.push(
          `task ${taskId} container ${name} runs ${digest} but task ${firstTask[name]} runs ${seen}`
        )
      }
    }
  }
  return { images, references, problems }
}

/**
 * Staging runs the candidate, and every task of the primary deployment runs the same image
 * digests: production must get exactly the bits that were verified here.
 */
export function checkIdentity(
  observation: StagingObservation,
  candidate: GateCandidate
): IdentityResult {
  const none = { images: {}, references: {} }
  if (observation.primary?.taskDefinition === undefined) {
    return { ok: false, detail: `service ${observation.name} has no PRIMARY deployment`, ...none }
  }
  const revision = shortName(observation.primary.taskDefinition)
  const tasks = observation.tasks
  if (tasks.length === 0) {
    return {
      ok: false,
      detail: `no RUNNING task of the primary deployment (${revision}) to verify`,
      ...none
    }
  }
  const { images, references, problems } = digestsOf(tasks)
  const running = describeRunning(observation.tags, references)
  if (problems.length > 0) {
    return {
      ok: false,
      detail: `tasks of ${revision} do not all run the same images: ${problems.join('; ')}`,
      images: {},
      references
    }
  }
  const containers = tasks
    .flatMap(task => task.containers ?? [])
    .map(container => ({ image: container.image ?? '', digest: container.imageDigest }))
  const { matched, contradicted } = candidateVerdict(candidate, observation.tags, containers)
  if (contradicted.length > 0 || matched.length === 0) {
    const why = contradicted.length > 0 ? `${contradicted.join(' and ')} differ` : 'nothing matches'
    return {
      ok: false,
      detail: `staging runs ${revision} (${running}), not the candidate (${describeCandidate(candidate)}): ${why}`,
      images,
      references
    }
  }
  const count = `${tasks.length} task${tasks.length === 1 ? '' : 's'}`
  return {
    ok: true,
    detail: `${count} of ${revision} run the candidate (${matched.join(', ')} match): ${Object.values(images).join(', ')}`,
    images,
    references
  }
}

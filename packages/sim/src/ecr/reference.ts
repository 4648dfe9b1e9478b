/**
 * Image references as ECS reads a container's `image`: `name[:tag][@digest]`, where the name may
 * start with a registry host (and port). ECR repositories are `<account>.dkr.ecr.<region>
 * .amazonaws.com/<name>` (ECR API reference: repositoryName pattern, 2-256 characters).
 */

export interface ImageReference {
  /** Everything before the tag and digest: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web`. */
  repository: string
  tag?: string
  digest?: string
}

export interface EcrRepository {
  registryId: string
  region: string
  repositoryName: string
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/
/** Docker's tag grammar (ECR accepts the same characters). */
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
export const DIGEST = /^sha256:[0-9a-f]{64}$/

export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf('@')
  const name = at === -1 ? image : image.slice(0, at)
  const digest = at === -1 ? undefined : image.slice(at + 1)
  // A colon after the last slash separates the tag; one before it belongs to a host:port.
  const colon = name.lastIndexOf(':')
  const hasTag = colon > name.lastIndexOf('/')
  return {
    repository: hasTag ? name.slice(0, colon) : name,
    ...(hasTag ? { tag: name.slice(colon + 1) } : {}),
    ...(digest === undefined ? {} : { digest })
  }
}

export function isRepositoryName(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && REPOSITORY_NAME.test(name)
}

/** The ECR coordinates of a repository URI; undefined when it is not an ECR repository. */
export function parseEcrRepository(uri: string): EcrRepository | undefined {
  const slash = uri.indexOf('/')
  if (slash === -1) return undefined
  const host = ECR_HOST.exec(uri.slice(0, slash))
  const repositoryName = uri.slice(slash + 1)
  if (host === null || !isRepositoryName(repositoryName)) return undefined
  return { registryId: host[1] as string, region: host[2] as string, repositoryName }
}

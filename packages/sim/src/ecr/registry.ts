import {
  ImagePushError,
  type ImagePush,
  type PushedImageView,
  type ResolvedImage,
  type SimClock
} from '../contract.js'
import { checkMarkers, manifestOf, parseImagePush, type Manifest } from './push.js'
import { parseEcrRepository, parseImageReference, type EcrRepository } from './reference.js'

/**
 * The images pushed to the sim, by repository URI. Tags are immutable (what our templates
 * recommend): a tag, once pushed, keeps its content. Repositories exist once something was
 * pushed to them (real ECR needs CreateRepository first).
 */

export interface StoredImage extends ImagePush, EcrRepository {
  manifest: Manifest
  pushedAt: number
}

export interface ImageRegistry {
  push(body: unknown, path?: string): { created: boolean; image: StoredImage }
  resolve(image: string): ResolvedImage | undefined
  /** The images of one repository, oldest push first; undefined when it does not exist. */
  repository(repo: EcrRepository): StoredImage[] | undefined
  list(): StoredImage[]
  clear(): void
}

const sameRepository = (a: EcrRepository, b: EcrRepository): boolean =>
  a.registryId === b.registryId && a.region === b.region && a.repositoryName === b.repositoryName

export function createImageRegistry(deps: { clock: SimClock; markers(): string[] }): ImageRegistry {
  const repositories = new Map<string, StoredImage[]>()

  return {
    push(body, path = '') {
      const push = parseImagePush(body, path)
      if (push.behaviour !== undefined) checkMarkers(push.behaviour, deps.markers(), path)
      const manifest = manifestOf(push)
      const images = repositories.get(push.repository) ?? []
      const existing = images.find(i => i.tag === push.tag)
      if (existing !== undefined) {
        if (existing.manifest.digest === manifest.digest) return { created: false, image: existing }
        // ECR's ImageTagAlreadyExistsException for an immutable repository.
        throw new ImagePushError(
          409,
          path,
          `The image tag '${push.tag}' already exists in the '${existing.repositoryName}' repository and cannot be overwritten because the repository is immutable.`
        )
      }
      const coordinates = parseEcrRepository(push.repository) as EcrRepository
      const image: StoredImage = { ...push, ...coordinates, manifest, pushedAt: deps.clock.now() }
      repositories.set(push.repository, [...images, image])
      return { created: true, image }
    },

    resolve(reference) {
      const { repository, tag, digest } = parseImageReference(reference)
      const images = repositories.get(repository)
      if (images === undefined) return undefined
      // ECS pulls by digest when the reference has one, whatever its tag says.
      const found =
        digest !== undefined
          ? images.find(i => i.manifest.digest === digest)
          : images.find(i => i.tag === (tag ?? 'latest'))
      if (found === undefined) return digest === undefined ? undefined : { kind: 'missing' }
      return {
        kind: 'pushed',
        digest: found.manifest.digest,
        tag: found.tag,
        ...(found.behaviour === undefined ? {} : { behaviour: found.behaviour })
      }
    },

    repository(repo) {
      return [...repositories.values()].find(images => sameRepository(images[0]!, repo))
    },

    list: () => [...repositories.values()].flat(),

    clear: () => repositories.clear()
  }
}

export function imageView(image: StoredImage): PushedImageView {
  return {
    repository: image.repository,
    tag: image.tag,
    ...(image.behaviour === undefined ? {} : { behaviour: image.behaviour }),
    digest: image.manifest.digest,
    image: `${image.repository}@${image.manifest.digest}`,
    pushedAt: image.pushedAt
  }
}

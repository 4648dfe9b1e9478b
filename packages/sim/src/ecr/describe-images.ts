import { AwsError, SIM_ACCOUNT_ID, type RequestContext } from '../contract.js'
import { CONFIG_MEDIA_TYPE, MANIFEST_MEDIA_TYPE } from './push.js'
import { DIGEST, isRepositoryName, TAG, type EcrRepository } from './reference.js'
import type { ImageRegistry, StoredImage } from './registry.js'

/**
 * ECR DescribeImages (API reference): the images of one repository of the caller's region, all
 * of them (paged by `maxResults`, default 100, and `nextToken`) or those `imageIds` name. An
 * image id that matches nothing is `ImageNotFoundException`, an unknown repository
 * `RepositoryNotFoundException` (both HTTP 400).
 */

type Input = Record<string, unknown>
interface ImageId {
  imageTag?: string
  imageDigest?: string
}

const invalid = (message: string) => new AwsError('InvalidParameterException', message)
const constraint = (field: string, rule: string) =>
  invalid(`Invalid parameter at '${field}' failed to satisfy constraint: '${rule}'`)

function repositoryOf(ctx: RequestContext, input: Input): EcrRepository {
  const { registryId = SIM_ACCOUNT_ID, repositoryName } = input
  if (typeof registryId !== 'string' || !/^\d{12}$/.test(registryId)) {
    throw constraint('registryId', "must satisfy regular expression '[0-9]{12}'")
  }
  if (typeof repositoryName !== 'string' || !isRepositoryName(repositoryName)) {
    throw constraint(
      'repositoryName',
      "must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'"
    )
  }
  return { registryId, region: ctx.region, repositoryName }
}

function imageIdsOf(input: Input): ImageId[] | undefined {
  const ids = input.imageIds
  if (ids === undefined) return undefined
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100) {
    throw constraint('imageIds', 'Member must have length between 1 and 100')
  }
  return ids.map((raw: unknown) => {
    const { imageTag, imageDigest } = (raw ?? {}) as Record<string, unknown>
    if (imageTag === undefined && imageDigest === undefined) {
      throw invalid(
        "Invalid parameter at 'imageIds': an image id needs an imageTag or an imageDigest"
      )
    }
    if (imageTag !== undefined && (typeof imageTag !== 'string' || !TAG.test(imageTag))) {
      throw constraint('imageTag', 'must be a valid image tag')
    }
    if (
      imageDigest !== undefined &&
      (typeof imageDigest !== 'string' || !DIGEST.test(imageDigest))
    ) {
      throw constraint('imageDigest', 'must be a sha256 digest')
    }
    return { imageTag, imageDigest }
  })
}

function detail(image: StoredImage) {
  return {
    registryId: image.registryId,
    repositoryName: image.repositoryName,
    imageDigest: image.manifest.digest,
    imageTags: [image.tag],
    imageSizeInBytes: image.manifest.sizeInBytes,
    imagePushedAt: new Date(image.pushedAt),
    imageManifestMediaType: MANIFEST_MEDIA_TYPE,
    artifactMediaType: CONFIG_MEDIA_TYPE
  }
}

function notFound(repo: EcrRepository, id: ImageId): AwsError {
  return new AwsError(
    'ImageNotFoundException',
    `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo.repositoryName}' in the registry with id '${repo.registryId}'`
  )
}

function byIds(repo: EcrRepository, images: StoredImage[], ids: ImageId[]): StoredImage[] {
  const found = ids.map(id => {
    const image = images.find(
      i =>
        (id.imageTag === undefined || i.tag === id.imageTag) &&
        (id.imageDigest === undefined || i.manifest.digest === id.imageDigest)
    )
    if (image === undefined) throw notFound(repo, id)
    return image
  })
  return [...new Set(found)]
}

function page(images: StoredImage[], input: Input): { page: StoredImage[]; nextToken?: string } {
  const { maxResults = 100, nextToken, filter } = input
  if (
    typeof maxResults !== 'number' ||
    !Number.isInteger(maxResults) ||
    maxResults < 1 ||
    maxResults > 1000
  ) {
    throw constraint('maxResults', 'Member must have value between 1 and 1000')
  }
  const tagStatus = (filter as { tagStatus?: unknown } | undefined)?.tagStatus ?? 'ANY'
  if (!['TAGGED', 'UNTAGGED', 'ANY'].includes(tagStatus as string)) {
    throw constraint(
      'filter.tagStatus',
      'Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]'
    )
  }
  // Every image the sim holds has its one tag.
  const listed = tagStatus === 'UNTAGGED' ? [] : images
  let offset = 0
  if (nextToken !== undefined) {
    const text = typeof nextToken === 'string' ? Buffer.from(nextToken, 'base64url').toString() : ''
    offset = /^i:\d+$/.test(text) ? Number(text.slice(2)) : -1
    if (offset < 0 || offset > listed.length) {
      throw invalid("Invalid parameter at 'nextToken': the token was not issued by a previous call")
    }
  }
  const end = Math.min(offset + maxResults, listed.length)
  const more =
    end < listed.length ? { nextToken: Buffer.from(`i:${end}`).toString('base64url') } : {}
  return { page: listed.slice(offset, end), ...more }
}

export function describeImages(registry: ImageRegistry, ctx: RequestContext, input: Input) {
  const repo = repositoryOf(ctx, input)
  const ids = imageIdsOf(input)
  if (ids !== undefined && (input.nextToken !== undefined || input.maxResults !== undefined)) {
    throw invalid('nextToken and maxResults cannot be used when you specify images with imageIds.')
  }
  const images = registry.repository(repo)
  if (images === undefined) {
    throw new AwsError(
      'RepositoryNotFoundException',
      `The repository with name '${repo.repositoryName}' does not exist in the registry with id '${repo.registryId}'`
    )
  }
  if (ids !== undefined) return { imageDetails: byIds(repo, images, ids).map(detail) }
  const result = page(images, input)
  return { imageDetails: result.page.map(detail), nextToken: result.nextToken }
}

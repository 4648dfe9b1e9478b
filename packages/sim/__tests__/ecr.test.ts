import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { AwsError, ImagePushError, type RequestContext, type SimClock } from '../src/contract.js'
import { createEcrModule } from '../src/ecr/index.js'
import { parseEcrRepository, parseImageReference } from '../src/ecr/reference.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read deep into untyped results
type Loose = Record<string, any>

const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web'
const T0 = Date.UTC(2026, 10, 26, 12)

function setup() {
  let now = T0
  const clock = { scale: 1, now: () => now } as SimClock
  const ecr = createEcrModule({
    clock,
    markers: () => ['-crash', '-errors', '-slow', '-very-slow']
  })
  const ctx = (operation: string, region = 'eu-west-1'): RequestContext => ({
    service: 'ecr',
    operation,
    region,
    accountId: '123456789012',
    requestId: 'r'
  })
  const describeImages = (input: Record<string, unknown>, region?: string) =>
    ecr.handle(ctx('DescribeImages', region), input) as Promise<Loose>
  return { ecr, describeImages, ctx, tick: (ms: number) => (now += ms) }
}

async function awsError(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(AwsError)
  const { code, message, status } = error as AwsError
  expect(status).toBe(400)
  return { code, message }
}

function pushError(fn: () => unknown): { status: number; message: string } {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ImagePushError)
    return { status: (error as ImagePushError).status, message: (error as Error).message }
  }
  throw new Error('expected the push to fail')
}

describe('image references', () => {
  it.each([
    ['repo/app:1.0', { repository: 'repo/app', tag: '1.0' }],
    ['repo/app', { repository: 'repo/app' }],
    ['host:5000/app', { repository: 'host:5000/app' }],
    ['host:5000/app:v2@sha256:ab', { repository: 'host:5000/app', tag: 'v2', digest: 'sha256:ab' }],
    [`${REPO}@sha256:cd`, { repository: REPO, digest: 'sha256:cd' }]
  ])('%s', (image, parsed) => {
    expect(parseImageReference(image)).toEqual(parsed)
  })

  it('knows ECR repository URIs', () => {
    expect(parseEcrRepository(REPO)).toEqual({
      registryId: '123456789012',
      region: 'eu-west-1',
      repositoryName: 'shop/web'
    })
    expect(parseEcrRepository('111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/a/b')).toEqual({
      registryId: '111122223333',
      region: 'cn-north-1',
      repositoryName: 'a/b'
    })
    for (const uri of [
      'registry.example.com/shop/web',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/Shop',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/a',
      '12345.dkr.ecr.eu-west-1.amazonaws.com/shop/web'
    ]) {
      expect(parseEcrRepository(uri)).toBeUndefined()
    }
  })
})

describe('pushing images', () => {
  it('gives a push the sha256 digest of its canonical manifest, the same for the same push', () => {
    const { ecr } = setup()
    const first = ecr.pushImage({ repository: REPO, tag: '5f3c9a1', behaviour: '-crash' })
    expect(first.created).toBe(true)
    expect(first.image).toEqual({
      repository: REPO,
      tag: '5f3c9a1',
      behaviour: '-crash',
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      image: `${REPO}@${first.image.digest}`,
      pushedAt: T0
    })
    const again = ecr.pushImage({ repository: REPO, tag: '5f3c9a1', behaviour: '-crash' })
    expect(again).toEqual({ created: false, image: first.image })
    // Another world computes the same digest; another behaviour or tag another one.
    const other = setup().ecr
    expect(
      other.pushImage({ repository: REPO, tag: '5f3c9a1', behaviour: '-crash' }).image.digest
    ).toBe(first.image.digest)
    expect(other.pushImage({ repository: REPO, tag: 'abc' }).image.digest).not.toBe(
      first.image.digest
    )
    expect(ecr.images()).toEqual([first.image])
    expect(ecr.dump()).toEqual({ images: [first.image] })
  })

  it('refuses to change what an immutable tag holds', () => {
    const { ecr } = setup()
    ecr.pushImage({ repository: REPO, tag: 'v1' })
    expect(
      pushError(() => ecr.pushImage({ repository: REPO, tag: 'v1', behaviour: '-errors' }))
    ).toEqual({
      status: 409,
      message:
        "The image tag 'v1' already exists in the 'shop/web' repository and cannot be overwritten because the repository is immutable."
    })
  })

  it.each([
    [[], 'must be an object, got []'],
    [
      { repository: REPO, tag: 'v1', colour: 'red' },
      'colour: unknown field (known: repository, tag, behaviour)'
    ],
    [
      { tag: 'v1' },
      'repository: must be an ECR repository URI like 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web, got undefined'
    ],
    [
      { repository: 'registry.example.com/shop/web', tag: 'v1' },
      'repository: must be an ECR repository URI'
    ],
    [
      { repository: REPO },
      'tag: must be an image tag (letters, digits, _ . -; at most 128), got undefined'
    ],
    [{ repository: REPO, tag: '-v1' }, 'tag: must be an image tag'],
    [
      { repository: REPO, tag: 'v1', behaviour: 'crash' },
      'behaviour: must be behaviour markers like "-crash" or "-errors-latency", got "crash"'
    ],
    [{ repository: REPO, tag: 'v1', behaviour: 7 }, 'behaviour: must be behaviour markers'],
    [
      { repository: REPO, tag: 'v1', behaviour: '-crahs' },
      "behaviour: '-crahs' is not a behaviour marker the sim knows (known: -crash, -errors, -slow, -very-slow)"
    ],
    [
      { repository: REPO, tag: 'v1', behaviour: '-crash-slowly' },
      "behaviour: '-slowly' is not a behaviour marker"
    ]
  ])('%j is a 400 naming the field', (body, message) => {
    const { ecr } = setup()
    const error = pushError(() => ecr.pushImage(body))
    expect(error.status).toBe(400)
    expect(error.message).toContain(message)
  })

  it('reads combined and declared multi-part markers, and names the path it was given', () => {
    const { ecr } = setup()
    expect(
      ecr.pushImage({ repository: REPO, tag: 'a', behaviour: '-crash-very-slow-errors' }).created
    ).toBe(true)
    expect(pushError(() => ecr.pushImage({ repository: REPO }, 'images[3]')).message).toMatch(
      /^images\[3\]\.tag: /
    )
    expect(pushError(() => ecr.pushImage(null, 'images[3]')).message).toBe(
      'images[3]: must be an object, got null'
    )
  })
})

describe('what tasks pull', () => {
  it('resolves pushed tags and digests; a digest never pushed to a known repository is missing', () => {
    const { ecr } = setup()
    const pushed = ecr.pushImage({ repository: REPO, tag: '5f3c9a1', behaviour: '-crash' }).image
    const latest = ecr.pushImage({ repository: REPO, tag: 'latest' }).image
    const expected = { kind: 'pushed', digest: pushed.digest, tag: '5f3c9a1', behaviour: '-crash' }
    expect(ecr.resolveImage(pushed.image)).toEqual(expected)
    expect(ecr.resolveImage(`${REPO}:5f3c9a1`)).toEqual(expected)
    // The digest wins over a tag that says otherwise, as when ECS pulls.
    expect(ecr.resolveImage(`${REPO}:latest@${pushed.digest}`)).toEqual(expected)
    expect(ecr.resolveImage(REPO)).toEqual({ kind: 'pushed', digest: latest.digest, tag: 'latest' })
    const never = `sha256:${createHash('sha256').update('never').digest('hex')}`
    expect(ecr.resolveImage(`${REPO}@${never}`)).toEqual({ kind: 'missing' })
    // A tag it never got, and repositories nobody pushed to, are not the registry's to decide.
    expect(ecr.resolveImage(`${REPO}:1.0.0`)).toBeUndefined()
    expect(ecr.resolveImage(`${REPO.replace('web', 'api')}@${never}`)).toBeUndefined()
    expect(ecr.resolveImage('registry.example.com/shop/web:1.0.0')).toBeUndefined()
  })
})

describe('DescribeImages', () => {
  it('describes every image of a repository, oldest push first, in pages', async () => {
    const { ecr, describeImages, tick } = setup()
    const a = ecr.pushImage({ repository: REPO, tag: 'a' }).image
    tick(60_000)
    const b = ecr.pushImage({ repository: REPO, tag: 'b', behaviour: '-errors' }).image
    ecr.pushImage({ repository: `${REPO}-api`, tag: 'x' })
    const all = await describeImages({ repositoryName: 'shop/web' })
    expect(all).toEqual({
      imageDetails: [
        {
          registryId: '123456789012',
          repositoryName: 'shop/web',
          imageDigest: a.digest,
          imageTags: ['a'],
          imageSizeInBytes: expect.any(Number),
          imagePushedAt: new Date(T0),
          imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          artifactMediaType: 'application/vnd.docker.container.image.v1+json'
        },
        expect.objectContaining({ imageDigest: b.digest, imagePushedAt: new Date(T0 + 60_000) })
      ],
      nextToken: undefined
    })
    expect(all.imageDetails[0].imageSizeInBytes).toBeGreaterThan(20_000_000)
    const first = await describeImages({ repositoryName: 'shop/web', maxResults: 1 })
    expect((first.imageDetails as Loose[]).map(d => (d.imageTags as string[])[0])).toEqual(['a'])
    const second = await describeImages({
      repositoryName: 'shop/web',
      registryId: '123456789012',
      maxResults: 1,
      nextToken: first.nextToken
    })
    expect(second).toEqual({
      imageDetails: [expect.objectContaining({ imageTags: ['b'] })],
      nextToken: undefined
    })
    expect(
      await describeImages({ repositoryName: 'shop/web', filter: { tagStatus: 'UNTAGGED' } })
    ).toEqual({ imageDetails: [], nextToken: undefined })
    expect(
      (await describeImages({ repositoryName: 'shop/web', filter: { tagStatus: 'TAGGED' } }))
        .imageDetails
    ).toHaveLength(2)
  })

  it('describes the images imageIds name, by tag, digest or both', async () => {
    const { ecr, describeImages } = setup()
    const a = ecr.pushImage({ repository: REPO, tag: 'a' }).image
    const b = ecr.pushImage({ repository: REPO, tag: 'b' }).image
    const out = await describeImages({
      repositoryName: 'shop/web',
      imageIds: [
        { imageTag: 'b' },
        { imageDigest: a.digest },
        { imageTag: 'b', imageDigest: b.digest }
      ]
    })
    expect((out.imageDetails as Loose[]).map(d => d.imageDigest as string)).toEqual([
      b.digest,
      a.digest
    ])
    expect(out).not.toHaveProperty('nextToken')
    expect(
      await awsError(
        describeImages({
          repositoryName: 'shop/web',
          imageIds: [{ imageTag: 'a', imageDigest: b.digest }]
        })
      )
    ).toEqual({
      code: 'ImageNotFoundException',
      message: `The image with imageId {imageDigest:'${b.digest}', imageTag:'a'} does not exist within the repository with name 'shop/web' in the registry with id '123456789012'`
    })
    expect(
      (
        await awsError(
          describeImages({ repositoryName: 'shop/web', imageIds: [{ imageTag: 'zz' }] })
        )
      ).message
    ).toContain("{imageDigest:'null', imageTag:'zz'}")
    const never = `sha256:${'f'.repeat(64)}`
    expect(
      (
        await awsError(
          describeImages({ repositoryName: 'shop/web', imageIds: [{ imageDigest: never }] })
        )
      ).message
    ).toContain(`{imageDigest:'${never}', imageTag:'null'}`)
  })

  it('knows a repository only in its registry and region', async () => {
    const { ecr, describeImages } = setup()
    ecr.pushImage({ repository: REPO, tag: 'a' })
    const missing = {
      code: 'RepositoryNotFoundException',
      message:
        "The repository with name 'shop/web' does not exist in the registry with id '123456789012'"
    }
    expect(await awsError(describeImages({ repositoryName: 'shop/web' }, 'us-east-1'))).toEqual(
      missing
    )
    expect(await awsError(describeImages({ repositoryName: 'shop/api' }))).toEqual({
      ...missing,
      message: missing.message.replace('shop/web', 'shop/api')
    })
    expect(
      (await awsError(describeImages({ repositoryName: 'shop/web', registryId: '210987654321' })))
        .code
    ).toBe('RepositoryNotFoundException')
  })

  it.each([
    [{}, "Invalid parameter at 'repositoryName' failed to satisfy constraint"],
    [{ repositoryName: 'Shop' }, "at 'repositoryName'"],
    [{ repositoryName: 'shop/web', registryId: '12' }, "at 'registryId'"],
    [{ repositoryName: 'shop/web', imageIds: [] }, "at 'imageIds'"],
    [{ repositoryName: 'shop/web', imageIds: 'a' }, "at 'imageIds'"],
    [
      { repositoryName: 'shop/web', imageIds: [{}] },
      'an image id needs an imageTag or an imageDigest'
    ],
    [
      { repositoryName: 'shop/web', imageIds: [null] },
      'an image id needs an imageTag or an imageDigest'
    ],
    [{ repositoryName: 'shop/web', imageIds: [{ imageTag: '' }] }, "at 'imageTag'"],
    [{ repositoryName: 'shop/web', imageIds: [{ imageDigest: 'sha256:12' }] }, "at 'imageDigest'"],
    [
      { repositoryName: 'shop/web', imageIds: [{ imageTag: 'a' }], maxResults: 5 },
      'cannot be used when you specify images with imageIds'
    ],
    [
      { repositoryName: 'shop/web', imageIds: [{ imageTag: 'a' }], nextToken: 'x' },
      'cannot be used'
    ],
    [{ repositoryName: 'shop/web', maxResults: 0 }, "at 'maxResults'"],
    [{ repositoryName: 'shop/web', maxResults: 1001 }, "at 'maxResults'"],
    [{ repositoryName: 'shop/web', maxResults: '5' }, "at 'maxResults'"],
    [{ repositoryName: 'shop/web', filter: { tagStatus: 'SOME' } }, "at 'filter.tagStatus'"],
    [{ repositoryName: 'shop/web', nextToken: 'bogus' }, "at 'nextToken'"],
    [
      { repositoryName: 'shop/web', nextToken: Buffer.from('i:9').toString('base64url') },
      "at 'nextToken'"
    ],
    [{ repositoryName: 'shop/web', nextToken: 5 }, "at 'nextToken'"]
  ])('%j is an InvalidParameterException', async (input, message) => {
    const { ecr, describeImages } = setup()
    ecr.pushImage({ repository: REPO, tag: 'a' })
    const error = await awsError(describeImages(input))
    expect(error.code).toBe('InvalidParameterException')
    expect(error.message).toContain(message)
  })

  it('serves no other operation, changes nothing, and forgets every image on reset', async () => {
    const { ecr, ctx } = setup()
    ecr.pushImage({ repository: REPO, tag: 'a' })
    expect((await awsError(ecr.handle(ctx('PutImage'), {}))).code).toBe('UnknownOperationException')
    expect(ecr.isMutating('DescribeImages')).toBe(false)
    await ecr.reset()
    expect(ecr.images()).toEqual([])
  })
})

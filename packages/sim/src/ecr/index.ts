import { AwsError, type EcrDeps, type EcrModule } from '../contract.js'
import { describeImages } from './describe-images.js'
import { createImageRegistry, imageView } from './registry.js'

export { parseImagePush } from './push.js'

/**
 * The sim's image registry: ECR's DescribeImages over images pushed through the control API or a
 * scenario (there is no Docker registry API to push to), and what tasks pull.
 */
export function createEcrModule(deps: EcrDeps): EcrModule {
  const registry = createImageRegistry(deps)
  return {
    handle(ctx, input) {
      if (ctx.operation !== 'DescribeImages') {
        return Promise.reject(
          new AwsError('UnknownOperationException', `Unknown operation ${ctx.operation}`)
        )
      }
      return Promise.resolve().then(() => describeImages(registry, ctx, input))
    },
    isMutating: () => false,
    reset() {
      registry.clear()
      return Promise.resolve()
    },
    dump: () => ({ images: registry.list().map(imageView) }),
    resolveImage: image => registry.resolve(image),
    pushImage(body, path) {
      const { created, image } = registry.push(body, path)
      return { created, image: imageView(image) }
    },
    images: () => registry.list().map(imageView)
  }
}

import { ConfigurationError, quoteValue, type ConfigurationSubject } from '@fargate-promote/common'

/** A container image reference split per the OCI distribution reference grammar. */
export interface ImageReference {
  /** The reference as given. */
  reference: string
  /** The registry host[:port] as written, or undefined when the reference names none (Docker Hub). */
  registry?: string
  /** The repository path as written (`nginx`, `team/api`). */
  repository: string
  tag?: string
  /** `sha256:<64 hex>` (or `sha512:<128 hex>`). */
  digest?: string
}

// Grammar from github.com/distribution/reference (regexp.go), anchored piece by piece so the
// error can say which piece is wrong.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`
)
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/
const NAME_MAX = 255

/** Why `ref` is not a valid image reference, or undefined when it is. */
function problem(ref: string): string | ImageReference {
  if (ref.length === 0) return 'it is empty'
  if (/\s/.test(ref)) return 'it contains whitespace'
  let rest = ref
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) {
      return `the digest '${digest}' is not sha256:<64 lowercase hex characters>`
    }
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (tag.length === 0) return 'the tag after ":" is empty'
    if (!TAG.test(tag)) {
      return `the tag '${tag}' is not valid (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")`
    }
  }
  if (rest.length === 0) return 'it has no repository name'
  if (rest.length > NAME_MAX) return `the name is longer than ${NAME_MAX} characters`
  const parts = rest.split('/')
  let registry: string | undefined
  const first = parts[0] as string
  // Docker's rule: the first component is a registry only if it looks like a host.
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first
    parts.shift()
    if (!DOMAIN.test(registry)) return `the registry '${registry}' is not a valid host[:port]`
  } else if (parts.length > 1 && first !== first.toLowerCase()) {
    return `the registry '${first}' is not a valid host (a repository path must be lowercase)`
  }
  for (const part of parts) {
    if (!PATH_COMPONENT.test(part)) {
      return part === ''
        ? 'the repository path has an empty component'
        : `the repository component '${part}' is not valid (lowercase letters, digits and single separators . _ __ -)`
    }
  }
  return {
    reference: ref,
    ...(registry === undefined ? {} : { registry }),
    repository: parts.join('/'),
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest })
  }
}

/**
 * Parse an image reference such as `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2`,
 * `nginx:1.27`, `ghcr.io/org/app@sha256:…` or `localhost:5000/app:dev`.
 * `subject` names the setting the reference came from in the error.
 */
export function parseImageReference(
  ref: string,
  subject: ConfigurationSubject = {}
): ImageReference {
  const result = problem(ref)
  if (typeof result === 'string') {
    throw new ConfigurationError(
      `${quoteValue(ref)} is not a valid image reference: ${result}. ` +
        'Use [registry/]repository[:tag][@sha256:digest], e.g. ' +
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2.',
      subject
    )
  }
  return result
}

export function isValidImageReference(ref: string): boolean {
  return typeof problem(ref) !== 'string'
}

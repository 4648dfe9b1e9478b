import { createHash } from 'node:crypto'
import { ImagePushError, type ImagePush } from '../contract.js'
import { parseEcrRepository, TAG } from './reference.js'

/**
 * Reading a push (`POST /_sim/images`, a scenario's `images:` entries) and the canonical manifest
 * that gives the image its digest. The manifest is built from the push alone, so the same
 * repository, tag and behaviour always give the same digest.
 */

export const MANIFEST_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json'
export const CONFIG_MEDIA_TYPE = 'application/vnd.docker.container.image.v1+json'
const LAYER_MEDIA_TYPE = 'application/vnd.docker.image.rootfs.diff.tar.gzip'
const MARKERS = /^(?:-[A-Za-z0-9]+)+$/
const FIELDS = ['repository', 'tag', 'behaviour']

const show = (value: unknown): string => JSON.stringify(value) ?? String(value)
const at = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`)
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

export function parseImagePush(body: unknown, path: string): ImagePush {
  const bad = (field: string, problem: string) => new ImagePushError(400, at(path, field), problem)
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ImagePushError(400, path, `must be an object, got ${show(body)}`)
  }
  const raw = body as Record<string, unknown>
  const unknown = Object.keys(raw).find(key => !FIELDS.includes(key))
  if (unknown !== undefined) throw bad(unknown, `unknown field (known: ${FIELDS.join(', ')})`)
  const { repository, tag, behaviour } = raw
  if (typeof repository !== 'string' || parseEcrRepository(repository) === undefined) {
    throw bad(
      'repository',
      `must be an ECR repository URI like 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web, got ${show(repository)}`
    )
  }
  if (typeof tag !== 'string' || !TAG.test(tag)) {
    throw bad('tag', `must be an image tag (letters, digits, _ . -; at most 128), got ${show(tag)}`)
  }
  if (behaviour !== undefined && (typeof behaviour !== 'string' || !MARKERS.test(behaviour))) {
    throw bad(
      'behaviour',
      `must be behaviour markers like "-crash" or "-errors-latency", got ${show(behaviour)}`
    )
  }
  return { repository, tag, ...(behaviour === undefined ? {} : { behaviour }) }
}

/**
 * Splits `behaviour` into known markers, longest first (a declared `-very-slow` before the
 * built-in `-slow`); a part no marker covers is refused, so a typo cannot deploy a healthy image.
 */
export function checkMarkers(behaviour: string, known: string[], path: string): void {
  const markers = [...new Set(known)].sort((a, b) => b.length - a.length)
  let rest = behaviour
  while (rest !== '') {
    const marker = markers.find(m => rest.startsWith(m) && /^(?:-|$)/.test(rest.slice(m.length)))
    if (marker === undefined) {
      // `rest` starts with a dash: the format was checked before.
      const part = `-${rest.slice(1).split('-')[0]}`
      throw new ImagePushError(
        400,
        at(path, 'behaviour'),
        `'${part}' is not a behaviour marker the sim knows (known: ${[...markers].sort().join(', ')})`
      )
    }
    rest = rest.slice(marker.length)
  }
}

export interface Manifest {
  text: string
  digest: string
  sizeInBytes: number
}

/** A Docker image manifest (schema 2) with one config and one layer, both made up from the push. */
export function manifestOf(push: ImagePush): Manifest {
  const labels = {
    'org.fargate-promote.sim.repository': push.repository,
    'org.fargate-promote.sim.tag': push.tag,
    'org.fargate-promote.sim.behaviour': push.behaviour ?? ''
  }
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: labels } })
  const layerSeed = sha256(`layer\n${config}`)
  // A plausible compressed size, stable for the push: 20-50 MB.
  const layerSize = 20_000_000 + (Number.parseInt(layerSeed.slice(0, 8), 16) % 30_000_000)
  const text = JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    config: {
      mediaType: CONFIG_MEDIA_TYPE,
      size: config.length,
      digest: `sha256:${sha256(config)}`
    },
    layers: [{ mediaType: LAYER_MEDIA_TYPE, size: layerSize, digest: `sha256:${layerSeed}` }]
  })
  return { text, digest: `sha256:${sha256(text)}`, sizeInBytes: config.length + layerSize }
}

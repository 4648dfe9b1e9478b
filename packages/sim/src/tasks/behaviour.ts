import type { ImageBehaviour } from '../contract.js'

/**
 * How an image behaves is decided by its tag, so a scenario can deploy `app:v2-crash` and watch
 * the pipeline react. Scenario declarations override the tag: first those keyed by a tag
 * substring (`-flaky`), then the one keyed by the exact image reference.
 */

export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage'

/** The tag of an image reference: after the last `:` of the last path part, digest ignored. */
export function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0] ?? ''
  const lastPart = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1)
  const colon = lastPart.lastIndexOf(':')
  return colon === -1 ? 'latest' : lastPart.slice(colon + 1)
}

const TAG_RULES: [string, ImageBehaviour][] = [
  ['-crash', { exitAfterMs: 1_000, exitCode: 1 }],
  ['-pullerror', { pullError: true }],
  ['-oom', { exitAfterMs: 2_000, exitCode: 137, exitReason: OOM_REASON }],
  ['-unhealthy', { healthStatus: 503 }],
  ['-slow', { healthyAfterMs: 30_000 }],
  ['-errors', { errorRate: 0.2 }],
  ['-latency', { latencyMs: 400 }]
]

/** The markers a tag may carry: the built-in ones and the declared suffixes. */
export function behaviourMarkers(declared: Record<string, ImageBehaviour> = {}): string[] {
  const suffixes = Object.keys(declared).filter(key => key.startsWith('-'))
  return [...new Set([...TAG_RULES.map(([marker]) => marker), ...suffixes])]
}

/**
 * `tag` replaces the reference's own tag: a pushed image behaves as its pushed tag followed by
 * the markers it was pushed with, whether the task names it by tag or by digest.
 */
export function resolveBehaviour(
  image: string,
  declared: Record<string, ImageBehaviour> = {},
  tag: string = imageTag(image),
  environment?: Record<string, string>
): ImageBehaviour {
  let merged: ImageBehaviour = {}
  for (const [marker, behaviour] of TAG_RULES) {
    if (tag.includes(marker)) merged = { ...merged, ...behaviour }
  }
  for (const [key, behaviour] of Object.entries(declared)) {
    if (!key.startsWith('-') || !tag.includes(key)) continue
    const { onlyWhenEnv, ...rest } = behaviour
    // Without a container's environment (or with another one), a conditional marker is inert.
    const applies =
      onlyWhenEnv === undefined ||
      (environment !== undefined &&
        Object.entries(onlyWhenEnv).every(([name, value]) => environment[name] === value))
    if (applies) merged = { ...merged, ...rest }
  }
  const exact = declared[image]
  return exact === undefined ? merged : { ...merged, ...exact }
}

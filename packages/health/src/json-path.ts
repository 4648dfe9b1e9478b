import type { JsonPathSegment } from './types.js'

/**
 * The JSONPath subset health endpoints need: `$`, `.key`, `['key']` / `["key"]` and `[N]`.
 * Wildcards, slices and filters are refused rather than half-supported: an assertion over
 * "some element" would pass for reasons nobody intended.
 * Returns the segments, or a string saying what is wrong.
 */
export function parseJsonPath(path: string): JsonPathSegment[] | string {
  if (!path.startsWith('$')) return "it must start with '$'"
  const segments: JsonPathSegment[] = []
  let i = 1
  while (i < path.length) {
    const rest = path.slice(i)
    const dotKey = /^\.([A-Za-z_$][\w$-]*)/.exec(rest)
    if (dotKey) {
      segments.push(dotKey[1] as string)
      i += dotKey[0].length
      continue
    }
    const index = /^\[(\d+)\]/.exec(rest)
    if (index) {
      segments.push(Number(index[1]))
      i += index[0].length
      continue
    }
    const quoted = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(rest)
    if (quoted) {
      const raw = quoted[1] ?? quoted[2] ?? ''
      segments.push(raw.replace(/\\(.)/g, '$1'))
      i += quoted[0].length
      continue
    }
    return `unexpected '${rest}' at position ${i}; use .key, ['key'] or [N]`
  }
  return segments
}

export type JsonLookup = { found: true; value: unknown } | { found: false; missing: string }

/** Follows the segments; `missing` names the first part that is absent, for the detail line. */
export function lookupJsonPath(document: unknown, segments: JsonPathSegment[]): JsonLookup {
  let current: unknown = document
  let walked = '$'
  for (const segment of segments) {
    if (typeof segment === 'number') {
      walked += `[${segment}]`
      if (!Array.isArray(current) || segment >= current.length) {
        return { found: false, missing: walked }
      }
      current = current[segment] as unknown
    } else {
      walked += `.${segment}`
      if (
        typeof current !== 'object' ||
        current === null ||
        Array.isArray(current) ||
        !Object.prototype.hasOwnProperty.call(current, segment)
      ) {
        return { found: false, missing: walked }
      }
      current = (current as Record<string, unknown>)[segment]
    }
  }
  return { found: true, value: current }
}

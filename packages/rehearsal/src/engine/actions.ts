import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { BUILTIN_STAND_INS, actionKey, declaredStandIn } from '../stand-ins/builtin.js'
import type { StandIn, StandInDeclaration } from '../stand-ins/types.js'

export interface ActionManifest {
  name: string
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: string[]
  main: string
  post?: string
  postIf?: string
}

/** How a `uses:` is run in a rehearsal. */
export type ResolvedAction =
  | { kind: 'action'; dir: string; manifest: ActionManifest }
  | { kind: 'stand-in'; key: string; standIn: StandIn }
  | { kind: 'unknown'; key: string }

interface RawManifest {
  name?: string
  inputs?: Record<string, { default?: unknown; required?: boolean }>
  outputs?: Record<string, unknown>
  runs?: { main?: string; post?: string; 'post-if'?: string }
}

export function readManifest(dir: string): ActionManifest {
  const raw = parse(readFileSync(join(dir, 'action.yml'), 'utf8')) as RawManifest
  const inputs: ActionManifest['inputs'] = {}
  for (const [name, input] of Object.entries(raw.inputs ?? {})) {
    inputs[name] = {
      ...(input.default !== undefined && {
        default: typeof input.default === 'string' ? input.default : JSON.stringify(input.default)
      }),
      ...(input.required === true && { required: true })
    }
  }
  return {
    name: raw.name ?? dir,
    inputs,
    outputs: Object.keys(raw.outputs ?? {}),
    main: raw.runs?.main ?? 'dist/index.js',
    ...(raw.runs?.post !== undefined && { post: raw.runs.post }),
    ...(raw.runs?.['post-if'] !== undefined && { postIf: raw.runs['post-if'] })
  }
}

/**
 * This project's actions (`<product repository>/actions/<name>@…` or `./actions/<name>`) run
 * their committed bundles; everything else needs a stand-in, built in or declared.
 */
export type ActionResolver = (uses: string) => ResolvedAction

export function actionResolver(
  product: { root: string; repository: string },
  declared: Record<string, StandInDeclaration> = {}
): ActionResolver {
  const manifests = new Map<string, ActionManifest>()
  const ours = new RegExp(`^(?:${product.repository.toLowerCase()}/|\\./)actions/([a-z0-9-]+)$`)
  const declaredByKey = new Map(Object.entries(declared).map(([k, v]) => [actionKey(k), v]))
  return uses => {
    const key = actionKey(uses)
    const name = ours.exec(key)?.[1]
    if (name !== undefined) {
      const dir = join(product.root, 'actions', name)
      let manifest = manifests.get(dir)
      if (manifest === undefined) {
        try {
          manifest = readManifest(dir)
        } catch {
          return { kind: 'unknown', key }
        }
        manifests.set(dir, manifest)
      }
      return { kind: 'action', dir, manifest }
    }
    const declaration = declaredByKey.get(key)
    if (declaration !== undefined) {
      return { kind: 'stand-in', key, standIn: declaredStandIn(declaration) }
    }
    const builtin = BUILTIN_STAND_INS[key]
    return builtin !== undefined
      ? { kind: 'stand-in', key, standIn: builtin }
      : { kind: 'unknown', key }
  }
}

/** The outputs a `uses:` declares, for the reference check; undefined when not known. */
export function declaredOutputs(resolve: ActionResolver, uses: string) {
  const action = resolve(uses)
  if (action.kind === 'action') return action.manifest.outputs
  if (action.kind === 'stand-in') return action.standIn.outputs
  return undefined
}

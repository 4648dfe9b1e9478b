import { requireArray, requireString, readTags, mergeTags, invalid, type Input } from './input.js'
import type { Tag } from './model.js'
import type { EcsStore } from './store.js'

interface Taggable {
  tags: Tag[]
}

/** Clusters, services, task definitions and tasks carry tags; ARNs identify them. */
function findTaggable(store: EcsStore, arn: string): Taggable {
  const found: Taggable | undefined =
    store.clusters.get(arn) ??
    store.services.get(arn) ??
    store.tasks.get(arn) ??
    [...store.taskDefinitions.values()].flat().find(td => td.arn === arn)
  if (found === undefined) throw invalid('The specified resource is not found.')
  return found
}

export function tagResource(store: EcsStore, input: Input): unknown {
  const resource = findTaggable(store, requireString(input, 'resourceArn'))
  requireArray(input, 'tags')
  resource.tags = mergeTags(resource.tags, readTags(input))
  return {}
}

export function untagResource(store: EcsStore, input: Input): unknown {
  const resource = findTaggable(store, requireString(input, 'resourceArn'))
  const keys = requireArray(input, 'tagKeys').map(String)
  resource.tags = resource.tags.filter(tag => !keys.includes(tag.key))
  return {}
}

export function listTagsForResource(store: EcsStore, input: Input): unknown {
  return { tags: findTaggable(store, requireString(input, 'resourceArn')).tags }
}

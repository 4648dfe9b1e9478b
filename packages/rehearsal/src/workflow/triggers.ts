import { isMapping, isString } from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { asText } from '../expressions/data.js'
import { evaluateToken } from '../expressions/evaluate.js'
import { branchMatches } from '../engine/environments.js'

const NO_SCOPE = { contexts: {}, status: () => ({ failed: false, cancelled: false }) }

/** The workflow's `on:` as plain values: `{ push: {branches: […]}, workflow_dispatch: {…} }`. */
export function triggersOf(root: TemplateToken): Record<string, Record<string, unknown>> {
  const on = isMapping(root) ? root.find('on') : undefined
  if (on === undefined) return {}
  if (isString(on)) return { [on.value]: {} }
  const value = evaluateToken(on, NO_SCOPE)
  if (Array.isArray(value)) return Object.fromEntries(value.map(v => [String(v), {}]))
  const triggers: Record<string, Record<string, unknown>> = {}
  for (const [event, settings] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    triggers[event] =
      settings !== null && typeof settings === 'object' ? (settings as Record<string, unknown>) : {}
  }
  return triggers
}

/**
 * GitHub's filter patterns, in order: a pattern selects what it matches, a later `!pattern`
 * deselects it again (`['release/**', '!release/**-alpha']`).
 */
function filterMatches(patterns: string[], name: string): boolean {
  let matched = false
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (branchMatches(pattern.slice(1), name)) matched = false
    } else if (branchMatches(pattern, name)) matched = true
  }
  return matched
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []
}

/** Why the event would not start the workflow on GitHub, or undefined when it would. */
export function whyNotTriggered(
  root: TemplateToken,
  event: string,
  ref: string
): string | undefined {
  const triggers = triggersOf(root)
  const settings = triggers[event]
  if (settings === undefined) {
    return `The workflow does not run on ${event} (it runs on ${Object.keys(triggers).join(', ') || 'nothing'}).`
  }
  if (event !== 'push') return undefined
  const tag = ref.startsWith('refs/tags/')
  const name = ref.replace(/^refs\/(heads|tags)\//, '')
  const [include, ignore] = tag ? ['tags', 'tags-ignore'] : ['branches', 'branches-ignore']
  const wanted = list(settings[include])
  const ignored = list(settings[ignore])
  const filtered =
    wanted.length > 0 || ignored.length > 0 || list(settings[tag ? 'branches' : 'tags']).length > 0
  if (!filtered) return undefined
  if (wanted.length > 0 && !filterMatches(wanted, name)) {
    return `A push to ${name} does not run the workflow (on.push.${include}: ${wanted.join(', ')}).`
  }
  if (filterMatches(ignored, name)) {
    return `A push to ${name} does not run the workflow (on.push.${ignore}: ${ignored.join(', ')}).`
  }
  if (wanted.length === 0 && ignored.length === 0) {
    return `A push of ${tag ? 'a tag' : 'a branch'} does not run the workflow (it filters ${tag ? 'branches' : 'tags'} only).`
  }
  return undefined
}

interface InputDefinition {
  type?: string
  required?: boolean
  default?: unknown
  options?: unknown[]
}

/** workflow_dispatch inputs checked and typed as GitHub does; errors name the input. */
export function dispatchInputs(
  root: TemplateToken,
  given: Record<string, string>
): { inputs: Record<string, unknown>; errors: string[] } {
  const definitions = (triggersOf(root).workflow_dispatch?.inputs ?? {}) as Record<
    string,
    InputDefinition
  >
  const inputs: Record<string, unknown> = {}
  const errors: string[] = []
  for (const name of Object.keys(given)) {
    if (!(name in definitions))
      errors.push(
        `Input ${name} is not an input of the workflow (it has ${Object.keys(definitions).join(', ') || 'none'}).`
      )
  }
  for (const [name, definition] of Object.entries(definitions)) {
    const raw =
      given[name] ?? (definition.default === undefined ? undefined : asText(definition.default))
    if (raw === undefined || raw === '') {
      if (definition.required === true)
        errors.push(`Input ${name} is required: give --input ${name}=VALUE.`)
      inputs[name] = definition.type === 'boolean' ? false : ''
      continue
    }
    if (definition.type === 'boolean') {
      if (raw !== 'true' && raw !== 'false')
        errors.push(`Input ${name} must be true or false, not "${raw}".`)
      inputs[name] = raw === 'true'
    } else if (definition.type === 'number') {
      if (!Number.isFinite(Number(raw)))
        errors.push(`Input ${name} must be a number, not "${raw}".`)
      inputs[name] = Number(raw)
    } else if (
      definition.type === 'choice' &&
      !(definition.options ?? []).map(String).includes(raw)
    ) {
      errors.push(
        `Input ${name} must be one of ${(definition.options ?? []).join(', ')}, not "${raw}".`
      )
      inputs[name] = raw
    } else {
      inputs[name] = raw
    }
  }
  return { inputs, errors }
}

import type { ContainerDefinition } from '@aws-sdk/client-ecs'
import { READ_ONLY_FIELDS } from './render.js'

/** What a task-definition-like object must offer to be compared. */
export interface ComparableTaskDefinition {
  family?: string | undefined
  cpu?: string | undefined
  memory?: string | undefined
  containerDefinitions?: ContainerDefinition[] | undefined
}

export interface Change<T> {
  from?: T
  to?: T
}

/** Names only: values of variables and secrets are never part of a diff. */
export interface NameChanges {
  added: string[]
  removed: string[]
  changed: string[]
}

export interface ContainerDiff {
  name: string
  image?: Change<string>
  environment: NameChanges
  secrets: NameChanges
  cpu?: Change<number>
  memory?: Change<number>
  memoryReservation?: Change<number>
  commandChanged: boolean
  entryPointChanged: boolean
  /** Other container fields that differ (`portMappings`, `healthCheck`, …), by name. */
  otherFieldsChanged: string[]
}

export interface TaskDefinitionDiff {
  changed: boolean
  family?: Change<string>
  cpu?: Change<string>
  memory?: Change<string>
  containersAdded: string[]
  containersRemoved: string[]
  /** Containers present on both sides that differ. */
  containers: ContainerDiff[]
  /** Other task-level fields that differ (`taskRoleArn`, `volumes`, …), by name. */
  otherFieldsChanged: string[]
}

const TASK_FIELDS_SHOWN = new Set(['family', 'cpu', 'memory', 'containerDefinitions'])
// Read-only or bookkeeping fields that differ between any two revisions.
const TASK_FIELDS_IGNORED = new Set([...READ_ONLY_FIELDS, 'tags'])
const CONTAINER_FIELDS_SHOWN = new Set([
  'name',
  'image',
  'environment',
  'secrets',
  'cpu',
  'memory',
  'memoryReservation',
  'command',
  'entryPoint'
])

/** Drop what DescribeTaskDefinition adds but a file leaves out (empty lists, nulls). */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalize)
    return items.length === 0 ? undefined : items
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, normalize(item)] as const)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
    return entries.length === 0 ? undefined : Object.fromEntries(entries)
  }
  return value ?? undefined
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b))
}

function change<T>(from: T | undefined, to: T | undefined): Change<T> | undefined {
  if (same(from, to)) return undefined
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }
}

const nameOf = (item: { name?: string | undefined }): string => item.name ?? ''

function nameChanges(
  from: { name?: string | undefined }[] | undefined,
  to: { name?: string | undefined }[] | undefined,
  valueOf: (item: Record<string, unknown>) => unknown
): NameChanges {
  const before = new Map((from ?? []).map(item => [nameOf(item), valueOf(item)]))
  const after = new Map((to ?? []).map(item => [nameOf(item), valueOf(item)]))
  return {
    added: [...after.keys()].filter(name => !before.has(name)),
    removed: [...before.keys()].filter(name => !after.has(name)),
    changed: [...after.keys()].filter(
      name => before.has(name) && before.get(name) !== after.get(name)
    )
  }
}

function hasNameChanges(changes: NameChanges): boolean {
  return changes.added.length + changes.removed.length + changes.changed.length > 0
}

// A container without `cpu` gets 0 from DescribeTaskDefinition.
function containerCpu(container: ContainerDefinition): number | undefined {
  return container.cpu === 0 ? undefined : container.cpu
}

function diffContainer(
  live: ContainerDefinition,
  next: ContainerDefinition
): ContainerDiff | undefined {
  const fields = new Set([...Object.keys(live), ...Object.keys(next)])
  const other = [...fields]
    .filter(field => !CONTAINER_FIELDS_SHOWN.has(field))
    .filter(
      field =>
        !same(live[field as keyof ContainerDefinition], next[field as keyof ContainerDefinition])
    )
    .sort()
  const image = change(live.image, next.image)
  const cpu = change(containerCpu(live), containerCpu(next))
  const memory = change(live.memory, next.memory)
  const memoryReservation = change(live.memoryReservation, next.memoryReservation)
  const diff: ContainerDiff = {
    name: nameOf(next),
    ...(image ? { image } : {}),
    environment: nameChanges(live.environment, next.environment, item => item.value),
    secrets: nameChanges(live.secrets, next.secrets, item => item.valueFrom),
    ...(cpu ? { cpu } : {}),
    ...(memory ? { memory } : {}),
    ...(memoryReservation ? { memoryReservation } : {}),
    commandChanged: !same(live.command, next.command),
    entryPointChanged: !same(live.entryPoint, next.entryPoint),
    otherFieldsChanged: other
  }
  const changed =
    image ||
    cpu ||
    memory ||
    memoryReservation ||
    diff.commandChanged ||
    diff.entryPointChanged ||
    other.length > 0 ||
    hasNameChanges(diff.environment) ||
    hasNameChanges(diff.secrets)
  return changed ? diff : undefined
}

/**
 * Compare the live task definition with the one about to be registered. Environment variables
 * and secrets appear by name only, so the diff can be logged and put in a job summary.
 */
export function diffTaskDefinitions(
  live: ComparableTaskDefinition,
  next: ComparableTaskDefinition
): TaskDefinitionDiff {
  const liveContainers = live.containerDefinitions ?? []
  const nextContainers = next.containerDefinitions ?? []
  const liveByName = new Map(liveContainers.map(c => [nameOf(c), c]))
  const nextNames = new Set(nextContainers.map(nameOf))
  const containers: ContainerDiff[] = []
  for (const container of nextContainers) {
    const before = liveByName.get(nameOf(container))
    const diff = before && diffContainer(before, container)
    if (diff) containers.push(diff)
  }
  const fields = new Set([...Object.keys(live), ...Object.keys(next)])
  const otherFieldsChanged = [...fields]
    .filter(field => !TASK_FIELDS_SHOWN.has(field) && !TASK_FIELDS_IGNORED.has(field))
    .filter(
      field =>
        !same((live as Record<string, unknown>)[field], (next as Record<string, unknown>)[field])
    )
    .sort()
  const family = change(live.family, next.family)
  const cpu = change(live.cpu, next.cpu)
  const memory = change(live.memory, next.memory)
  const containersAdded = nextContainers.map(nameOf).filter(n => !liveByName.has(n))
  const containersRemoved = liveContainers.map(nameOf).filter(n => !nextNames.has(n))
  return {
    changed:
      Boolean(family || cpu || memory) ||
      containersAdded.length + containersRemoved.length + containers.length > 0 ||
      otherFieldsChanged.length > 0,
    ...(family ? { family } : {}),
    ...(cpu ? { cpu } : {}),
    ...(memory ? { memory } : {}),
    containersAdded,
    containersRemoved,
    containers,
    otherFieldsChanged
  }
}

function show<T>(value: Change<T>): string {
  const text = (side: T | undefined): string => (side === undefined ? '(none)' : String(side))
  return `${text(value.from)} → ${text(value.to)}`
}

function nameLine(kind: string, changes: NameChanges): string | undefined {
  const parts = [
    changes.added.length > 0 ? `added ${changes.added.join(', ')}` : '',
    changes.removed.length > 0 ? `removed ${changes.removed.join(', ')}` : '',
    changes.changed.length > 0 ? `changed ${changes.changed.join(', ')}` : ''
  ].filter(part => part !== '')
  return parts.length > 0 ? `${kind} ${parts.join('; ')}` : undefined
}

/** The diff as log lines, one change per line; values of variables and secrets never appear. */
export function formatDiff(diff: TaskDefinitionDiff): string[] {
  if (!diff.changed) return ['task definition: no changes']
  const lines: string[] = []
  if (diff.family) lines.push(`task definition: family ${show(diff.family)}`)
  if (diff.cpu) lines.push(`task definition: cpu ${show(diff.cpu)}`)
  if (diff.memory) lines.push(`task definition: memory ${show(diff.memory)}`)
  if (diff.otherFieldsChanged.length > 0) {
    lines.push(`task definition: changed ${diff.otherFieldsChanged.join(', ')}`)
  }
  for (const name of diff.containersAdded) lines.push(`container ${name}: added`)
  for (const name of diff.containersRemoved) lines.push(`container ${name}: removed`)
  for (const container of diff.containers) {
    const prefix = `container ${container.name}:`
    if (container.image) lines.push(`${prefix} image ${show(container.image)}`)
    const env = nameLine('environment', container.environment)
    if (env) lines.push(`${prefix} ${env}`)
    const secrets = nameLine('secrets', container.secrets)
    if (secrets) lines.push(`${prefix} ${secrets}`)
    if (container.cpu) lines.push(`${prefix} cpu ${show(container.cpu)}`)
    if (container.memory) lines.push(`${prefix} memory ${show(container.memory)}`)
    if (container.memoryReservation) {
      lines.push(`${prefix} memoryReservation ${show(container.memoryReservation)}`)
    }
    if (container.commandChanged) lines.push(`${prefix} command changed`)
    if (container.entryPointChanged) lines.push(`${prefix} entryPoint changed`)
    if (container.otherFieldsChanged.length > 0) {
      lines.push(`${prefix} changed ${container.otherFieldsChanged.join(', ')}`)
    }
  }
  return lines
}

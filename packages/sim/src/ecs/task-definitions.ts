import { AwsError, SIM_ACCOUNT_ID, type RequestContext } from '../contract.js'
import { ecsArn } from './arns.js'
import { checkFargateSize } from './fargate-sizes.js'
import {
  invalid,
  objectList,
  optionalEnum,
  optionalInteger,
  optionalString,
  readTags,
  requireString,
  stringList,
  type Input
} from './input.js'
import type { ContainerDef, TaskDefRec } from './model.js'
import { paginate } from './pagination.js'
import { now, type EcsStore } from './store.js'

const FAMILY = /^[a-zA-Z0-9_-]{1,255}$/
const COMPATIBILITIES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] as const
const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'] as const

function clientError(message: string): AwsError {
  return new AwsError('ClientException', message)
}

function readContainers(input: Input): ContainerDef[] {
  const list = objectList(input, 'containerDefinitions')
  if (list === undefined || list.length === 0) {
    throw clientError('Container list cannot be empty.')
  }
  const seen = new Set<string>()
  return list.map(item => {
    const name = optionalString(item, 'name')
    if (name === undefined || name === '') {
      throw clientError('Container.name should not be null or empty.')
    }
    if (seen.has(name)) throw clientError(`Duplicate container name: ${name}.`)
    seen.add(name)
    const image = optionalString(item, 'image')
    if (image === undefined || image.trim() === '') {
      throw clientError('Container.image should not be null or empty.')
    }
    const environment: Record<string, string> = {}
    for (const pair of objectList(item, 'environment') ?? []) {
      const key = optionalString(pair, 'name')
      if (key !== undefined) environment[key] = optionalString(pair, 'value') ?? ''
    }
    const containerPorts = (objectList(item, 'portMappings') ?? []).map(
      mapping => optionalInteger(mapping, 'containerPort', 0, 65535) ?? 0
    )
    return {
      name,
      image,
      essential: item.essential !== false,
      containerPorts,
      environment,
      hasHealthCheck: item.healthCheck !== undefined && item.healthCheck !== null
    }
  })
}

export function registerTaskDefinition(
  store: EcsStore,
  ctx: RequestContext,
  input: Input
): unknown {
  const family = requireString(input, 'family')
  if (!FAMILY.test(family)) {
    throw clientError(
      'Family name can only contain letters, numbers, hyphens and underscores (up to 255).'
    )
  }
  const containers = readContainers(input)
  const networkMode = optionalEnum(input, 'networkMode', NETWORK_MODES)
  const requires = stringList(input, 'requiresCompatibilities') ?? []
  for (const value of requires) {
    if (!(COMPATIBILITIES as readonly string[]).includes(value)) {
      throw invalid(`Invalid requiresCompatibilities value: ${value}.`)
    }
  }
  const cpu = optionalString(input, 'cpu')
  const memory = optionalString(input, 'memory')
  if (requires.includes('FARGATE')) {
    if (networkMode !== 'awsvpc') {
      throw clientError("Fargate only supports network mode 'awsvpc'.")
    }
    checkFargateSize(cpu, memory)
  }
  const tags = readTags(input)
  const revisions = store.taskDefinitions.get(family) ?? []
  const revision = (revisions[revisions.length - 1]?.revision ?? 0) + 1
  const body: Record<string, unknown> = { ...input }
  delete body.tags
  const record: TaskDefRec = {
    arn: ecsArn(ctx.region, `task-definition/${family}:${revision}`),
    family,
    revision,
    status: 'ACTIVE',
    body,
    containers,
    tags,
    registeredAt: now(store)
  }
  revisions.push(record)
  store.taskDefinitions.set(family, revisions)
  return { taskDefinition: taskDefinitionView(record), tags }
}

export function taskDefinitionView(td: TaskDefRec): Record<string, unknown> {
  const fargate = (td.body.requiresCompatibilities as string[] | undefined)?.includes('FARGATE')
  return {
    ...td.body,
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    volumes: td.body.volumes ?? [],
    placementConstraints: td.body.placementConstraints ?? [],
    requiresAttributes: [
      { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' },
      ...(fargate ? [{ name: 'ecs.capability.task-eni' }] : [])
    ],
    compatibilities: fargate ? ['EC2', 'FARGATE'] : ['EC2'],
    registeredAt: td.registeredAt,
    deregisteredAt: td.deregisteredAt,
    registeredBy: `arn:aws:sts::${SIM_ACCOUNT_ID}:assumed-role/fargate-promote-sim/sim`
  }
}

/** Resolves `family`, `family:rev` or an ARN; a bare family means its latest ACTIVE revision. */
export function findTaskDefinition(store: EcsStore, ref: string): TaskDefRec | undefined {
  const nameRev = ref.startsWith('arn:') ? ref.slice(ref.indexOf('task-definition/') + 16) : ref
  const [family = '', rev] = nameRev.split(':')
  const revisions = store.taskDefinitions.get(family) ?? []
  if (rev === undefined) {
    return [...revisions].reverse().find(td => td.status === 'ACTIVE')
  }
  return revisions.find(td => String(td.revision) === rev)
}

export function describeTaskDefinition(store: EcsStore, input: Input): unknown {
  const ref = requireString(input, 'taskDefinition')
  const td = findTaskDefinition(store, ref)
  if (td === undefined) throw clientError('Unable to describe task definition.')
  const withTags = (stringList(input, 'include') ?? []).includes('TAGS')
  return { taskDefinition: taskDefinitionView(td), tags: withTags ? td.tags : undefined }
}

export function listTaskDefinitions(store: EcsStore, input: Input): unknown {
  const prefix = optionalString(input, 'familyPrefix')
  const status =
    optionalEnum(input, 'status', ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'] as const) ?? 'ACTIVE'
  const sort = optionalEnum(input, 'sort', ['ASC', 'DESC'] as const) ?? 'ASC'
  const maxResults = optionalInteger(input, 'maxResults', 1, 100) ?? 100
  const all = [...store.taskDefinitions.values()]
    .flat()
    .filter(td => td.status === status && (prefix === undefined || td.family === prefix))
    .sort((a, b) =>
      a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1
    )
  if (sort === 'DESC') all.reverse()
  const { page, nextToken } = paginate(all, optionalString(input, 'nextToken'), maxResults)
  return { taskDefinitionArns: page.map(td => td.arn), nextToken }
}

export function deregisterTaskDefinition(store: EcsStore, input: Input): unknown {
  const ref = requireString(input, 'taskDefinition')
  if (!/:\d+$/.test(ref)) {
    throw invalid('A revision must be specified to deregister a task definition.')
  }
  const td = findTaskDefinition(store, ref)
  if (td === undefined) throw clientError('The specified task definition does not exist.')
  if (td.status === 'ACTIVE') {
    td.status = 'INACTIVE'
    td.deregisteredAt = now(store)
  }
  return { taskDefinition: taskDefinitionView(td) }
}

import { AwsError, type RequestContext } from '../contract.js'
import { ecsArn } from './arns.js'
import { newRevision, startDeployment } from './deployments.js'
import {
  invalid,
  objectList,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  readTags,
  requireArray,
  requireString,
  stringList,
  type Input
} from './input.js'
import type { DeploymentConfig, DeploymentRec, ServiceRec } from './model.js'
import {
  defaultDeploymentConfiguration,
  readDeploymentConfiguration,
  readLoadBalancers,
  requireUsableTaskDefinition
} from './service-config.js'
import { checkStrategy } from './strategy-config.js'
import { findService, now, requireActiveService, resolveCluster, type EcsStore } from './store.js'
import { findTaskDefinition } from './task-definitions.js'
import { isLive, isPendingStatus } from './tasks.js'

const SERVICE_NAME = /^[a-zA-Z0-9_-]{1,255}$/
const CONTROLLERS = ['ECS', 'CODE_DEPLOY', 'EXTERNAL'] as const
const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] as const

function configView(config: DeploymentConfig): Record<string, unknown> {
  return { ...structuredClone(config) }
}

function deploymentView(service: ServiceRec, d: DeploymentRec): Record<string, unknown> {
  return {
    id: d.id,
    status: d.status,
    taskDefinition: d.revision.taskDefinitionArn,
    desiredCount: d.desiredCount,
    pendingCount: d.pendingCount,
    runningCount: d.runningCount,
    failedTasks: d.failedTasks,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    launchType: service.launchType,
    capacityProviderStrategy: service.capacityProviderStrategy,
    platformVersion: service.launchType === 'FARGATE' ? '1.4.0' : undefined,
    platformFamily: 'Linux',
    networkConfiguration: d.revision.networkConfiguration,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason
  }
}

export function serviceView(store: EcsStore, service: ServiceRec, withTags: boolean): unknown {
  const tasks = [...store.tasks.values()].filter(t => t.service === service)
  const controller = service.deploymentControllerType
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.cluster.arn,
    loadBalancers: service.loadBalancers.map(lb => lb.raw),
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: tasks.filter(t => t.lastStatus === 'RUNNING').length,
    pendingCount: tasks.filter(isPendingStatus).length,
    launchType: service.launchType,
    capacityProviderStrategy: service.capacityProviderStrategy,
    platformVersion: service.launchType === 'FARGATE' ? 'LATEST' : undefined,
    platformFamily: 'Linux',
    taskDefinition: service.taskDefinitionArn,
    deploymentConfiguration: configView(service.deploymentConfiguration),
    deployments:
      controller === 'ECS' ? service.deployments.map(d => deploymentView(service, d)) : [],
    events: service.events,
    createdAt: service.createdAt,
    currentServiceDeployment: service.serviceDeployments[0]?.arn,
    currentServiceRevisions: service.deployments.map(d => ({
      arn: d.revision.arn,
      requestedTaskCount: d.desiredCount,
      runningTaskCount: d.runningCount,
      pendingTaskCount: d.pendingCount
    })),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: service.networkConfiguration,
    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
    schedulingStrategy: service.schedulingStrategy,
    deploymentController: { type: controller },
    createdBy: 'arn:aws:iam::123456789012:role/fargate-promote-sim',
    enableECSManagedTags: service.enableECSManagedTags,
    propagateTags: service.propagateTags,
    enableExecuteCommand: service.enableExecuteCommand,
    availabilityZoneRebalancing: 'ENABLED',
    tags: withTags ? service.tags : undefined
  }
}

export function createService(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const name = requireString(input, 'serviceName')
  if (!SERVICE_NAME.test(name)) {
    throw invalid('Service name can only contain letters, numbers, hyphens and underscores.')
  }
  const cluster = resolveCluster(store, ctx, optionalString(input, 'cluster'))
  const existing = findService(store, cluster, name)
  if (existing !== undefined && existing.status !== 'INACTIVE') {
    throw invalid('Creation of service was not idempotent.')
  }
  const controller = optionalObject(input, 'deploymentController')
  const controllerType = (controller && optionalEnum(controller, 'type', CONTROLLERS)) ?? 'ECS'
  const ref = optionalString(input, 'taskDefinition')
  if (ref === undefined && controllerType !== 'EXTERNAL') {
    throw invalid('TaskDefinition must be specified.')
  }
  const taskDef = requireUsableTaskDefinition(findTaskDefinition(store, ref ?? ''))
  const desiredCount = optionalInteger(input, 'desiredCount', 0, 10_000) ?? 0
  const launchType = optionalEnum(input, 'launchType', LAUNCH_TYPES)
  const capacityProviderStrategy = objectList(input, 'capacityProviderStrategy')
  if (launchType !== undefined && capacityProviderStrategy !== undefined) {
    throw invalid('Specifying both a launch type and capacity provider strategy is not supported.')
  }
  const networkConfiguration = optionalObject(input, 'networkConfiguration')
  if (taskDef.body.networkMode === 'awsvpc' && networkConfiguration === undefined) {
    throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
  }
  const deploymentConfiguration = readDeploymentConfiguration(
    optionalObject(input, 'deploymentConfiguration'),
    defaultDeploymentConfiguration()
  )
  const loadBalancers = readLoadBalancers(store, objectList(input, 'loadBalancers'), taskDef)
  checkStrategy(deploymentConfiguration, loadBalancers, controllerType)
  const service: ServiceRec = {
    arn: ecsArn(cluster.region, `service/${cluster.name}/${name}`),
    name,
    cluster,
    status: 'ACTIVE',
    desiredCount,
    taskDefinitionArn: taskDef.arn,
    launchType: capacityProviderStrategy === undefined ? (launchType ?? 'FARGATE') : undefined,
    capacityProviderStrategy,
    platformVersion: optionalString(input, 'platformVersion'),
    deploymentControllerType: controllerType,
    deploymentConfiguration,
    loadBalancers,
    networkConfiguration,
    healthCheckGracePeriodSeconds:
      optionalInteger(input, 'healthCheckGracePeriodSeconds', 0, 2_147_483_647) ??
      (loadBalancers.length > 0 ? 0 : undefined),
    schedulingStrategy:
      optionalEnum(input, 'schedulingStrategy', ['REPLICA', 'DAEMON'] as const) ?? 'REPLICA',
    propagateTags:
      optionalEnum(input, 'propagateTags', ['TASK_DEFINITION', 'SERVICE', 'NONE'] as const) ??
      'NONE',
    enableECSManagedTags: optionalBoolean(input, 'enableECSManagedTags') ?? false,
    enableExecuteCommand: optionalBoolean(input, 'enableExecuteCommand') ?? false,
    createdAt: now(store),
    events: [],
    deployments: [],
    serviceDeployments: [],
    revisions: [],
    tags: readTags(input),
    steady: false,
    quietMessages: new Set()
  }
  if (existing !== undefined) store.services.delete(existing.arn)
  store.services.set(service.arn, service)
  startDeployment(store, service, newRevision(store, service, taskDef))
  return { service: serviceView(store, service, true) }
}

const REDEPLOYING_MEMBERS = [
  'networkConfiguration',
  'loadBalancers',
  'platformVersion',
  'capacityProviderStrategy'
] as const

export function updateService(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const ref = requireString(input, 'service')
  const cluster = resolveCluster(store, ctx, optionalString(input, 'cluster'))
  const service = requireActiveService(store, cluster, ref)
  const desiredCount = optionalInteger(input, 'desiredCount', 0, 10_000)
  const force = optionalBoolean(input, 'forceNewDeployment') ?? false
  const tdRef = optionalString(input, 'taskDefinition')
  const taskDef =
    tdRef === undefined ? undefined : requireUsableTaskDefinition(findTaskDefinition(store, tdRef))
  const controller = service.deploymentControllerType
  if (controller !== 'ECS' && (taskDef !== undefined || force)) {
    // A CODE_DEPLOY/EXTERNAL service is deployed through its controller, not UpdateService.
    throw invalid(
      `Unable to update task definition on services with a ${controller} deployment controller. ` +
        'Use AWS CodeDeploy to trigger a new deployment.'
    )
  }
  const config = readDeploymentConfiguration(
    optionalObject(input, 'deploymentConfiguration'),
    service.deploymentConfiguration
  )
  const currentTaskDef = requireUsableTaskDefinitionOrAny(store, service.taskDefinitionArn)
  const nextTaskDef = taskDef ?? currentTaskDef
  const loadBalancerInput = objectList(input, 'loadBalancers')
  const loadBalancers =
    loadBalancerInput === undefined
      ? service.loadBalancers
      : readLoadBalancers(store, loadBalancerInput, nextTaskDef)
  const grace = optionalInteger(input, 'healthCheckGracePeriodSeconds', 0, 2_147_483_647)
  checkStrategy(config, loadBalancers, controller)

  service.deploymentConfiguration = config
  service.loadBalancers = loadBalancers
  if (grace !== undefined) service.healthCheckGracePeriodSeconds = grace
  const changed = REDEPLOYING_MEMBERS.filter(member => input[member] !== undefined)
  if (input.networkConfiguration !== undefined) {
    service.networkConfiguration = optionalObject(input, 'networkConfiguration')
  }
  if (input.platformVersion !== undefined)
    service.platformVersion = optionalString(input, 'platformVersion')
  if (input.capacityProviderStrategy !== undefined) {
    service.capacityProviderStrategy = objectList(input, 'capacityProviderStrategy')
    service.launchType = undefined
  }
  if (desiredCount !== undefined && desiredCount !== service.desiredCount) {
    service.desiredCount = desiredCount
    service.steady = false
  }
  const newTaskDef = taskDef !== undefined && taskDef.arn !== service.taskDefinitionArn
  if (newTaskDef || force || changed.length > 0) {
    startDeployment(store, service, newRevision(store, service, nextTaskDef))
  }
  return { service: serviceView(store, service, false) }
}

/** The service's current task definition, even if it was deregistered since. */
function requireUsableTaskDefinitionOrAny(store: EcsStore, arn: string) {
  const td = findTaskDefinition(store, arn)
  if (td === undefined) throw new AwsError('ClientException', 'TaskDefinition not found.')
  return td
}

export function describeServices(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const cluster = resolveCluster(store, ctx, optionalString(input, 'cluster'))
  const refs = requireArray(input, 'services')
  if (refs.length === 0 || refs.length > 10) {
    throw invalid('services can have at most 10 items and at least 1.')
  }
  const withTags = (stringList(input, 'include') ?? []).includes('TAGS')
  const services: unknown[] = []
  const failures: unknown[] = []
  for (const ref of refs.map(String)) {
    const service = findService(store, cluster, ref)
    if (service === undefined) {
      const arn = ref.startsWith('arn:')
        ? ref
        : ecsArn(cluster.region, `service/${cluster.name}/${ref}`)
      failures.push({ arn, reason: 'MISSING' })
    } else {
      services.push(serviceView(store, service, withTags))
    }
  }
  return { services, failures }
}

export function deleteService(store: EcsStore, ctx: RequestContext, input: Input): unknown {
  const ref = requireString(input, 'service')
  const cluster = resolveCluster(store, ctx, optionalString(input, 'cluster'))
  const service = findService(store, cluster, ref)
  if (service === undefined) throw new AwsError('ServiceNotFoundException', 'Service not found.')
  if (service.status !== 'ACTIVE') {
    throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.')
  }
  const force = optionalBoolean(input, 'force') ?? false
  if (service.desiredCount > 0 && !force) {
    throw invalid('The service cannot be stopped while it is scaled above 0.')
  }
  service.desiredCount = 0
  const live = [...store.tasks.values()].filter(t => t.service === service && isLive(t))
  service.status = live.length > 0 ? 'DRAINING' : 'INACTIVE'
  return { service: serviceView(store, service, false) }
}
